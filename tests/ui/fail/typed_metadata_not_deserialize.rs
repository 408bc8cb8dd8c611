use identity_runtime::{AppData, User, identity_event};

struct Billing {
    plan: String,
}

#[identity_event(signup)]
fn handle(_user: &User, billing: AppData<Billing>) {
    let _ = &billing.plan;
}
