//! `identity-login`: records each login in `user_metadata`, keeping everything else, and notes
//! when the caller's token belongs to someone else.
//!
//! An `async` handler taking the client context. Run it: `cargo run --example login_record`

use identity_runtime::{ClientContext, MetadataChange, User, identity_event};

/// Counts logins in `user_metadata.login_count` and stores the previous login's time.
#[identity_event(login)]
async fn record_login(user: &User, context: Option<&ClientContext>) -> MetadataChange {
    let count = user
        .user_metadata
        .get("login_count")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    let mut change = user.change().set_user("login_count", count + 1);
    if let Some(previous) = user.last_sign_in_at {
        change = change.set_user("previous_login", previous.to_rfc3339());
    }
    // The caller's claims are present only when the request carried a Bearer token.
    if let Some(claims) = context.and_then(|context| context.user.as_ref()) {
        change = change.set_user("last_login_via_token_of", claims.sub.clone());
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use identity_runtime::testing::sample_user;

    #[tokio::test]
    async fn counts_logins() {
        let change = record_login(&sample_user(), None).await;
        assert_eq!(change.user_metadata().get("login_count"), Some(&1.into()));
        assert_eq!(change.user_metadata().full_name(), Some("Test Person"));
    }
}
