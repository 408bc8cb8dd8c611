use identity_runtime::{User, identity_event};

#[identity_event(signup, timeout = 5)]
fn handle(_user: &User) {}
