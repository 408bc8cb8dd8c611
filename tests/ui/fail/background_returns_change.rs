use identity_runtime::{MetadataChange, User, identity_event};

#[identity_event(signup, background)]
fn handle(user: &User) -> MetadataChange {
    user.change().add_role("member")
}
