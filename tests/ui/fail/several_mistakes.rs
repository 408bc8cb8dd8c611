use identity_runtime::{User, identity_event};

#[identity_event(sigup, backgound = 1)]
unsafe fn handle<T>(_user: &mut User, _t: T) {}
