use identity_runtime::{User, identity_event};

#[identity_event(signup)]
const fn handle(_user: &User) {}
