//! Hostile and broken input, one row each: every row answers a defined status with a JSON body
//! naming what was wrong, logs a line, never panics, and the next invocation is served. The
//! README's "Bad input" table lists the same rows.

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine as _;
use identity_runtime::{ClientContext, EventKind, MAX_BODY_BYTES, User, identity_event, testing};
use serde_json::{Value, json};

/// Reads `user_metadata`; a handler that does not is refused the same (`tests/user_metadata.rs`).
#[identity_event(login)]
fn login(user: &User, context: Option<&ClientContext>) {
    let _ = (user.user_metadata.full_name(), context);
}

fn good_user() -> Value {
    serde_json::from_str::<Value>(&testing::sample_payload(EventKind::Login)).unwrap()["user"]
        .clone()
}

fn event_with_body(body: &str) -> String {
    json!({"httpMethod": "POST", "headers": {"content-type": "application/json"}, "body": body})
        .to_string()
}

fn event_with_base64(bytes: &[u8]) -> String {
    json!({
        "httpMethod": "POST",
        "body": base64::engine::general_purpose::STANDARD.encode(bytes),
        "isBase64Encoded": true
    })
    .to_string()
}

fn payload_with_user(user: Value) -> String {
    event_with_body(&json!({"event": "login", "user": user}).to_string())
}

fn user_without(field: &str) -> String {
    let mut user = good_user();
    user.as_object_mut().unwrap().remove(field);
    if field == "updated_at" {
        user.as_object_mut().unwrap().remove("update_at");
    }
    payload_with_user(user)
}

