//! The self-hosted GoTrue events have functions too.
use identity_runtime::{User, identity_event};

#[identity_event(userdeleted)]
fn handle(_user: &User) {}
