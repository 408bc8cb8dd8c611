//! What the benchmarks share: the three handlers, the hand-written floor, the events and the
//! way an invocation is driven. `invocation.rs` times them (criterion) and counts allocations;
//! `instructions.rs` counts their instructions under callgrind.

use std::future::Future as _;

pub(crate) use identity_benches::events::{cases, client_context_header, netlify_context};
use identity_runtime::__private::Report;
use identity_runtime::IdentityFunction;
use serde_json::Value;
use tracing::Instrument as _;

pub(crate) mod allow {
    use identity_runtime::{ClientContext, User, identity_event};
    #[identity_event(validate)]
    fn allow(user: &User, context: Option<&ClientContext>) {
        let _ = (user, context);
    }
}

pub(crate) mod change {
    use identity_runtime::{ClientContext, MetadataChange, User, identity_event};
    #[identity_event(signup)]
    fn change(user: &User, context: Option<&ClientContext>) -> MetadataChange {
        let _ = context;
        user.change().add_role("member")
    }
}

pub(crate) mod deny {
    use identity_runtime::{ClientContext, Deny, User, identity_event};
    #[identity_event(login)]
    fn deny(user: &User, context: Option<&ClientContext>) -> Result<(), Deny> {
        let _ = (user, context);
        Err(Deny::new("logins are closed"))
    }
}

/// The hand-written floor: the same work, serde_json and base64 only, borrowing what it can and
/// parsing only what it needs.
pub(crate) mod floor {
    use std::borrow::Cow;
    use std::io::Write as _;

    use base64::Engine as _;
    use serde::{Deserialize, Serialize};
    use serde_json::value::RawValue;
    use serde_json::{Map, Value};

    #[derive(Deserialize)]
    struct Event<'a> {
        #[serde(borrow)]
        body: Option<Cow<'a, str>>,
        #[serde(default, rename = "isBase64Encoded")]
        base64: bool,
    }

    #[derive(Deserialize)]
    struct Payload<'a> {
        #[serde(borrow)]
        event: Cow<'a, str>,
        user: User,
    }

    #[derive(Deserialize)]
    struct User {
        #[allow(dead_code)]
        email: String,
        app_metadata: Map<String, Value>,
    }

    #[derive(Deserialize)]
    struct Header<'a> {
        #[serde(borrow)]
        custom: Custom<'a>,
    }

    #[derive(Deserialize)]
    struct Custom<'a> {
        #[serde(borrow)]
        netlify: Cow<'a, str>,
    }

    #[derive(Deserialize)]
    struct Context<'a> {
        #[serde(borrow)]
        identity: Option<Identity<'a>>,
        #[allow(dead_code)]
        user: Option<Box<RawValue>>,
    }

    #[derive(Deserialize)]
    struct Identity<'a> {
        #[allow(dead_code)]
        #[serde(borrow)]
        url: Cow<'a, str>,
        #[allow(dead_code)]
        #[serde(borrow)]
        token: Cow<'a, str>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Response<'a> {
        status_code: u16,
        headers: Map<String, Value>,
        multi_value_headers: Map<String, Value>,
        body: &'a str,
        is_base64_encoded: bool,
    }

    #[derive(Clone, Copy)]
    pub(crate) enum Decision {
        Allow,
        Change,
        Deny,
    }

    fn respond(status_code: u16, body: &str) -> Vec<u8> {
        let mut headers = Map::new();
        if !body.is_empty() {
            headers.insert("content-type".into(), "application/json".into());
        }
        serde_json::to_vec(&Response {
            status_code,
            headers,
            multi_value_headers: Map::new(),
            body,
            is_base64_encoded: false,
        })
        .unwrap_or_default()
    }

    fn error(status: u16, message: &str) -> Vec<u8> {
        let body = serde_json::json!({"error": "invalid", "message": message}).to_string();
        respond(status, &body)
    }

    pub(crate) fn invoke(event: &[u8], header: &str, decision: Decision) -> Vec<u8> {
        // UTF-8 checked once, then parsed as text: cheaper than serde_json's check of each
        // string it borrows from bytes.
        let Ok(event) = std::str::from_utf8(event) else {
            return error(400, "malformed event");
        };
        let Ok(event) = serde_json::from_str::<Event<'_>>(event) else {
            return error(400, "malformed event");
        };
        let Some(body) = event.body else {
            return error(400, "no body");
        };
        let decoded;
        let body: &str = if event.base64 {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(body.as_bytes())
            else {
                return error(400, "bad base64");
            };
            decoded = bytes;
            match std::str::from_utf8(&decoded) {
                Ok(text) => text,
                Err(_) => return error(400, "not utf-8"),
            }
        } else {
            &body
        };
        let Ok(header) = serde_json::from_str::<Header<'_>>(header) else {
            return error(400, "bad context header");
        };
        let Ok(context_json) =
            base64::engine::general_purpose::STANDARD.decode(header.custom.netlify.as_bytes())
        else {
            return error(400, "bad context");
        };
        let Ok(context_json) = std::str::from_utf8(&context_json) else {
            return error(400, "bad context");
        };
        let Ok(context) = serde_json::from_str::<Context<'_>>(context_json) else {
            return error(400, "bad context");
        };
        let _ = context.identity.is_some();
        let Ok(payload) = serde_json::from_str::<Payload<'_>>(body) else {
            return error(400, "bad payload");
        };
        let _ = payload.event;
        match decision {
            Decision::Allow => respond(204, ""),
            Decision::Deny => {
                // The framework logs every denial (Netlify's function log is where a refused
                // signup is explained); the same line, written with one call.
                let _ = std::io::stderr().lock().write_all(
                    b" INFO invocation{requestId=bench function=identity-login event=login}: denied (403): logins are closed\n",
                );
                respond(
                    403,
                    &serde_json::json!({"error": "denied", "message": "logins are closed"})
                        .to_string(),
                )
            }
            Decision::Change => {
                let mut app = payload.user.app_metadata;
                let roles = app
                    .entry("roles")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(roles) = roles
                    && !roles.iter().any(|r| r == "member")
                {
                    roles.push("member".into());
                }
                let body = serde_json::to_string(&serde_json::json!({"app_metadata": app}))
                    .unwrap_or_default();
                respond(200, &body)
            }
        }
    }
}

