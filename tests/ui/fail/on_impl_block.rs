use identity_runtime::identity_event;

struct Handler;

#[identity_event(signup)]
impl Handler {}
