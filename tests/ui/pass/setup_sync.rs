//! A synchronous setup, reached through `State`.
use identity_runtime::{State, User, identity_event};

struct Config {
    role: &'static str,
}

fn load() -> Result<Config, std::convert::Infallible> {
    Ok(Config { role: "member" })
}

#[identity_event(signup, setup = load)]
fn handle(user: &User, config: State<'_, Config>) -> identity_runtime::MetadataChange {
    user.change().add_role(config.role)
}
