//! The events every benchmark answers, in process and end to end: the sample user GoTrue sends
//! through Netlify's CLI, a typical user, and one with 100 KB of `user_metadata`, each as the
//! Lambda event Netlify's platform wraps it in, with the client context beside it.

use identity_runtime::testing;
use serde_json::{Value, json};

/// A Lambda event as Netlify sends it in production: the body is the payload; the client
/// context travels beside it (the `Lambda-Runtime-Client-Context` header).
pub fn lambda_event(payload: &Value) -> Vec<u8> {
    json!({
        "path": "/.netlify/functions/identity-signup",
        "httpMethod": "POST",
        "headers": {
            "content-type": "application/json",
            "user-agent": "Go-http-client/2.0",
            "x-forwarded-for": "203.0.113.7",
            "x-nf-request-id": "01JD8Y3Q2W6X9V0K7M4T5R1P8E",
        },
        "multiValueHeaders": {},
        "queryStringParameters": {},
        "multiValueQueryStringParameters": {},
        "body": payload.to_string(),
        "isBase64Encoded": false,
        "rawUrl": "https://example.netlify.app/.netlify/functions/identity-signup",
        "rawQuery": "",
    })
    .to_string()
    .into_bytes()
}

fn typical_user() -> Value {
    json!({
        "id": "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d",
        "aud": "", "role": "",
        "email": "ada@example.com",
        "confirmation_sent_at": "2026-11-26T22:59:59.123456Z",
        "app_metadata": {"provider": "github", "roles": ["editor"], "plan": {"tier": "pro", "seats": 3}},
        "user_metadata": {"full_name": "Ada Lovelace", "avatar_url": "https://avatars.example/u/1.png", "theme": "dark", "locale": "en-GB"},
        "created_at": "2026-10-31T09:00:00.123456Z",
        "updated_at": "2026-11-26T22:59:59.999999Z"
    })
}

fn large_user() -> Value {
    let mut user = typical_user();
    let history: Vec<Value> = (0..1000)
        .map(|i| json!({"at": format!("2026-11-{:02}T12:{:02}:00Z", i % 28 + 1, i % 60), "ip": format!("198.51.100.{}", i % 250), "agent": "Mozilla/5.0 (X11; Linux x86_64)"}))
        .collect();
    user["user_metadata"]["history"] = Value::Array(history);
    user
}

/// One event of a benchmark.
pub struct Case {
    /// `small`, `typical` or `large`.
    pub size: &'static str,
    /// The Lambda event's JSON text.
    pub event: Vec<u8>,
}

/// The three events of an event kind (`signup`, `login`, …), smallest first.
///
/// ```
/// let cases = identity_benches::events::cases("signup");
/// assert_eq!(cases.iter().map(|c| c.size).collect::<Vec<_>>(), ["small", "typical", "large"]);
/// assert!(cases[2].event.len() > 100_000);
/// ```
pub fn cases(kind: &str) -> Vec<Case> {
    let sample: Value = serde_json::from_str(&testing::sample_payload(
        identity_runtime::EventKind::Validate,
    ))
    .unwrap();
    let payload = |user: Value| json!({"event": kind, "instance_id": "00000000-0000-0000-0000-000000000000", "user": user});
    let mut small = sample;
    small["event"] = json!(kind);
    vec![
        Case {
            size: "small",
            event: lambda_event(&small),
        },
        Case {
            size: "typical",
            event: lambda_event(&payload(typical_user())),
        },
        Case {
            size: "large",
            event: lambda_event(&payload(large_user())),
        },
    ]
}

/// The `Lambda-Runtime-Client-Context` header as production sends it: the Netlify context in
/// `custom.netlify`, as node's benchmark builds it from `client-context.txt`.
pub fn client_context_header(netlify: &str) -> String {
    json!({"custom": {"netlify": netlify}}).to_string()
}

/// The client context's `custom.netlify` part: an identity URL and token, and the caller's claims.
pub fn netlify_context() -> String {
    testing::encode_client_context(
        "https://example.netlify.app/.netlify/identity",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE4MDAwMDAwMDB9.c2lnbmF0dXJl",
        Some(
            json!({"sub": "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d", "email": "ada@example.com", "exp": 1_800_000_000, "app_metadata": {"provider": "github"}, "user_metadata": {}}),
        ),
    )
}
