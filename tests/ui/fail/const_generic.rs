use identity_runtime::{User, identity_event};

#[identity_event(signup)]
fn handle<const N: usize>(_user: &User) {}
