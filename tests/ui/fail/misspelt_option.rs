use identity_runtime::{User, identity_event};

#[identity_event(signup, backgroud)]
fn handle(_user: &User) {}
