use identity_runtime::{User, identity_event};

#[identity_event(signup)]
fn main(_user: &User) {}
