//! Metadata as the site's own types: read through `AppData<T>` / `UserData<T>`, written back
//! with `write_app` / `write_user`. Each rule in-process, and the example `signup_typed` as a
//! running binary under the loopback Runtime API.

#[path = "support/examples.rs"]
mod examples;
#[path = "support/runtime_api.rs"]
#[allow(
    dead_code,
    reason = "the plain server only; lambda_runtime_api.rs uses the rest"
)]
mod runtime_api;

use std::process::{Command, Stdio};
use std::time::Duration;

use identity_runtime::{EventKind, IdentityFunction, Response, testing};
use runtime_api::{Invocation, RuntimeApi};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Role {
    Member,
    Editor,
}

#[derive(Debug, Serialize, Deserialize)]
struct Billing {
    plan: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stripe_customer_id: Option<String>,
    #[serde(default)]
    roles: Vec<Role>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Preferences {
    #[serde(default)]
    newsletter: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Profile {
    #[serde(default)]
    preferences: Preferences,
}

/// Reads both objects, upgrades the plan, drops the Stripe id, adds `editor`.
mod upgrade {
    use super::*;
    use identity_runtime::{AppData, MetadataChange, User, UserData, identity_event};

    #[identity_event(signup)]
    fn upgrade(
        user: &User,
        AppData(mut billing): AppData<Billing>,
        UserData(mut profile): UserData<Profile>,
    ) -> MetadataChange {
        billing.plan = "team".into();
        billing.stripe_customer_id = None;
        billing.roles.push(Role::Editor);
        profile.preferences.newsletter = true;
        user.change().write_app(&billing).write_user(&profile)
    }
}

/// The same reading, failing open. The handler denies whenever it runs, so a 204 says the
/// misfit stopped it and the fault failed open.
mod lenient {
    use super::*;
    use identity_runtime::{AppData, Deny, User, identity_event};

    #[identity_event(login, fail_open)]
    fn lenient(_user: &User, _billing: AppData<Billing>) -> Result<(), Deny> {
        Err(Deny::new("the handler ran"))
    }
}

/// Roles written as something other than strings.
mod numbered_roles {
    use super::*;
    use identity_runtime::{MetadataChange, User, identity_event};

    #[derive(Serialize, Deserialize)]
    struct Numbered {
        roles: Vec<u8>,
    }

    #[identity_event(signup)]
    fn numbered(user: &User) -> MetadataChange {
        user.change().write_app(&Numbered { roles: vec![1] })
    }
}

/// A typed value that would change `provider`, and one that repeats it.
mod provider {
    use super::*;
    use identity_runtime::{MetadataChange, User, identity_event};

    #[derive(Serialize, Deserialize)]
    struct WithProvider {
        provider: Option<String>,
        plan: String,
    }

    #[identity_event(signup)]
    fn provider(user: &User) -> MetadataChange {
        let provider = if user.email.starts_with("change@") {
            Some("github".to_owned())
        } else if user.email.starts_with("none@") {
            None
        } else {
            user.app_metadata.provider.clone()
        };
        user.change().write_app(&WithProvider {
            provider,
            plan: "team".into(),
        })
    }
}

/// A typed value that is not an object.
mod not_an_object {
    use identity_runtime::{MetadataChange, User, identity_event};

    #[identity_event(signup)]
    fn plain(user: &User) -> MetadataChange {
        user.change().write_user(&"just text".to_owned())
    }
}

fn payload(app: Value, user: Value) -> Vec<u8> {
    let mut payload: Value =
        serde_json::from_str(&testing::sample_payload(EventKind::Signup)).unwrap();
    payload["user"]["app_metadata"] = app;
    payload["user"]["user_metadata"] = user;
    testing::lambda_event(&payload.to_string())
}

fn answer(function: &'static IdentityFunction, event: &[u8]) -> (u16, Value) {
    let Response {
        status_code, body, ..
    } = function.invoke_blocking(event);
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).unwrap()
    };
    (status_code, body)
}

