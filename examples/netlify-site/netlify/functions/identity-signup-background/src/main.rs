//! `identity-signup-background`: logs each new signup after the platform has answered 202.

use identity_runtime::{User, identity_event};

#[identity_event(signup, background)]
async fn announce(user: &User) {
    eprintln!("new signup: {}", user.id);
}
