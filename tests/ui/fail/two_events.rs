use identity_runtime::{User, identity_event};

#[identity_event(signup, login)]
fn handle(_user: &User) {}
