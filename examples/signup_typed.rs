//! `identity-signup` with the site's own metadata types: `app_metadata` holds the plan, the
//! Stripe customer id and the roles (an enum of the site's roles), `user_metadata` a display
//! name and preferences. A new user gets the free plan (staff the team plan) and the `member`
//! role; their display name defaults to the name they signed up with. Only the keys these types
//! name are written; every other key, and `provider`, stays as GoTrue sent it.
//!
//! Metadata that does not fit the types (a plan that is not one of the site's, a string where
//! the newsletter flag belongs) is a fault: answered 500, logged with its path.
//!
//! Run it: `cargo run --example signup_typed` (the built-in sample user), or
//! `cargo run --example signup_typed -- event.json`.

use identity_runtime::{AppData, MetadataChange, User, UserData, identity_event};
use serde::{Deserialize, Serialize};

/// The site's plans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Plan {
    #[default]
    Free,
    Team,
}

/// The site's roles; on the wire, a list of strings as Netlify's dashboard expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Role {
    Member,
    Editor,
}

/// The site's part of `app_metadata`.
#[derive(Debug, Serialize, Deserialize)]
struct Billing {
    #[serde(default)]
    plan: Plan,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stripe_customer_id: Option<String>,
    #[serde(default)]
    roles: Vec<Role>,
}

/// The site's part of `user_metadata`.
#[derive(Debug, Serialize, Deserialize)]
struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(default)]
    preferences: Preferences,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Preferences {
    #[serde(default)]
    newsletter: bool,
}

const STAFF_DOMAIN: &str = "trust-this-company.com";

#[identity_event(signup)]
fn signup(
    user: &User,
    AppData(mut billing): AppData<Billing>,
    UserData(mut profile): UserData<Profile>,
) -> MetadataChange {
    if user.email_domain() == Some(STAFF_DOMAIN) {
        billing.plan = Plan::Team;
    }
    if !billing.roles.contains(&Role::Member) {
        billing.roles.push(Role::Member);
    }
    if profile.display_name.is_none() {
        profile.display_name = user.user_metadata.full_name().map(str::to_owned);
    }
    user.change().write_app(&billing).write_user(&profile)
}

#[cfg(test)]
mod tests {
    use super::*;
    use identity_runtime::{EventKind, testing};
    use serde_json::json;

    #[test]
    fn staff_get_the_team_plan_and_every_other_key_stays() {
        let mut user = testing::sample_user();
        user.app_metadata.other.insert("referrer", "newsletter");
        let change = signup(
            &user,
            AppData(user.app_metadata.read().unwrap()),
            UserData(user.user_metadata.read().unwrap()),
        );
        let body = change.to_body().unwrap();
        assert_eq!(
            body["app_metadata"],
            json!({"provider": "email", "roles": ["member"], "plan": "team", "referrer": "newsletter"})
        );
        assert_eq!(
            body["user_metadata"],
            json!({"full_name": "Test Person", "display_name": "Test Person", "preferences": {"newsletter": false}})
        );
    }

    #[test]
    fn metadata_that_does_not_fit_is_a_fault_naming_its_path() {
        let mut payload: serde_json::Value =
            serde_json::from_str(&testing::sample_payload(EventKind::Signup)).unwrap();
        payload["user"]["app_metadata"]["plan"] = json!("enterprise");
        let response =
            IDENTITY_FUNCTION.invoke_blocking(&testing::lambda_event(&payload.to_string()));
        assert_eq!(response.status_code, 500);
        let message = response.body_json().unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.starts_with("user.app_metadata.plan: unknown variant"),
            "{message}"
        );
    }
}
