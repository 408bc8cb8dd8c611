use identity_runtime::identity_event;

#[identity_event(signup)]
fn handle(_user: impl std::fmt::Debug) {}
