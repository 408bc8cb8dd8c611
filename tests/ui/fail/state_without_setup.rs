use identity_runtime::{State, User, identity_event};

#[identity_event(signup)]
fn handle(_user: &User, _config: State<'_, String>) {}
