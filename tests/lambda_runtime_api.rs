//! A built binary driven through the Lambda Runtime API protocol itself: the loopback server
//! hands out invocations the way Netlify's platform and its local tooling do.

#[path = "support/runtime_api.rs"]
mod runtime_api;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use identity_runtime::{EventKind, testing};
use runtime_api::{Invocation, Posted, RuntimeApi};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

struct Probe(Child);

impl Drop for Probe {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_probe(api: &RuntimeApi) -> Probe {
    let child = api
        .environment(&mut Command::new(env!("CARGO_BIN_EXE_lambda-probe")))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the probe binary");
    Probe(child)
}

fn event(email: &str, request_context: Option<Value>) -> String {
    let mut payload: Value =
        serde_json::from_str(&testing::sample_payload(EventKind::Login)).unwrap();
    payload["user"]["email"] = json!(email);
    let mut event = json!({
        "path": "/.netlify/functions/identity-login",
        "httpMethod": "POST",
        "headers": {"content-type": "application/json"},
        "body": payload.to_string(),
        "isBase64Encoded": false,
    });
    if let Some(context) = request_context {
        event["requestContext"] = context;
    }
    event.to_string()
}

fn invocation(id: &str, event: String, client_context: Option<String>) -> Invocation {
    Invocation {
        id: id.to_owned(),
        event,
        client_context,
        deadline_in: Duration::from_secs(30),
    }
}

#[test]
fn serves_invocations_with_both_client_contexts_and_survives_a_panic() {
    let api = RuntimeApi::start();
    let _probe = start_probe(&api);
    let claims = json!({"sub": "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d", "email": "ada@example.com"});

    // Production: the context arrives in the Lambda-Runtime-Client-Context header.
    let netlify = testing::encode_client_context(
        "https://prod/.netlify/identity",
        "secret",
        Some(claims.clone()),
    );
    let header = json!({"custom": {"netlify": netlify}}).to_string();
    api.push(invocation(
        "prod",
        event("ada@example.com", None),
        Some(header),
    ));
    let (status, body) = api.answer(WAIT, "prod");
    assert_eq!(status, 200);
    assert_eq!(
        body["app_metadata"]["context_url"],
        "https://prod/.netlify/identity"
    );
    assert_eq!(body["app_metadata"]["context_sub"], claims["sub"]);
    assert_eq!(body["app_metadata"]["provider"], "email");

    // Netlify's local tooling: the context is merged into the event's requestContext.
    let local = testing::encode_client_context("https://local/.netlify/identity", "secret", None);
    let context = json!({"custom": {"netlify": local}});
    api.push(invocation(
        "local",
        event("ada@example.com", Some(context)),
        None,
    ));
    let (status, body) = api.answer(WAIT, "local");
    assert_eq!(status, 200);
    assert_eq!(
        body["app_metadata"]["context_url"],
        "https://local/.netlify/identity"
    );
    assert_eq!(body["app_metadata"]["context_sub"], Value::Null);

    // No context at all.
    api.push(invocation("none", event("ada@example.com", None), None));
    let (_, body) = api.answer(WAIT, "none");
    assert_eq!(body["app_metadata"]["context"], "none");

    // No change: the 204 is posted as serde_json serializes the answer, whose JSON the runner
    // writes once per process.
    api.push(invocation(
        "unchanged",
        event("unchanged@example.com", None),
        None,
    ));
    let Some(Posted::Response { id, body }) = api.next_posted(WAIT) else {
        panic!("expected a response for unchanged");
    };
    assert_eq!(id, "unchanged");
    assert_eq!(
        body,
        r#"{"statusCode":204,"headers":{},"multiValueHeaders":{},"body":"","isBase64Encoded":false}"#
    );
    api.push(invocation(
        "unchanged-again",
        event("unchanged@example.com", None),
        None,
    ));
    assert_eq!(api.answer(WAIT, "unchanged-again"), (204, Value::Null));

    // A panicking invocation is answered 500, and the next one is served by the same process.
    api.push(invocation("panic", event("panic@example.com", None), None));
    let (status, body) = api.answer(WAIT, "panic");
    assert_eq!(status, 500);
    assert_eq!(body["error"], "fault");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("the probe was asked to panic")
    );
    api.push(invocation(
        "after-panic",
        event("ada@example.com", None),
        None,
    ));
    let (status, _) = api.answer(WAIT, "after-panic");
    assert_eq!(status, 200);

    // A malformed body is a 400 naming the problem; the next invocation is served.
    let broken = json!({"httpMethod": "POST", "body": "{\"event\":\"login\"}"}).to_string();
    api.push(invocation("broken", broken, None));
    let (status, body) = api.answer(WAIT, "broken");
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("missing field `user`")
    );
    api.push(invocation(
        "after-broken",
        event("ada@example.com", None),
        None,
    ));
    assert_eq!(api.answer(WAIT, "after-broken").0, 200);
}

