//! `user_metadata` is checked whole before the handler runs: a duplicate key at any depth, or
//! anything but an object or `null`, is refused (400) whether or not the handler would have read
//! it, and the handler never runs for it, so no side effect precedes the refusal.

use identity_runtime::{EventKind, IdentityFunction, User, testing};
use serde_json::{Value, json};

mod ignores {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use identity_runtime::{User, identity_event};

    /// How many times the handler ran: a side effect a refusal must never follow.
    pub(crate) static RUNS: AtomicUsize = AtomicUsize::new(0);

    #[identity_event(login)]
    fn ignores(user: &User) {
        let _ = &user.email;
        RUNS.fetch_add(1, Ordering::SeqCst);
    }
}

mod reads_a_copy {
    use identity_runtime::{User, identity_event};
    /// An owned `User` is a copy of the invocation's; a refusal found through it still counts.
    #[identity_event(login)]
    fn reads_a_copy(user: User) {
        let _ = user.user_metadata.get("prefs");
    }
}

mod edits {
    use identity_runtime::{MetadataChange, User, identity_event};
    #[identity_event(login)]
    fn edits(user: &User) -> MetadataChange {
        user.change().set_user("seen", true)
    }
}

mod replaces_with_a_copy {
    use identity_runtime::{MetadataChange, User, identity_event};
    /// Answers the object as a whole without reading it: the answer writes it, and that reads it.
    #[identity_event(login)]
    fn replaces_with_a_copy(user: &User) -> MetadataChange {
        user.change()
            .replace_user_metadata(user.user_metadata.clone())
    }
}

/// The Lambda event of [`payload`].
fn event(metadata: &str) -> Vec<u8> {
    testing::lambda_event(&payload(metadata))
}

/// A login payload whose `user_metadata` is `metadata`, spliced in as text so that it can hold
/// what a `Value` cannot: a duplicate key.
fn payload(metadata: &str) -> String {
    let mut user: Value = serde_json::from_str::<Value>(&testing::sample_payload(EventKind::Login))
        .unwrap()["user"]
        .clone();
    user["user_metadata"] = json!("METADATA");
    json!({"event": "login", "user": user})
        .to_string()
        .replace(r#""METADATA""#, metadata)
}

const DUPLICATE: &str = r#"{"full_name": "Ada", "prefs": {"theme": "dark", "theme": "light"}}"#;
const GOOD: &str = r#"{"full_name": "Ada", "prefs": {"theme": "dark"}}"#;

fn answer(function: &'static IdentityFunction, metadata: &str) -> (u16, Value) {
    let response = function.invoke_blocking(&event(metadata));
    (
        response.status_code,
        response.body_json().unwrap_or(Value::Null),
    )
}

#[test]
fn a_duplicate_key_is_refused_through_a_copy() {
    let (status, body) = answer(&reads_a_copy::IDENTITY_FUNCTION, DUPLICATE);
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_payload");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("at `user.user_metadata.prefs`: duplicate key `theme`"),
        "{message}"
    );
    assert_eq!(answer(&reads_a_copy::IDENTITY_FUNCTION, GOOD).0, 204);
}

#[test]
fn a_duplicate_key_is_refused_when_a_change_edits_the_object() {
    let (status, body) = answer(&edits::IDENTITY_FUNCTION, DUPLICATE);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_payload"))
    );
    let (status, body) = answer(&edits::IDENTITY_FUNCTION, GOOD);
    assert_eq!(status, 200);
    assert_eq!(
        body["user_metadata"],
        json!({"full_name": "Ada", "prefs": {"theme": "dark"}, "seen": true})
    );
}

#[test]
fn a_duplicate_key_is_refused_when_a_change_answers_the_object_unread() {
    let (status, body) = answer(&replaces_with_a_copy::IDENTITY_FUNCTION, DUPLICATE);
    assert_eq!(status, 400, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("duplicate key `theme`"), "{message}");
    let (status, body) = answer(&replaces_with_a_copy::IDENTITY_FUNCTION, GOOD);
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"user_metadata": serde_json::from_str::<Value>(GOOD).unwrap()})
    );
}

