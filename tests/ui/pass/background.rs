//! A background function returning `()` or `Result<(), E>`.
use identity_runtime::{User, identity_event};

#[identity_event(signup, background)]
async fn handle(user: &User) -> Result<(), std::io::Error> {
    let _ = &user.email;
    Ok(())
}