#[test]
fn an_unreadable_client_context_header_is_a_400_naming_it() {
    let api = RuntimeApi::start();
    let _probe = start_probe(&api);
    for (id, header) in [
        ("not-json", "not json"),
        ("not-an-object", "[1]"),
        ("netlify-not-a-string", r#"{"custom":{"netlify":7}}"#),
    ] {
        api.push(invocation(
            id,
            event("ada@example.com", None),
            Some(header.into()),
        ));
        let (status, body) = api.answer(WAIT, id);
        assert_eq!(status, 400, "{header}");
        assert_eq!(body["error"], "invalid_client_context", "{header}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("`Lambda-Runtime-Client-Context` header"),
            "{message}"
        );
    }
    // A header without `custom.netlify` is no context there: `requestContext` is read.
    let local = testing::encode_client_context("https://local/.netlify/identity", "secret", None);
    api.push(invocation(
        "no-netlify",
        event(
            "ada@example.com",
            Some(json!({"custom": {"netlify": local}})),
        ),
        Some(r#"{"custom":{},"client":{"app_title":"x"}}"#.into()),
    ));
    let (status, body) = api.answer(WAIT, "no-netlify");
    assert_eq!(status, 200);
    assert_eq!(
        body["app_metadata"]["context_url"],
        "https://local/.netlify/identity"
    );
}

#[test]
fn the_answer_is_posted_as_serde_json_writes_the_response_and_the_line_is_logged_after() {
    let log = log_path("lambda-probe-stderr");
    let api = RuntimeApi::watching_log(log.clone());
    let _probe = start_probe_logging_to(&api, &log);
    api.push(invocation("change", event("ada@example.com", None), None));
    api.push(invocation("panic", event("panic@example.com", None), None));
    for id in ["change", "panic"] {
        let Some(Posted::Response {
            id: posted_id,
            body,
        }) = api.next_posted(WAIT)
        else {
            panic!("expected a response for {id}");
        };
        assert_eq!(posted_id, id);
        let posted: Value = serde_json::from_str(&body).unwrap();
        let status = posted["statusCode"].as_u64().unwrap();
        let expected = identity_runtime::Response {
            status_code: u16::try_from(status).unwrap(),
            headers: [("content-type".to_owned(), "application/json".to_owned())].into(),
            multi_value_headers: Default::default(),
            body: posted["body"].as_str().unwrap().to_owned(),
            is_base64_encoded: false,
        };
        assert_eq!(body, serde_json::to_string(&expected).unwrap());
    }
    // The fault's line is written once its answer is posted; give the write a moment.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        if logged.contains("fault (500): the handler panicked") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not logged: {logged}");
        std::thread::sleep(Duration::from_millis(20));
    }
    // ... and not before: when the answer reached the server (which accepts it only after
    // reading the log), the line was not there yet.
    let at_post = api
        .log_at_post("panic")
        .expect("the log read as the answer arrived");
    assert!(
        !at_post.contains("fault (500)"),
        "logged before posting: {at_post}"
    );
}

#[test]
fn the_platforms_deadline_cuts_off_a_handler_and_every_line_names_its_request() {
    let log = log_path("lambda-probe-deadline");
    let api = RuntimeApi::watching_log(log.clone());
    let _probe = start_probe_logging_to(&api, &log);
    // The probe never answers a `slow@` user; its own deadline is the default 3.5 s, the
    // platform's comes first.
    api.push(Invocation {
        deadline_in: Duration::from_millis(300),
        ..invocation("slow-request", event("slow@example.com", None), None)
    });
    api.push(invocation(
        "panic-request",
        event("panic@example.com", None),
        None,
    ));
    let (status, body) = api.answer(WAIT, "slow-request");
    assert_eq!(status, 500);
    let message = body["message"].as_str().unwrap();
    assert!(
        message
            .contains("the handler did not answer within what was left of the platform's deadline"),
        "{message}"
    );
    let (status, _) = api.answer(WAIT, "panic-request");
    assert_eq!(status, 500);
    // Each invocation's line names its request.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<&str> = logged.lines().collect();
        let slow = lines
            .iter()
            .find(|line| line.contains("platform's deadline"));
        let panic = lines
            .iter()
            .find(|line| line.contains("fault (500): the handler panicked"));
        if let (Some(slow), Some(panic)) = (slow, panic) {
            assert!(
                slow.starts_with("ERROR invocation{requestId=slow-request function=identity-login event=login}: fault (500): "),
                "{slow}"
            );
            assert!(
                panic.starts_with("ERROR invocation{requestId=panic-request "),
                "{panic}"
            );
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not logged: {logged}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A file of the temporary directory named after `name`, for a probe's stderr.
fn log_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("{name}-{}", std::process::id()))
}

/// The probe with its stderr in `log`.
fn start_probe_logging_to(api: &RuntimeApi, log: &std::path::Path) -> Probe {
    start_probe_logging_with(api, log, |command| command)
}

/// The probe with its stderr in `log`, its environment set by `configure` as well.
fn start_probe_logging_with(
    api: &RuntimeApi,
    log: &std::path::Path,
    configure: impl FnOnce(&mut Command) -> &mut Command,
) -> Probe {
    let child = configure(api.environment(&mut Command::new(env!("CARGO_BIN_EXE_lambda-probe"))))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("a log file"))
        .spawn()
        .expect("start the probe binary");
    Probe(child)
}

