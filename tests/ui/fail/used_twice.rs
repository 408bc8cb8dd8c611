use identity_runtime::{User, identity_event};

#[identity_event(signup)]
fn assign_roles(_user: &User) {}

#[identity_event(login)]
fn record_login(_user: &User) {}
