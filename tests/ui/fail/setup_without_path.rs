use identity_runtime::{User, identity_event};

#[identity_event(signup, setup)]
fn handle(_user: &User) {}
