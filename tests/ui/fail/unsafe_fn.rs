use identity_runtime::{User, identity_event};

#[identity_event(signup)]
unsafe fn handle(_user: &User) {}
