//! `identity-signup`: every new user becomes a `member`; `provider` and every other key stay.

use identity_runtime::{MetadataChange, User, identity_event};

#[identity_event(signup)]
fn signup(user: &User) -> MetadataChange {
    user.change().add_role("member")
}
