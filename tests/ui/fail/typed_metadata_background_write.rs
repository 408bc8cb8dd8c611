use identity_runtime::{AppData, MetadataChange, User, identity_event};

#[derive(serde::Serialize, serde::Deserialize)]
struct Billing {
    plan: String,
}

#[identity_event(signup, background)]
fn handle(user: &User, AppData(billing): AppData<Billing>) -> MetadataChange {
    user.change().write_app(&billing)
}
