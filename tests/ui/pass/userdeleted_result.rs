//! A `userdeleted` function may fail or deny; it cannot change metadata (the user is gone).
use identity_runtime::{Deny, User, identity_event};

#[identity_event(userdeleted)]
fn handle(user: &User) -> Result<(), Deny> {
    if user.email.is_empty() {
        return Err(Deny::new("a user without an e-mail address"));
    }
    Ok(())
}