fn user_with(field: &str, value: Value) -> String {
    let mut user = good_user();
    user[field] = value;
    payload_with_user(user)
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

struct Row {
    name: &'static str,
    event: String,
    status: u16,
    code: &'static str,
    message: String,
}

fn row(name: &'static str, event: String, status: u16, code: &'static str, message: &str) -> Row {
    Row {
        name,
        event,
        status,
        code,
        message: message.to_owned(),
    }
}

fn rows() -> Vec<Row> {
    let good = testing::sample_payload(EventKind::Login);
    let mut rows = vec![
        row("lambda event not an object", "[]".into(), 400, "malformed_event", "expected a JSON object"),
        row("lambda event not JSON", "GET / HTTP/1.1".into(), 400, "malformed_event", "expected a JSON object"),
        row("lambda field of the wrong type", json!({"httpMethod": 5, "body": good}).to_string(), 400, "malformed_event", "at `httpMethod`: invalid type: integer `5`, expected a string"),
        row("body missing", json!({"httpMethod": "POST"}).to_string(), 400, "body_missing", "the request has no body"),
        row("body empty", event_with_body(""), 400, "body_missing", "the request has no body"),
        row("body not JSON", event_with_body("hello"), 400, "invalid_payload", "expected a JSON object"),
        row("body not an object", event_with_body("[1, 2]"), 400, "invalid_payload", "expected a JSON object"),
        row("body JSON null", event_with_body("null"), 400, "invalid_payload", "expected a JSON object"),
        row("body truncated", event_with_body(&good[..good.len() / 2]), 400, "invalid_payload", "EOF while parsing"),
        row("trailing data after the payload", event_with_body(&format!("{good} {{}}")), 400, "invalid_payload", "trailing characters"),
        row("base64-flagged, invalid base64", json!({"httpMethod": "POST", "body": "%%%not base64", "isBase64Encoded": true}).to_string(), 400, "invalid_base64", "not valid base64"),
        row("invalid UTF-8", event_with_base64(b"{\"event\":\"login\xff\"}"), 400, "body_not_utf8", "invalid byte at offset 15"),
        row("event missing", event_with_body(&json!({"user": good_user()}).to_string()), 400, "invalid_payload", "missing field `event`"),
        row("event unknown", event_with_body(&json!({"event": "logout", "user": good_user()}).to_string()), 400, "invalid_payload", "at `event`: unknown identity event `logout`, expected one of: validate, signup, login"),
        row("event of another function", event_with_body(&testing::sample_payload(EventKind::Signup)), 400, "wrong_event", "event `signup` was sent to identity-login, which handles `login` events"),
        row("X-Netlify-Event header naming another event", {
            let mut event: Value = serde_json::from_slice(&testing::lambda_event(&good)).unwrap();
            event["headers"]["X-Netlify-Event"] = json!("identity_signup");
            event.to_string()
        }, 400, "wrong_event", "the `X-Netlify-Event` header names `identity_signup` but the payload's event is `login`"),
        row("user missing", event_with_body(r#"{"event":"login"}"#), 400, "invalid_payload", "missing field `user`"),
        row("user of the wrong type", event_with_body(r#"{"event":"login","user":"bob"}"#), 400, "invalid_payload", "at `user`: invalid type: string \"…\", expected struct User"),
        row("timestamp malformed", user_with("created_at", json!("2026-13-45T00:00:00Z")), 400, "invalid_payload", "at `user.created_at`: input is out of range"),
        row("optional timestamp malformed", user_with("last_sign_in_at", json!("yesterday")), 400, "invalid_payload", "at `user.last_sign_in_at`: input contains invalid characters"),
        row("roles not an array", user_with("app_metadata", json!({"provider": "email", "roles": "admin"})), 400, "invalid_payload", "at `user.app_metadata.roles`: invalid type: string \"…\", expected a sequence"),
        row("duplicate top-level key", event_with_body(&format!(r#"{{"event":"login","event":"signup","user":{}}}"#, good_user())), 400, "invalid_payload", "duplicate field `event`"),
        row("duplicate user field", event_with_body(&format!(r#"{{"event":"login","user":{}}}"#, good_user().to_string().replacen('{', r#"{"email":"admin@example.com","#, 1))), 400, "invalid_payload", "at `user`: duplicate field `email`"),
        row("duplicate metadata key", user_with("app_metadata", json!({"provider": "email"})).replace(r#"\"provider\":\"email\""#, r#"\"plan\":\"free\",\"plan\":\"pro\""#), 400, "invalid_payload", "at `user.app_metadata`: duplicate key `plan`"),
        row("duplicate nested key", user_with("user_metadata", json!({"prefs": {"a": 1}})).replace(r#"\"a\":1"#, r#"\"a\":1,\"a\":2"#), 400, "invalid_payload", "at `user.user_metadata.prefs`: duplicate key `a`"),
        row("deeply nested JSON", user_with("user_metadata", json!({"deep": "X"})).replace(r#"\"X\""#, &nested(5000)), 400, "invalid_payload", "recursion limit exceeded"),
        row("deeply nested client context", json!({"httpMethod": "POST", "body": good, "requestContext": {"user": {"sub": "s", "deep": "X"}}}).to_string().replace(r#""X""#, &nested(5000)), 400, "invalid_client_context", "recursion limit exceeded"),
        row("client context: an array for an object", json!({"httpMethod": "POST", "body": good, "requestContext": {"identity": ["https://x/.netlify/identity", "token"]}}).to_string(), 400, "invalid_client_context", "at `identity`: invalid type: sequence, expected an object with `url` and `token`"),
        row("client context: invalid base64", json!({"httpMethod": "POST", "body": good, "requestContext": {"custom": {"netlify": "***"}}}).to_string(), 400, "invalid_client_context", "`custom.netlify` is not valid base64"),
        row("client context: invalid JSON inside", json!({"httpMethod": "POST", "body": good, "requestContext": {"custom": {"netlify": "bm90IGpzb24="}}}).to_string(), 400, "invalid_client_context", "`custom.netlify` is not the expected JSON"),
        row("client context: token of the wrong type", json!({"httpMethod": "POST", "body": good, "requestContext": {"identity": {"url": "u", "token": 7}}}).to_string(), 400, "invalid_client_context", "at `identity.token`: invalid type: integer `7`, expected a string"),
        row("body above 6 MB", event_with_body(&" ".repeat(MAX_BODY_BYTES + 1)), 413, "payload_too_large", &format!("the body is {} bytes, above the platform's limit of {MAX_BODY_BYTES} bytes", MAX_BODY_BYTES + 1)),
        row("base64 body above 6 MB", event_with_base64(&vec![b' '; MAX_BODY_BYTES + 4]), 413, "payload_too_large", "above the platform's limit"),
    ];
    for field in [
        "id",
        "email",
        "app_metadata",
        "user_metadata",
        "created_at",
        "updated_at",
    ] {
        let message = format!("missing field `{field}`");
        rows.push(Row {
            name: "required user field missing",
            event: user_without(field),
            status: 400,
            code: "invalid_payload",
            message,
        });
    }
    for (field, value, message) in [
        (
            "id",
            json!(7),
            "at `user.id`: invalid type: integer `7`, expected a formatted UUID string",
        ),
        (
            "id",
            json!("not-a-uuid"),
            "at `user.id`: UUID parsing failed",
        ),
        (
            "email",
            json!(7),
            "at `user.email`: invalid type: integer `7`, expected a string",
        ),
        ("app_metadata", json!([]), "at `user.app_metadata`"),
        (
            "user_metadata",
            json!("x"),
            "at `user.user_metadata`: invalid type: string \"…\", expected a JSON object",
        ),
        (
            "created_at",
            json!(1_700_000_000),
            "at `user.created_at`: invalid type: integer `1700000000`",
        ),
        (
            "updated_at",
            json!(true),
            "at `user.updated_at`: invalid type: boolean `true`",
        ),
        (
            "aud",
            json!(null),
            "at `user.aud`: invalid type: null, expected a string",
        ),
    ] {
        let mut event = user_with(field, value);
        if field == "updated_at" {
            event = event.replace("update_at", "was_update_at");
        }
        rows.push(Row {
            name: "required user field of the wrong type",
            event,
            status: 400,
            code: "invalid_payload",
            message: message.to_owned(),
        });
    }
    rows
}

#[test]
fn every_row_is_answered_with_what_was_wrong_and_the_next_is_served() {
    let good = testing::lambda_event(&testing::sample_payload(EventKind::Login));
    for row in rows() {
        let response = IDENTITY_FUNCTION.invoke_blocking(row.event.as_bytes());
        let body: Value = serde_json::from_str(&response.body)
            .unwrap_or_else(|_| panic!("{}: the body is not JSON: {}", row.name, response.body));
        assert_eq!(response.status_code, row.status, "{}: {body}", row.name);
        assert_eq!(body["error"], row.code, "{}: {body}", row.name);
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(&row.message),
            "{}: `{message}` lacks `{}`",
            row.name,
            row.message
        );
        assert_eq!(
            IDENTITY_FUNCTION.invoke_blocking(&good).status_code,
            204,
            "after {}",
            row.name
        );
    }
}

#[test]
fn every_row_is_logged_by_the_running_binary() {
    for row in rows().into_iter().filter(|row| row.event.len() < 1_000_000) {
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
            .write_all(row.event.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{}: {stderr}", row.name);
        let expected = format!(
            " WARN invocation{{requestId=local function=identity-login event=login}}: rejected ({}): ",
            row.status
        );
        assert!(
            stderr.contains(&expected) && stderr.contains(&row.message),
            "{}: {stderr}",
            row.name
        );
        assert!(!stderr.contains("panicked"), "{}: {stderr}", row.name);
    }
}
