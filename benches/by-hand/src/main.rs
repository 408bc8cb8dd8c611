//! `examples/signup_roles.rs` written by hand on `lambda_runtime`: every new user is a `member`,
//! staff domains also `editor`, every other key of `app_metadata` kept. The client context's
//! Netlify part is decoded as a hand-written function would to read the identity token.
//!
//! `by-hand current` runs tokio's current-thread runtime, anything else the default
//! multi-thread one: the benchmark measures both flavours.

use std::collections::HashMap;

use base64::Engine as _;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const STAFF_DOMAINS: [&str; 2] = ["netlify.com", "trust-this-company.com"];

#[derive(Deserialize)]
struct Event {
    body: String,
}

#[derive(Deserialize)]
struct Payload {
    user: User,
}

#[derive(Deserialize)]
struct User {
    email: String,
    #[serde(default)]
    app_metadata: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "read as a function reading the token would")]
struct NetlifyContext {
    identity: Option<Identity>,
    user: Option<Value>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "read as a function reading the token would")]
struct Identity {
    url: String,
    token: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    status_code: u16,
    headers: HashMap<&'static str, &'static str>,
    body: String,
}

async fn handler(event: LambdaEvent<Event>) -> Result<Response, Error> {
    if let Some(netlify) = event
        .context
        .client_context
        .as_ref()
        .and_then(|context| context.custom.get("netlify"))
    {
        let decoded = base64::engine::general_purpose::STANDARD.decode(netlify)?;
        let _context: NetlifyContext = serde_json::from_slice(&decoded)?;
    }
    let payload: Payload = serde_json::from_str(&event.payload.body)?;
    let mut app = payload.user.app_metadata.unwrap_or_default();
    let mut roles = match app.remove("roles") {
        Some(Value::Array(roles)) => roles,
        _ => Vec::new(),
    };
    let domain = payload
        .user
        .email
        .rsplit_once('@')
        .map(|(_, domain)| domain);
    let mut wanted = vec!["member"];
    if domain.is_some_and(|d| STAFF_DOMAINS.iter().any(|s| d.eq_ignore_ascii_case(s))) {
        wanted.push("editor");
    }
    for role in wanted {
        if !roles.iter().any(|r| r == role) {
            roles.push(role.into());
        }
    }
    app.insert("roles".into(), Value::Array(roles));
    let body = serde_json::to_string(&serde_json::json!({ "app_metadata": app }))?;
    Ok(Response {
        status_code: 200,
        headers: HashMap::from([("content-type", "application/json")]),
        body,
    })
}

fn main() -> Result<(), Error> {
    let runtime = match std::env::args().nth(1).as_deref() {
        Some("current") => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build()?;
    runtime.block_on(lambda_runtime::run(service_fn(handler)))
}
