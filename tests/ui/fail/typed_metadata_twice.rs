use identity_runtime::{AppData, User, identity_event};

#[derive(serde::Deserialize)]
struct Billing {
    plan: String,
}

#[derive(serde::Deserialize)]
struct Flags {
    beta: bool,
}

#[identity_event(signup)]
fn handle(_user: &User, billing: AppData<Billing>, flags: AppData<Flags>) {
    let _ = (&billing.plan, flags.beta);
}
