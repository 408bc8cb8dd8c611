//! Parameters may be bound by any irrefutable pattern.
use identity_runtime::{IdentityEvent, User, identity_event};

#[identity_event(signup)]
fn handle(_: &User, IdentityEvent { event, .. }: IdentityEvent) {
    assert_eq!(event.as_str(), "signup");
}
