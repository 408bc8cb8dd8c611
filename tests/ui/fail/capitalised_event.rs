use identity_runtime::{User, identity_event};

#[identity_event(Login)]
fn handle(_user: &User) {}
