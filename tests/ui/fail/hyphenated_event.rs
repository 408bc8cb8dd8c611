use identity_runtime::{User, identity_event};

#[identity_event(sign-up)]
fn handle(_user: &User) {}
