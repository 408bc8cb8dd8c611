use identity_runtime::{MetadataChange, User, identity_event};

#[identity_event(signup)]
fn handle(user: &User) -> Option<MetadataChange> {
    user.has_role("member").then(|| user.change())
}
