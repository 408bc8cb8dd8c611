use identity_runtime::{State, User, identity_event};

fn load(path: &str) -> Result<String, std::io::Error> {
    std::fs::read_to_string(path)
}

#[identity_event(signup, setup = load)]
fn handle(_user: &User, _config: State<'_, String>) {}
