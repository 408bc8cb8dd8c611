use identity_runtime::identity_event;

#[identity_event(signup)]
fn handle<U>(_user: U) {}
