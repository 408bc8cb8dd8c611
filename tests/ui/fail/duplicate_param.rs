use identity_runtime::{User, identity_event};

#[identity_event(signup)]
fn handle(user: &User, again: User) {
    let _ = (user, again);
}
