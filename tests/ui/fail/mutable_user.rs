use identity_runtime::{User, identity_event};

#[identity_event(signup)]
fn handle(user: &mut User) {
    user.email.clear();
}
