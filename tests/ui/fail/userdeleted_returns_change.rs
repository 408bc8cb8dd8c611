use identity_runtime::{MetadataChange, User, identity_event};

#[identity_event(userdeleted)]
fn handle(user: &User) -> MetadataChange {
    user.change().add_role("deleted")
}
