//! `Result<T, E>` with any displayable error.
use identity_runtime::{MetadataChange, User, identity_event};

#[identity_event(login)]
fn handle(user: &User) -> Result<MetadataChange, Box<dyn std::error::Error + Send + Sync>> {
    let count: u64 = "1".parse()?;
    Ok(user.change().set_user("logins", count))
}
