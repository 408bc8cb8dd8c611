//! `MetadataChange` answers 200 with the edited objects.
use identity_runtime::{MetadataChange, User, identity_event};

#[identity_event(signup)]
fn handle(user: &User) -> MetadataChange {
    user.change().add_role("member").set_user("plan", "free")
}
