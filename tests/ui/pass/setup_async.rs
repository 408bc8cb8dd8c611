//! An async setup named by a path.
use identity_runtime::{State, User, identity_event};

mod config {
    pub struct Client {
        pub base: String,
    }
    pub async fn connect() -> Result<Client, String> {
        Ok(Client { base: "https://crm.example".into() })
    }
}

#[identity_event(login, setup = config::connect)]
async fn handle(_user: &User, client: State<'_, config::Client>) {
    assert!(client.base.starts_with("https://"));
}
