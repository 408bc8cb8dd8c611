//! What GoTrue's own code sends, shaped exactly as it sends it (docs/protocol.md, "The payload"
//! and "The invocation"): `null` metadata for a user who signed up without `data`, the nil
//! instance id of a self-hosted GoTrue, a validate payload with only the eight keys it always
//! sends, the `X-Netlify-Event` header. Each is answered in-process in several event shapes, and
//! by the running binary under the Runtime API and in local mode.

#[path = "support/runtime_api.rs"]
#[allow(
    dead_code,
    reason = "shared with tests/lambda_runtime_api.rs, which uses all of it"
)]
mod runtime_api;

use std::cell::Cell;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use identity_runtime::testing::{self, gotrue_payload};
use identity_runtime::{EventKind, IdentityEvent, MetadataChange, User, identity_event};
use runtime_api::{Invocation, RuntimeApi};
use serde_json::{Value, json};

thread_local! {
    // Per thread: `invoke_blocking` runs the handler on the caller's thread.
    static RUNS: Cell<usize> = const { Cell::new(0) };
}

/// Edits what the e-mail's local part asks for; `seen@` records what the handler read.
#[identity_event(signup)]
fn signup(user: &User) -> MetadataChange {
    RUNS.with(|runs| runs.set(runs.get() + 1));
    let change = user.change();
    match user.email.split('@').next() {
        Some("role") => change.add_role("member"),
        Some("name") => change.set_user("full_name", "Ada"),
        Some("both") => change.add_role("member").set_user("full_name", "Ada"),
        Some("seen") => change.set_app(
            "seen",
            json!({
                "user_metadata_keys": user.user_metadata.as_map().len(),
                "full_name": user.user_metadata.full_name(),
                "app_metadata_keys": user.app_metadata.other.len(),
                "roles": user.app_metadata.roles(),
                "provider": user.app_metadata.provider,
            }),
        ),
        _ => change,
    }
}

/// GoTrue's signup payload with the user's fields set as given (`Value::Null` included).
fn payload(email: &str, user: &[(&str, Value)]) -> String {
    let mut payload: Value = serde_json::from_str(&gotrue_payload(EventKind::Signup)).unwrap();
    payload["user"]["email"] = json!(email);
    for (key, value) in user {
        payload["user"][*key] = value.clone();
    }
    // Written in GoTrue's order, whatever order serde_json's map keeps.
    let user = &payload["user"];
    let keys = [
        "id",
        "aud",
        "role",
        "email",
        "app_metadata",
        "user_metadata",
        "created_at",
        "updated_at",
    ];
    let members: Vec<String> = keys
        .iter()
        .map(|key| format!("{}:{}", json!(key), user[*key]))
        .collect();
    format!(
        r#"{{"event":"signup","instance_id":"00000000-0000-0000-0000-000000000000","user":{{{}}}}}"#,
        members.join(",")
    )
}

/// The same payload as the event's body string, as a base64 body (decoded before it is read),
/// and beside an unknown user key nested 80 levels deep (kept, not refused).
fn shapes(payload: &str) -> Vec<(&'static str, Vec<u8>)> {
    let deep = format!(
        r#"{},"deep":{}1{}}}}}"#,
        &payload[..payload.len() - 2],
        "[".repeat(80),
        "]".repeat(80)
    );
    let base64 = json!({
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json"},
        "body": base64::engine::general_purpose::STANDARD.encode(payload),
        "isBase64Encoded": true,
    });
    vec![
        ("in the body string", testing::lambda_event(payload)),
        ("base64", base64.to_string().into_bytes()),
        ("beside a deep unknown key", testing::lambda_event(&deep)),
    ]
}

/// Answers `payload` in every shape, asserting the same status and body each time.
fn answer(payload: &str) -> (u16, Value) {
    let mut answers = Vec::new();
    for (shape, event) in shapes(payload) {
        let response = IDENTITY_FUNCTION.invoke_blocking(&event);
        let body = if response.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&response.body).unwrap()
        };
        answers.push((shape, response.status_code, body));
    }
    let (_, status, body) = answers[0].clone();
    for (shape, other_status, other_body) in &answers {
        assert_eq!(
            (*other_status, other_body),
            (status, &body),
            "{shape} answers differently"
        );
    }
    (status, body)
}

