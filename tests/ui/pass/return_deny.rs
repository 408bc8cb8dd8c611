//! `Deny` is an accepted return type (this one allows the sample user, so the binary exits 0).
use identity_runtime::{Deny, User, identity_event};

#[identity_event(validate)]
fn handle(user: &User) -> Result<(), Deny> {
    if user.email.ends_with("@mailinator.com") {
        return Err(Deny::new("disposable"));
    }
    Ok(())
}

#[allow(dead_code)]
fn always() -> Deny {
    Deny::new("a plain Deny also converts")
}
