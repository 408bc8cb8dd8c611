use identity_runtime::{User, identity_event};

#[identity_event(sigup)]
fn handle(_user: &User) {}