#[test]
fn a_user_without_metadata_is_allowed() {
    for user in [
        vec![("user_metadata", Value::Null)],
        vec![
            ("user_metadata", Value::Null),
            ("app_metadata", Value::Null),
        ],
    ] {
        assert_eq!(
            answer(&payload("ada@example.com", &user)),
            (204, Value::Null),
            "{user:?}"
        );
    }
}

#[test]
fn null_metadata_reads_as_empty_objects() {
    let (status, body) = answer(&payload(
        "seen@example.com",
        &[
            ("user_metadata", Value::Null),
            ("app_metadata", Value::Null),
        ],
    ));
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"app_metadata": {"seen": {
            "user_metadata_keys": 0,
            "full_name": null,
            "app_metadata_keys": 0,
            "roles": [],
            "provider": null,
        }}})
    );
}

#[test]
fn an_edit_of_null_metadata_answers_the_edited_object_and_leaves_the_other_alone() {
    let both_null = [
        ("user_metadata", Value::Null),
        ("app_metadata", Value::Null),
    ];
    // `user_metadata` edited: the answer carries it whole, and no `app_metadata` key (an absent
    // key leaves GoTrue's value alone; `{}` would clear it).
    assert_eq!(
        answer(&payload("name@example.com", &both_null)),
        (200, json!({"user_metadata": {"full_name": "Ada"}}))
    );
    assert_eq!(
        answer(&payload("role@example.com", &both_null)),
        (200, json!({"app_metadata": {"roles": ["member"]}}))
    );
    assert_eq!(
        answer(&payload("both@example.com", &both_null)),
        (
            200,
            json!({"app_metadata": {"roles": ["member"]}, "user_metadata": {"full_name": "Ada"}})
        )
    );
    // A `null` user_metadata beside a real app_metadata: only what was edited goes back.
    assert_eq!(
        answer(&payload(
            "role@example.com",
            &[("user_metadata", Value::Null)]
        )),
        (
            200,
            json!({"app_metadata": {"provider": "email", "roles": ["member"]}})
        )
    );
}

#[test]
fn a_user_with_null_metadata_round_trips_with_its_nulls() {
    let text = payload(
        "ada@example.com",
        &[
            ("user_metadata", Value::Null),
            ("app_metadata", Value::Null),
        ],
    );
    let event: IdentityEvent = serde_json::from_str(&text).unwrap();
    assert!(event.user.user_metadata.is_null() && event.user.app_metadata.is_null());
    let written = serde_json::to_value(&event).unwrap();
    assert_eq!(written["user"]["user_metadata"], Value::Null);
    assert_eq!(written["user"]["app_metadata"], Value::Null);
    assert_eq!(
        serde_json::from_value::<IdentityEvent>(written).unwrap(),
        event
    );
    // Nothing edited: no change to answer.
    assert_eq!(event.user.change().to_body(), None);
    // An object put back unread stays `null`, which GoTrue reads as "leave it alone".
    let kept = event
        .user
        .change()
        .replace_user_metadata(event.user.user_metadata.clone())
        .to_body()
        .unwrap();
    assert_eq!(kept, json!({"user_metadata": null}));
}

#[test]
fn the_nil_instance_id_of_a_self_hosted_gotrue_is_read() {
    let event: IdentityEvent = serde_json::from_str(&gotrue_payload(EventKind::Validate)).unwrap();
    assert_eq!(event.instance_id, Some(uuid::Uuid::nil()));
    assert_eq!(
        event.user.created_at.to_rfc3339(),
        "2026-12-06T04:10:11.123456+00:00"
    );
    assert!(event.user.other.is_empty(), "the eight keys are all known");
}

fn with_event_header(payload: &str, name: &str, value: &str) -> Vec<u8> {
    let mut event: Value = serde_json::from_slice(&testing::lambda_event(payload)).unwrap();
    event["headers"][name] = json!(value);
    event.to_string().into_bytes()
}

#[test]
fn the_event_header_is_read_whatever_its_case() {
    let payload = gotrue_payload(EventKind::Signup);
    for name in ["X-Netlify-Event", "x-netlify-event", "X-NETLIFY-EVENT"] {
        let agreeing = with_event_header(&payload, name, "identity_signup");
        let response = IDENTITY_FUNCTION.invoke_blocking(&agreeing);
        assert_eq!(response.status_code, 204, "{name}: {}", response.body);
        // Read, not ignored: under the same name, another event is refused.
        let other = with_event_header(&payload, name, "identity_login");
        let response = IDENTITY_FUNCTION.invoke_blocking(&other);
        assert_eq!(response.status_code, 400, "{name}: {}", response.body);
    }
}

