use identity_runtime::{User, identity_event};

#[identity_event(signup, deadline_ms = "3s")]
fn handle(_user: &User) {}
