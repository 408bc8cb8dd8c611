use identity_runtime::{User, identity_event};

#[identity_event(signup)]
extern "C" fn handle(_user: &User) {}
