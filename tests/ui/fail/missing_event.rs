use identity_runtime::{User, identity_event};

#[identity_event]
fn handle(_user: &User) {}
