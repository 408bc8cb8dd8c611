use identity_runtime::{User, identity_event};

#[identity_event(signup)]
const HANDLE: fn(&User) = |_user| {};