pub(crate) const DECISIONS: [(&str, &str, floor::Decision); 3] = [
    ("allow", "validate", floor::Decision::Allow),
    ("change", "signup", floor::Decision::Change),
    ("deny", "login", floor::Decision::Deny),
];

pub(crate) fn function(decision: &str) -> &'static IdentityFunction {
    match decision {
        "allow" => &allow::IDENTITY_FUNCTION,
        "change" => &change::IDENTITY_FUNCTION,
        _ => &deny::IDENTITY_FUNCTION,
    }
}

/// One invocation as the Lambda runner serves it, from the event and the
/// `Lambda-Runtime-Client-Context` header as the Runtime API hands them over to the bytes it
/// posts, and the line it logs after posting, in the invocation's span, through the subscriber
/// a running function installs ([`install_log`]). Polled inside an already running runtime,
/// not with a `block_on` of its own per invocation (which costs more than some whole
/// invocations). The caller holds the runtime's context (`Runtime::enter`); a future that
/// waits is finished with `block_on`.
pub(crate) fn framework(
    runtime: &tokio::runtime::Runtime,
    function: &'static IdentityFunction,
    event: &[u8],
    header: &str,
) -> Vec<u8> {
    let (json, span, report) = posted(runtime, function, event, header);
    if let Some(report) = report {
        span.in_scope(|| report.emit());
    }
    json
}

/// Installs the log a running function installs: the framework's lines are written as
/// deployed, to stderr.
pub(crate) fn install_log() {
    identity_runtime::__private::install_log();
}

/// [`framework`] up to the answer GoTrue waits on: the JSON to post, with the report made
/// but not yet logged (the runner logs it after posting).
#[allow(dead_code, reason = "only `invocation.rs` times the answer apart")]
pub(crate) fn answered(
    runtime: &tokio::runtime::Runtime,
    function: &'static IdentityFunction,
    event: &[u8],
    header: &str,
) -> Vec<u8> {
    let (json, span, report) = posted(runtime, function, event, header);
    std::hint::black_box((span, report));
    json
}

/// The report of the response to `event` and its invocation's span, not logged: for timing
/// the line alone.
#[allow(dead_code, reason = "only `invocation.rs` times the line alone")]
pub(crate) fn report(
    runtime: &tokio::runtime::Runtime,
    function: &'static IdentityFunction,
    event: &[u8],
    header: &str,
) -> Option<(tracing::Span, Report)> {
    let (_, span, report) = posted(runtime, function, event, header);
    report.map(|report| (span, report))
}

/// The JSON the runner posts, the invocation's span, and the report it logs after posting.
fn posted(
    runtime: &tokio::runtime::Runtime,
    function: &'static IdentityFunction,
    event: &[u8],
    header: &str,
) -> (Vec<u8>, tracing::Span, Option<Report>) {
    let span = function.span("bench");
    let mut invocation = std::pin::pin!(
        function
            .respond_lambda("bench", event, Some(header.as_bytes()), None)
            .instrument(span.clone())
    );
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let (response, report) = match invocation.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(responded) => responded,
        std::task::Poll::Pending => runtime.block_on(invocation),
    };
    (
        serde_json::to_vec(&response).unwrap_or_default(),
        span,
        report,
    )
}

/// `name` in the target directory, created if need be.
#[allow(dead_code, reason = "`instructions.rs` writes no files")]
pub(crate) fn out_dir(name: &str) -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        std::path::PathBuf::from,
    );
    let dir = target.join(name);
    std::fs::create_dir_all(&dir).expect("a directory in the target directory");
    dir
}

/// Both sides must answer alike: same status, same body JSON.
pub(crate) fn check_alike(framework: &[u8], floor: &[u8], what: &str) {
    let a: Value = serde_json::from_slice(framework).unwrap();
    let b: Value = serde_json::from_slice(floor).unwrap();
    assert_eq!(a["statusCode"], b["statusCode"], "{what}");
    let body = |v: &Value| serde_json::from_str::<Value>(v["body"].as_str().unwrap_or("")).ok();
    if a["statusCode"] != 403 {
        assert_eq!(body(&a), body(&b), "{what}");
    }
}
