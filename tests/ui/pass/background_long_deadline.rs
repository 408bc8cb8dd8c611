//! A background function may take minutes.
use identity_runtime::{EventKey, User, identity_event};

#[identity_event(signup, background, deadline_ms = 600000)]
fn handle(_user: User, _key: EventKey) {}