#[test]
fn an_event_header_naming_another_event_is_refused_before_the_handler_runs() {
    let payload = gotrue_payload(EventKind::Signup);
    for (value, message) in [
        (
            "identity_login",
            "the `X-Netlify-Event` header names `identity_login` but the payload's event is `signup`",
        ),
        (
            "identity_logout",
            "the `X-Netlify-Event` header names no identity event but the payload's event is `signup`",
        ),
        ("signup", "names no identity event"),
    ] {
        let runs = RUNS.with(Cell::get);
        let response = IDENTITY_FUNCTION.invoke_blocking(&with_event_header(
            &payload,
            "X-Netlify-Event",
            value,
        ));
        assert_eq!(response.status_code, 400, "{value}: {}", response.body);
        let body: Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(body["error"], "wrong_event", "{value}");
        assert!(
            body["message"].as_str().unwrap().contains(message),
            "{value}: {body}"
        );
        assert_eq!(RUNS.with(Cell::get), runs, "{value}: the handler ran");
    }
    // Sent twice: refused rather than one of the two picked.
    let mut event: Value = serde_json::from_slice(&testing::lambda_event(&payload)).unwrap();
    event["headers"]["X-Netlify-Event"] = json!("identity_signup");
    event["headers"]["x-netlify-event"] = json!("identity_login");
    let response = IDENTITY_FUNCTION.invoke_blocking(event.to_string().as_bytes());
    assert_eq!(response.status_code, 400, "{}", response.body);
    assert!(response.body.contains("sent twice"), "{}", response.body);
}

#[test]
fn gos_html_escapes_in_the_body_read_as_their_characters() {
    // Go's encoder writes `<`, `>` and `&` as `\u003c`, `\u003e` and `\u0026`.
    let text = payload(
        "seen@example.com",
        &[("user_metadata", json!({"full_name": "PLACEHOLDER"}))],
    )
    .replace("PLACEHOLDER", r"Ada \u003cAda\u003e \u0026 co");
    let (status, body) = answer(&text);
    assert_eq!(status, 200);
    assert_eq!(body["app_metadata"]["seen"]["full_name"], "Ada <Ada> & co");
}

// The running binary: the probe is a login function that sets `app_metadata` keys.

fn probe_payload() -> String {
    let mut payload: Value = serde_json::from_str(&gotrue_payload(EventKind::Login)).unwrap();
    payload["user"]["app_metadata"] = Value::Null;
    // Re-ordered by serde_json; the order is the in-process tests' concern.
    payload.to_string()
}

#[test]
fn the_running_binary_serves_null_metadata_and_null_claims_under_the_runtime_api() {
    let api = RuntimeApi::start();
    let mut probe = api
        .environment(&mut Command::new(env!("CARGO_BIN_EXE_lambda-probe")))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let claims = json!({
        "sub": "2c2a7a8e-5b1f-4c3e-9d6a-7f0e1b2c3d4e",
        "email": "ada@example.com",
        "app_metadata": null,
        "user_metadata": null,
    });
    let netlify = testing::encode_client_context("https://x/.netlify/identity", "t", Some(claims));
    let mut event: Value =
        serde_json::from_slice(&testing::lambda_event(&probe_payload())).unwrap();
    event["headers"]["X-Netlify-Event"] = json!("identity_login");
    api.push(Invocation {
        id: "null".into(),
        event: event.to_string(),
        client_context: Some(json!({"custom": {"netlify": netlify}}).to_string()),
        deadline_in: Duration::from_secs(30),
    });
    let posted = api.next_posted(Duration::from_secs(60));
    let _ = probe.kill();
    let _ = probe.wait();
    let (status, body) = posted.expect("an answer within 60 s").answer("null");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"app_metadata": {
            "context_sub": "2c2a7a8e-5b1f-4c3e-9d6a-7f0e1b2c3d4e",
            "context_url": "https://x/.netlify/identity",
        }})
    );
}

#[test]
fn the_running_binary_answers_null_metadata_in_local_mode() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambda-probe"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(probe_payload().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("answered 200"), "{stdout}");
    assert!(stdout.contains(r#""context": "none""#), "{stdout}");
    assert!(!stdout.contains("user_metadata"), "{stdout}");
}
