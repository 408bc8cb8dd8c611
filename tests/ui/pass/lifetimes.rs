//! Named lifetimes are fine; fully qualified runtime paths too.
#[identity_runtime::identity_event(validate)]
fn handle<'a>(user: &'a identity_runtime::User) -> Result<(), identity_runtime::Deny> {
    let _: &'a str = &user.email;
    Ok(())
}