#[test]
fn a_failed_setup_is_reported_to_init_error_and_ends_the_process() {
    let api = RuntimeApi::start();
    let child = api
        .environment(&mut Command::new(env!("CARGO_BIN_EXE_lambda-probe")))
        .env("PROBE_SETUP_FAILS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the probe binary");
    let Some(Posted::InitError { body }) = api.next_posted(WAIT) else {
        panic!("expected an init error");
    };
    let diagnostic: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(diagnostic["errorType"], "Runtime.InitError");
    assert!(
        diagnostic["errorMessage"]
            .as_str()
            .unwrap()
            .contains("the probe was asked to fail its setup"),
        "{body}"
    );
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the setup function failed"), "{stderr}");
    // Nothing else was posted: no invocation was fetched.
    assert!(api.next_posted(Duration::from_millis(200)).is_none());
}

#[test]
fn an_invocation_without_a_request_id_is_logged_and_the_next_served() {
    let api = RuntimeApi::start();
    let log = log_path("lambda-probe-no-id");
    let _probe = start_probe_logging_to(&api, &log);
    api.push(invocation("", event("ada@example.com", None), None));
    api.push(invocation("after", event("ada@example.com", None), None));
    // The first thing posted is the second invocation's answer.
    assert_eq!(api.answer(WAIT, "after").0, 200);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("an invocation came without the `lambda-runtime-aws-request-id` header"),
        "{logged}"
    );
}

#[test]
fn an_answer_the_runtime_api_refuses_fails_the_invocation_at_once() {
    // Answers above 2 KB are refused here, as the Lambda service refuses them above 6 MB.
    let api = RuntimeApi::with_response_limit(2048);
    let _probe = start_probe(&api);
    let mut payload: Value =
        serde_json::from_str(&testing::sample_payload(EventKind::Login)).unwrap();
    payload["user"]["app_metadata"]["notes"] = json!("n".repeat(4096));
    let big = json!({"httpMethod": "POST", "body": payload.to_string()}).to_string();
    api.push(invocation("big", big, None));
    match api.next_posted(WAIT) {
        Some(Posted::Refused { id, size }) => assert!(id == "big" && size > 4096, "{id} {size}"),
        other => panic!("expected the answer refused, got {other:?}"),
    }
    match api.next_posted(WAIT) {
        Some(Posted::Error { id, body }) => {
            assert_eq!(id, "big");
            let diagnostic: Value = serde_json::from_str(&body).unwrap();
            let message = diagnostic["errorMessage"].as_str().unwrap();
            assert!(
                message.contains("the Runtime API refused the answer") && message.contains("413"),
                "{message}"
            );
        }
        other => panic!("expected the invocation failed, got {other:?}"),
    }
    api.push(invocation("next", event("ada@example.com", None), None));
    assert_eq!(api.answer(WAIT, "next").0, 200);
}

