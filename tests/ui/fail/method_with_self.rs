use identity_runtime::identity_event;

struct Handler;

impl Handler {
    #[identity_event(signup)]
    fn handle(&self) {}
}
