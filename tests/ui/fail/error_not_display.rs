use identity_runtime::{User, identity_event};

#[derive(Debug)]
struct Failed;

#[identity_event(signup)]
fn handle(_user: &User) -> Result<(), Failed> {
    Err(Failed)
}
