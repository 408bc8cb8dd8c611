//! A deadline, fail-open, and the event key for idempotent side effects.
use identity_runtime::{EventKey, User, identity_event};

#[identity_event(login, deadline_ms = 2000, fail_open)]
async fn handle(_user: &User, key: &EventKey) {
    assert_eq!(key.as_str().len(), 64);
}
