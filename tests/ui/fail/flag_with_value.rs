use identity_runtime::{User, identity_event};

#[identity_event(signup, background = true)]
fn handle(_user: &User) {}
