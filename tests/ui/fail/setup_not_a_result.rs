use identity_runtime::{State, User, identity_event};

fn load() -> u32 {
    1
}

#[identity_event(signup, setup = load)]
fn handle(_user: &User, _n: State<'_, u32>) {}