#[test]
fn a_malformed_runtime_api_address_is_a_clear_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_lambda-probe"))
        .env("AWS_LAMBDA_RUNTIME_API", "not an address")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("AWS_LAMBDA_RUNTIME_API is not a host and port"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_runtime_api_ends_the_process_after_a_few_tries() {
    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let output = Command::new(env!("CARGO_BIN_EXE_lambda-probe"))
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr
            .matches("cannot fetch the next invocation from the Runtime API")
            .count(),
        5,
        "{stderr}"
    );
    assert!(
        stderr.contains("giving up after 5 failures in a row"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The probe's log once `expected` lines have arrived: the framework logs a fault after posting
/// its answer, so the last lines may come after the last answer.
fn log_of(log: &std::path::Path, expected: usize) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let logged = std::fs::read_to_string(log).unwrap_or_default();
        if logged.lines().count() >= expected {
            return logged;
        }
        assert!(std::time::Instant::now() < deadline, "not logged: {logged}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Answers a 500 for the panicking user, and 200 otherwise.
fn answer_of(api: &RuntimeApi, id: &str) -> u64 {
    api.answer(WAIT, id).0
}

#[test]
fn every_line_of_an_invocation_names_its_request_in_json() {
    let log = log_path("lambda-probe-json");
    let api = RuntimeApi::start();
    let _probe = start_probe_logging_with(&api, &log, |command| {
        command
            .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
            .env_remove("RUST_LOG")
            .env_remove("AWS_LAMBDA_LOG_LEVEL")
    });
    api.push(invocation("json-1", event("ada@example.com", None), None));
    api.push(invocation("json-2", event("panic@example.com", None), None));
    assert_eq!(answer_of(&api, "json-1"), 200);
    assert_eq!(answer_of(&api, "json-2"), 500);
    // json-1: verification off (said once), the handler's tracing and log lines; json-2: the
    // handler's two lines, the panic, the fault.
    let logged = log_of(&log, 7);
    let lines: Vec<Value> = logged
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    for line in &lines {
        assert!(
            line["requestId"] == "json-1" || line["requestId"] == "json-2",
            "{line}"
        );
        assert_eq!(line["function"], "identity-login", "{line}");
        assert_eq!(line["event"], "login", "{line}");
    }
    let of = |id: &str| -> Vec<(String, String, String)> {
        lines
            .iter()
            .filter(|line| line["requestId"] == id)
            .map(|line| {
                (
                    line["level"].as_str().unwrap().to_owned(),
                    line["target"].as_str().unwrap().to_owned(),
                    line["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let json_1 = of("json-1");
    assert!(
        json_1.contains(&("INFO".into(), "lambda_probe".into(), "probe called".into())),
        "{json_1:?}"
    );
    // A `log` record: its own target, none of the bridge's `log.*` fields.
    assert!(
        json_1.contains(&(
            "INFO".into(),
            "lambda_probe".into(),
            "probe called through log".into()
        )),
        "{json_1:?}"
    );
    assert!(!logged.contains("log.target"), "{logged}");
    let handler_line = lines
        .iter()
        .find(|line| line["message"] == "probe called" && line["requestId"] == "json-1")
        .unwrap();
    assert_eq!(handler_line["email"], "ada@example.com");
    let json_2 = of("json-2");
    assert!(
        json_2.iter().any(|(level, _, message)| level == "ERROR"
            && message == "panicked: the probe was asked to panic"),
        "{json_2:?}"
    );
    assert!(
        json_2
            .iter()
            .any(|(level, target, message)| level == "ERROR"
                && target == "identity_runtime"
                && message.starts_with("fault (500): the handler panicked")),
        "{json_2:?}"
    );
}

#[test]
fn the_level_comes_from_rust_log_before_lambdas() {
    let log = log_path("lambda-probe-level");
    let api = RuntimeApi::start();
    let _probe = start_probe_logging_with(&api, &log, |command| {
        command
            .env("RUST_LOG", "warn")
            .env("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
            // One line per record: no backtrace under the panic's.
            .env_remove("RUST_BACKTRACE")
    });
    api.push(invocation("quiet", event("ada@example.com", None), None));
    api.push(invocation("loud", event("panic@example.com", None), None));
    assert_eq!(answer_of(&api, "quiet"), 200);
    assert_eq!(answer_of(&api, "loud"), 500);
    // At warn: verification off, the panic, the fault; not the handler's info lines.
    let logged = log_of(&log, 3);
    assert!(!logged.contains("probe called"), "{logged}");
    assert!(logged.contains("signature verification is off"), "{logged}");
    for line in logged.lines() {
        assert!(line.contains("invocation{requestId="), "{line}");
    }
}

#[test]
fn the_handler_knows_its_request_and_the_time_it_has_left() {
    let api = RuntimeApi::start();
    let _probe = start_probe(&api);
    // The platform's deadline (2 s) comes before the probe's own (3.5 s by default) ...
    api.push(Invocation {
        deadline_in: Duration::from_secs(2),
        ..invocation("near", event("context@example.com", None), None)
    });
    // ... and after it (60 s).
    api.push(Invocation {
        deadline_in: Duration::from_secs(60),
        ..invocation("far", event("context@example.com", None), None)
    });
    let (status, near) = api.answer(WAIT, "near");
    assert_eq!(status, 200, "{near}");
    let near = &near["app_metadata"];
    assert_eq!(near["request_id"], "near");
    assert_eq!(near["function_name"], "identity-login");
    assert_eq!(near["background"], false);
    assert_eq!(near["deadline_is_the_platforms"], true, "{near}");
    let left = near["remaining_ms"].as_u64().unwrap();
    assert!(left <= 2000, "{near}");
    let (_, far) = api.answer(WAIT, "far");
    let far = &far["app_metadata"];
    assert_eq!(far["request_id"], "far");
    assert_eq!(far["deadline_is_the_platforms"], false, "{far}");
    // The probe's own 3.5 s, less the moments between the hand-over and the handler.
    let left = far["remaining_ms"].as_u64().unwrap();
    assert!((1000..=3500).contains(&left), "{far}");
}
