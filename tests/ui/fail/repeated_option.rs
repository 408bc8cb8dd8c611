use identity_runtime::{User, identity_event};

#[identity_event(signup, background, background)]
fn handle(_user: &User) {}
