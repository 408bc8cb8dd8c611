//! `identity-login`: records each login in `user_metadata`, keeping everything else, and notes
//! when the caller's token belongs to someone else.
//!
//! An `async` handler taking the client context, with the logins kept as a type of the site's
//! own. It fails open: metadata that does not fit (a count that is not a number) is logged as a
//! fault and the user logs in unchanged, rather than being locked out.
//!
//! Run it: `cargo run --example login_record`

use identity_runtime::{ClientContext, MetadataChange, User, UserData, identity_event};
use serde::{Deserialize, Serialize};

/// What this site keeps of a user's logins in `user_metadata`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Logins {
    #[serde(default)]
    login_count: u64,
    /// The previous login's time, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous_login: Option<String>,
    /// Whose token the last login by token carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_login_via_token_of: Option<String>,
}

/// Counts logins and stores the previous login's time.
#[identity_event(login, fail_open)]
async fn record_login(
    user: &User,
    UserData(mut logins): UserData<Logins>,
    context: Option<&ClientContext>,
) -> MetadataChange {
    logins.login_count += 1;
    if let Some(previous) = user.last_sign_in_at {
        logins.previous_login = Some(previous.to_rfc3339());
    }
    // The caller's claims are present only when the request carried a Bearer token.
    if let Some(claims) = context.and_then(|context| context.user.as_ref()) {
        logins.last_login_via_token_of = Some(claims.sub.clone());
    }
    user.change().write_user(&logins)
}

#[cfg(test)]
mod tests {
    use super::*;
    use identity_runtime::EventKind;
    use identity_runtime::testing::{self, sample_user};

    #[tokio::test]
    async fn counts_logins() {
        let user = sample_user();
        let logins = UserData(user.user_metadata.read().unwrap());
        let change = record_login(&user, logins, None).await;
        assert_eq!(change.user_metadata().get("login_count"), Some(&1.into()));
        assert_eq!(change.user_metadata().full_name(), Some("Test Person"));
    }

    #[test]
    fn a_count_that_is_not_a_number_lets_the_user_in_unchanged() {
        let mut payload: serde_json::Value =
            serde_json::from_str(&testing::sample_payload(EventKind::Login)).unwrap();
        payload["user"]["user_metadata"]["login_count"] = "many".into();
        let event = testing::lambda_event(&payload.to_string());
        let response = IDENTITY_FUNCTION.invoke_blocking(&event);
        assert_eq!((response.status_code, response.body.as_str()), (204, ""));
    }
}