#[test]
fn a_duplicate_key_is_refused_before_a_handler_that_never_reads_the_object_runs() {
    use std::sync::atomic::Ordering;
    let runs = ignores::RUNS.load(Ordering::SeqCst);
    let (status, body) = answer(&ignores::IDENTITY_FUNCTION, DUPLICATE);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("at `user.user_metadata.prefs`: duplicate key `theme`"),
        "{body}"
    );
    assert_eq!(
        ignores::RUNS.load(Ordering::SeqCst),
        runs,
        "the handler ran before the refusal"
    );
    assert_eq!(answer(&ignores::IDENTITY_FUNCTION, GOOD).0, 204);
}

#[test]
fn anything_but_an_object_or_null_is_refused_whether_read_or_not() {
    // `null` is what GoTrue sends for a user who signed up without `data`: an empty object.
    assert_eq!(answer(&ignores::IDENTITY_FUNCTION, "null").0, 204);
    for metadata in ["[]", r#""text""#, "7", "true"] {
        let (status, body) = answer(&ignores::IDENTITY_FUNCTION, metadata);
        assert_eq!(status, 400, "{metadata}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("at `user.user_metadata`: invalid type")
                && message.contains("expected a JSON object"),
            "{metadata}: {message}"
        );
    }
}

#[test]
fn a_user_read_outside_an_invocation_is_checked_at_once() {
    let payload: Value = serde_json::from_str(&testing::sample_payload(EventKind::Login)).unwrap();
    let text = payload["user"].to_string().replace(
        r#""user_metadata":{"full_name":"Test Person"}"#,
        &format!(r#""user_metadata":{DUPLICATE}"#),
    );
    let err = serde_json::from_str::<User>(&text).unwrap_err();
    assert!(err.to_string().contains("duplicate key `theme`"), "{err}");
}

/// `{…, "history": [<entries>]}`: a large object must answer as a small one does.
fn large(metadata: &str, entries: usize) -> String {
    let history: Vec<String> = (0..entries)
        .map(|i| {
            format!(
                r#"{{"at": "2026-11-{:02}T12:00:00Z", "agent": "Mozilla/5.0 \"x\""}}"#,
                i % 28 + 1
            )
        })
        .collect();
    let inner = metadata.strip_suffix('}').unwrap();
    format!(r#"{inner}, "history": [{}]}}"#, history.join(", "))
}

#[test]
fn a_large_object_answers_as_a_small_one_does() {
    let (duplicate, good) = (large(DUPLICATE, 200), large(GOOD, 200));
    assert!(event(&good).len() > 8_192, "the payload must be large");
    let (status, body) = answer(&reads_a_copy::IDENTITY_FUNCTION, &duplicate);
    assert_eq!(status, 400);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("at `user.user_metadata.prefs`: duplicate key `theme`"),
        "{message}"
    );
    assert_eq!(answer(&reads_a_copy::IDENTITY_FUNCTION, &good).0, 204);
    assert_eq!(answer(&ignores::IDENTITY_FUNCTION, &duplicate).0, 400);
    let (status, body) = answer(&edits::IDENTITY_FUNCTION, &good);
    assert_eq!(status, 200);
    let mut expected: Value = serde_json::from_str(&good).unwrap();
    expected["seen"] = json!(true);
    assert_eq!(body["user_metadata"], expected);
    // Not JSON: refused whether read or not, where serde_json finds the fault.
    for broken in [
        large(r#"{"bad": tru}"#, 200),
        large(r#"{"bad": "\x"}"#, 200),
    ] {
        let (status, body) = answer(&ignores::IDENTITY_FUNCTION, &broken);
        assert_eq!(status, 400);
        assert_eq!(body["error"], "invalid_payload");
        let message = body["message"].as_str().unwrap();
        // The path names the key whose value is broken.
        assert!(
            message.contains("at `user.user_metadata.bad`: "),
            "{message}"
        );
    }
}
