use identity_runtime::{User, identity_event};

#[identity_event(signup)]
fn handle(_user: &User) -> serde_json::Value {
    // What a JavaScript handler returns, and how it drops `provider`.
    serde_json::json!({"app_metadata": {"roles": ["admin"]}})
}
