use identity_runtime::{State, User, identity_event};

fn load() -> Result<u32, String> {
    Ok(1)
}

#[identity_event(signup, setup = load())]
fn handle(_user: &User, _n: State<'_, u32>) {}
