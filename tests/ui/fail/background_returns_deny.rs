use identity_runtime::{Deny, User, identity_event};

#[identity_event(signup, background)]
fn handle(_user: &User) -> Result<(), Deny> {
    Err(Deny::new("too late: the platform already answered 202"))
}
