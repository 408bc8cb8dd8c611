use identity_runtime::{MetadataChange, User, identity_event};

#[derive(serde::Serialize)]
struct Billing {
    plan: String,
}

#[identity_event(signup)]
fn handle(user: &User) -> MetadataChange {
    user.change().write_app(&Billing { plan: "pro".into() })
}
