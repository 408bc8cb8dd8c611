//! `identity-signup`: every new user must give a name, and becomes a `member`; `provider` and
//! every other key stay.

use identity_runtime::{Deny, DenyStatus, MetadataChange, User, identity_event};

#[identity_event(signup)]
fn signup(user: &User) -> Result<MetadataChange, Deny> {
    match user.user_metadata.full_name() {
        Some(name) if !name.trim().is_empty() => Ok(user.change().add_role("member")),
        _ => Err(Deny::with_status(
            DenyStatus::UNPROCESSABLE_ENTITY,
            "a full name is required to sign up",
        )),
    }
}