#[test]
fn typed_values_are_read_roles_as_the_sites_enum() {
    let event = payload(
        json!({"provider": "email", "roles": ["member"], "plan": "free", "stripe_customer_id": "cus_1", "referrer": "ad"}),
        json!({"full_name": "Ada", "preferences": {"newsletter": false, "theme": "dark"}}),
    );
    let (status, body) = answer(&upgrade::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 200, "{body}");
    // Only the keys the types name changed: `provider`, `referrer`, `full_name` stay, the
    // Stripe id the type left out is removed, the roles are strings.
    assert_eq!(
        body,
        json!({
            "app_metadata": {"provider": "email", "roles": ["member", "editor"], "plan": "team", "referrer": "ad"},
            "user_metadata": {"full_name": "Ada", "preferences": {"newsletter": true}},
        })
    );
}

#[test]
fn metadata_that_does_not_fit_is_a_fault_naming_its_path() {
    let event = payload(
        json!({"provider": "email", "plan": 3}),
        json!({"preferences": {}}),
    );
    let (status, body) = answer(&upgrade::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"error": "fault", "message": "user.app_metadata.plan: invalid type: integer `3`, expected a string"})
    );

    let event = payload(
        json!({"plan": "free"}),
        json!({"preferences": {"newsletter": "yes please"}}),
    );
    let (status, body) = answer(&upgrade::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 500);
    assert_eq!(
        body["message"],
        "user.user_metadata.preferences.newsletter: invalid type: string \"…\", expected a boolean"
    );

    // A role the site does not have is a misfit too.
    let event = payload(
        json!({"plan": "free", "roles": ["member", "owner"]}),
        json!({}),
    );
    let (status, body) = answer(&upgrade::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 500);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("user.app_metadata.roles[1]: unknown variant"),
        "{message}"
    );
}

#[test]
fn a_misfit_fails_open_when_the_function_does() {
    let mut payload: Value =
        serde_json::from_str(&testing::sample_payload(EventKind::Login)).unwrap();
    payload["user"]["app_metadata"] = json!({"plan": ["not", "a", "string"]});
    let event = testing::lambda_event(&payload.to_string());
    assert_eq!(
        answer(&lenient::IDENTITY_FUNCTION, &event),
        (204, Value::Null)
    );
    // Metadata that fits reaches the handler.
    payload["user"]["app_metadata"] = json!({"plan": "free"});
    let event = testing::lambda_event(&payload.to_string());
    assert_eq!(answer(&lenient::IDENTITY_FUNCTION, &event).0, 403);
}

#[test]
fn null_metadata_reads_as_empty_objects_and_gets_only_the_typed_keys() {
    // GoTrue's own payload for a user who signed up without `data`: both objects `null`.
    let mut payload: Value =
        serde_json::from_str(&testing::gotrue_payload(EventKind::Signup)).unwrap();
    payload["user"]["app_metadata"] = Value::Null;
    let event = testing::lambda_event(&payload.to_string());
    // `plan` has no default: an empty object does not fit `Billing`.
    let (status, body) = answer(&upgrade::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 500);
    assert_eq!(body["message"], "user.app_metadata: missing field `plan`");

    let (status, body) = answer(&provider::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"app_metadata": {"plan": "team"}}));
}

#[test]
fn roles_stay_a_list_of_strings_on_the_wire() {
    let event = payload(json!({"provider": "email"}), json!({}));
    let (status, body) = answer(&numbered_roles::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 500);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("writes `roles` with an item that is not a string"),
        "{message}"
    );
}

