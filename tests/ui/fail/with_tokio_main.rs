use identity_runtime::{User, identity_event};

#[identity_event(signup)]
#[tokio::main]
async fn handle(_user: &User) {}
