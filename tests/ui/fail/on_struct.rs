use identity_runtime::identity_event;

#[identity_event(signup)]
struct Handler;
