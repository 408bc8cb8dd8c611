use identity_runtime::{User, identity_event};

#[identity_event(signup; background)]
fn handle(_user: &User) {}
