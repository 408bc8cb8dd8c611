//! An async handler awaiting something.
use identity_runtime::{MetadataChange, User, identity_event};

async fn lookup(email: &str) -> &'static str {
    if email.ends_with(".com") { "customer" } else { "guest" }
}

#[identity_event(signup)]
async fn handle(user: &User) -> MetadataChange {
    let role = lookup(&user.email).await;
    user.change().add_role(role)
}
