use identity_runtime::{User, identity_event};

#[identity_event(signup, deadline_ms = 8000)]
fn handle(_user: &User) {}