#[test]
fn provider_stays_as_sent() {
    let with = |email: &str| {
        let mut payload: Value =
            serde_json::from_str(&testing::sample_payload(EventKind::Signup)).unwrap();
        payload["user"]["email"] = json!(email);
        testing::lambda_event(&payload.to_string())
    };
    // Repeated, or left out (`None`): kept, and the plan written.
    for email in ["same@example.com", "none@example.com"] {
        let (status, body) = answer(&provider::IDENTITY_FUNCTION, &with(email));
        assert_eq!(status, 200, "{email}: {body}");
        assert_eq!(
            body["app_metadata"],
            json!({"provider": "email", "plan": "team"}),
            "{email}"
        );
    }
    // Changed: a misuse, answered as a fault, nothing written.
    let (status, body) = answer(&provider::IDENTITY_FUNCTION, &with("change@example.com"));
    assert_eq!(status, 500);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("would change `provider`"), "{message}");
}

#[test]
fn only_an_object_can_be_written_over_metadata() {
    let event = payload(json!({}), json!({}));
    let (status, body) = answer(&not_an_object::IDENTITY_FUNCTION, &event);
    assert_eq!(status, 500);
    assert_eq!(
        body["message"],
        "write_user: `alloc::string::String` is written as a string, not as an object of keys"
    );
}

/// The example `signup_typed` under the loopback Runtime API, answering `payloads` in turn,
/// with its log.
fn run_signup_typed(payloads: &[(&str, Vec<u8>)]) -> (Vec<(u64, Value)>, String) {
    let api = RuntimeApi::start();
    let log = std::env::temp_dir().join(format!("signup-typed-{}", std::process::id()));
    let mut child = api
        .environment(&mut Command::new(examples::example("signup_typed")))
        .env("AWS_LAMBDA_FUNCTION_NAME", "identity-signup")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    for (id, event) in payloads {
        api.push(Invocation {
            id: (*id).to_owned(),
            event: String::from_utf8(event.clone()).unwrap(),
            client_context: None,
            deadline_in: Duration::from_secs(30),
        });
    }
    let answers = payloads
        .iter()
        .map(|(id, _)| api.answer(Duration::from_secs(60), id))
        .collect();
    // The fault's line is written after its answer is posted.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut logged = String::new();
    while std::time::Instant::now() < deadline {
        logged = std::fs::read_to_string(&log).unwrap_or_default();
        if logged.contains("fault (500)") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&log);
    (answers, logged)
}

#[test]
fn the_running_example_reads_and_writes_typed_metadata() {
    let mut gotrue: Value =
        serde_json::from_str(&testing::gotrue_payload(EventKind::Signup)).unwrap();
    gotrue["user"]["app_metadata"] = Value::Null;
    let misfit = payload(
        json!({"provider": "email", "plan": "enterprise"}),
        json!({}),
    );
    let kept = payload(
        json!({"provider": "github", "roles": ["editor"], "referrer": "ad"}),
        json!({"full_name": "Ada", "avatar_url": "https://a/b.png"}),
    );
    let (answers, logged) = run_signup_typed(&[
        ("kept", kept),
        ("misfit", misfit),
        ("null", testing::lambda_event(&gotrue.to_string())),
    ]);
    assert_eq!(
        answers[0],
        (
            200,
            json!({
                "app_metadata": {"provider": "github", "roles": ["editor", "member"], "plan": "team", "referrer": "ad"},
                "user_metadata": {"full_name": "Ada", "avatar_url": "https://a/b.png", "display_name": "Ada", "preferences": {"newsletter": false}},
            })
        )
    );
    let (status, body) = &answers[1];
    assert_eq!(*status, 500);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("user.app_metadata.plan: unknown variant"),
        "{message}"
    );
    // GoTrue's user without metadata (not a staff domain): the free plan and the role, the
    // display name left out as there is no name to take it from.
    assert_eq!(
        answers[2],
        (
            200,
            json!({
                "app_metadata": {"roles": ["member"], "plan": "free"},
                "user_metadata": {"preferences": {"newsletter": false}},
            })
        )
    );
    let fault = logged
        .lines()
        .find(|line| line.contains("fault (500)"))
        .unwrap_or_else(|| panic!("no fault logged: {logged}"));
    assert!(fault.contains("requestId=misfit"), "{fault}");
    assert!(fault.contains("user.app_metadata.plan"), "{fault}");
}
