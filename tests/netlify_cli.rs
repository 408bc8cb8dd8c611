//! End to end through Netlify's own tooling: `netlify functions:serve` builds the example site's
//! Rust functions from source and runs them through its Lambda Runtime API emulator; this test
//! sends them identity events the way GoTrue and the CLI do.
//!
//! Needs netlify-cli: `.ci/run` installs the pinned version and runs this with `--ignored`,
//! passing the binary in `NETLIFY_CLI`.

#[path = "support/http.rs"]
mod http;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use http::{Answer, post};
use serde_json::{Value, json};

/// How long the CLI may take to build the four functions from cold.
const STARTUP: Duration = Duration::from_secs(900);

struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
    outbox: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        // The CLI runs in its own process group, with the function proxies below it. `--` is
        // required: without it procps turned `kill -TERM -1234` into kill(-1) or kill(-2), and
        // kill(-1) is every process on the machine.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-s", "TERM", "--", &group])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/netlify-site")
}

fn log_text(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = std::fs::File::open(path) {
        let _ = file.read_to_string(&mut text);
    }
    text
}

fn start() -> Server {
    let cli = std::env::var("NETLIFY_CLI")
        .expect("NETLIFY_CLI must name the netlify binary (.ci/run installs it)");
    let port = free_port();
    let scratch = std::env::temp_dir().join(format!("identity-e2e-{}", std::process::id()));
    let outbox = scratch.join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    let log = scratch.join("netlify.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let child = {
        use std::os::unix::process::CommandExt as _;
        Command::new(cli)
            // The sources, where the CLI builds Rust functions; netlify.toml's functions
            // directory holds what the site's one-build deploy places there.
            .args([
                "functions:serve",
                "--offline",
                "--functions",
                "netlify/functions",
                "--port",
                &port.to_string(),
            ])
            .current_dir(site())
            .env("NETLIFY_EXPERIMENTAL_BUILD_RUST_SOURCE", "true")
            .env("ALLOWED_DOMAINS", "trust-this-company.com, example.com")
            .env("OUTBOX_DIR", &outbox)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .process_group(0)
            .spawn()
            .expect("start netlify functions:serve")
    };
    let server = Server {
        child,
        port,
        log,
        outbox,
    };
    let started = Instant::now();
    loop {
        let text = log_text(&server.log);
        if text.matches("Loaded function").count() >= 4 {
            break;
        }
        assert!(
            started.elapsed() < STARTUP,
            "netlify functions:serve did not load the four functions:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    eprintln!(
        "netlify functions:serve loaded the site in {:?}",
        started.elapsed()
    );
    server
}

fn user(email: &str) -> Value {
    json!({
        "id": "1111a1a1-a11a-1111-aa11-aaa11111a11a",
        "aud": "", "role": "",
        "email": email,
        "app_metadata": {"provider": "email"},
        "user_metadata": {"full_name": "Test Person"},
        "created_at": "2026-11-27T12:00:00.000Z",
        "update_at": "2026-11-27T12:00:00.000Z"
    })
}

/// A user with metadata that must come back untouched, as hosted GoTrue sends it.
fn rich_user() -> Value {
    json!({
        "id": "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d",
        "aud": "authenticated", "role": "authenticated",
        "email": "ada@example.com",
        "confirmed_at": "2026-11-01T10:00:00Z",
        "last_sign_in_at": "2026-11-26T22:59:59.999999Z",
        "app_metadata": {"provider": "github", "roles": ["editor"], "plan": {"tier": "pro", "seats": 3}},
        "user_metadata": {"full_name": "Ada Lovelace", "avatar_url": "https://a.example/ada.png", "theme": "dark"},
        "created_at": "2026-10-31T09:00:00.123456Z",
        "updated_at": "2026-11-26T22:59:59.999999Z"
    })
}

fn payload(event: &str, user: &Value) -> Vec<u8> {
    json!({"event": event, "instance_id": "00000000-0000-0000-0000-000000000000", "user": user})
        .to_string()
        .into_bytes()
}

const JSON: (&str, &str) = ("content-type", "application/json");

fn call(server: &Server, function: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    post(
        server.port,
        &format!("/.netlify/functions/{function}"),
        headers,
        body,
    )
    .unwrap_or_else(|err| panic!("POST {function}: {err}\n{}", log_text(&server.log)))
}

/// Asserts the status and the exact JSON body (`Value::Null` for an empty body).
fn expect(answer: &Answer, status: u16, body: &Value, what: &str) {
    let parsed = if answer.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&answer.body)
            .unwrap_or_else(|_| panic!("{what}: not JSON: {}", answer.body))
    };
    assert_eq!((answer.status, &parsed), (status, body), "{what}");
}

/// An Identity JWT as the browser sends it; netlify-cli decodes it without checking the
/// signature and hands its claims to the function.
fn bearer() -> String {
    let encode =
        |value: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    let header = encode(json!({"alg": "HS256", "typ": "JWT"}));
    let claims = encode(
        json!({"sub": "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d", "email": "ada@example.com", "exp": 4_102_444_800_u64}),
    );
    format!("Bearer {header}.{claims}.c2lnbmF0dXJl")
}

const FUNCTIONS: [(&str, &str); 4] = [
    ("identity-validate", "validate"),
    ("identity-signup", "signup"),
    ("identity-login", "login"),
    ("identity-signup-background", "signup"),
];

/// Malformed bodies every function must refuse with a 400 naming the problem.
fn malformed(event: &str) -> Vec<(&'static str, Vec<u8>, Value)> {
    let invalid = |message: &str| json!({"error": "invalid_payload", "message": message});
    let mut bad_time = user("foo@trust-this-company.com");
    bad_time["created_at"] = json!("yesterday");
    let wrong_event = if event == "login" { "signup" } else { "login" };
    let bad_time = payload(event, &bad_time);
    // serde_json reports the column just past the bad string.
    let bad_time_column = String::from_utf8_lossy(&bad_time)
        .find("yesterday")
        .unwrap()
        + 10;
    let no_user = format!(r#"{{"event":"{event}"}}"#);
    vec![
        (
            "empty body",
            Vec::new(),
            json!({"error": "body_missing", "message": "the request has no body; expected the identity event payload {\"event\", \"user\"}"}),
        ),
        (
            "not JSON",
            b"hello".to_vec(),
            invalid(
                "the body is not an identity event payload: expected a JSON object {\"event\", \"user\"}",
            ),
        ),
        (
            "an array",
            b"[1,2]".to_vec(),
            invalid(
                "the body is not an identity event payload: expected a JSON object {\"event\", \"user\"}",
            ),
        ),
        (
            "truncated",
            br#"{"event":"signup","user":{"id":"#.to_vec(),
            invalid(
                "the body is not an identity event payload: at `user.id`: EOF while parsing a value at line 1 column 31",
            ),
        ),
        (
            "no user",
            no_user.clone().into_bytes(),
            invalid(&format!(
                "the body is not an identity event payload: missing field `user` at line 1 column {}",
                no_user.len()
            )),
        ),
        (
            "unknown event",
            br#"{"event":"logout","user":{}}"#.to_vec(),
            invalid(
                "the body is not an identity event payload: at `event`: unknown identity event `logout`, expected one of: validate, signup, login, userdeleted, usermodified at line 1 column 17",
            ),
        ),
        (
            "bad timestamp",
            bad_time,
            invalid(&format!(
                "the body is not an identity event payload: at `user.created_at`: input contains invalid characters at line 1 column {bad_time_column}"
            )),
        ),
        (
            "wrong event",
            payload(wrong_event, &user("foo@trust-this-company.com")),
            json!({"error": "wrong_event", "message": format!("event `{wrong_event}` was sent to identity-{event}, which handles `{event}` events")}),
        ),
    ]
}

#[test]
#[ignore = "needs netlify-cli; run by .ci/run"]
fn netlify_cli_serves_the_site_end_to_end() {
    let server = start();
    let sample = user("foo@trust-this-company.com");

    // Allowed users.
    let ok = [
        ("identity-validate", Value::Null, 204),
        (
            "identity-signup",
            json!({"app_metadata": {"provider": "email", "roles": ["member"]}}),
            200,
        ),
        ("identity-login", Value::Null, 204),
    ];
    for (function, body, status) in ok {
        let event = function.trim_start_matches("identity-");
        let answer = call(&server, function, &[JSON], &payload(event, &sample));
        expect(&answer, status, &body, &format!("{function}: allowed user"));
    }

    // Denied users.
    let denied = [
        (
            "identity-validate",
            "validate",
            user("throwaway@mailinator.com"),
            403,
            "signups from `mailinator.com` are closed",
        ),
        (
            "identity-signup",
            "signup",
            {
                let mut u = user("foo@example.com");
                u["user_metadata"] = json!({});
                u
            },
            422,
            "a full name is required to sign up",
        ),
        (
            "identity-login",
            "login",
            {
                let mut u = user("foo@example.com");
                u["app_metadata"]["roles"] = json!(["banned"]);
                u
            },
            403,
            "the account is banned",
        ),
    ];
    for (function, event, user, status, message) in denied {
        let answer = call(&server, function, &[JSON], &payload(event, &user));
        expect(
            &answer,
            status,
            &json!({"error": "denied", "message": message}),
            &format!("{function}: denied user"),
        );
    }

    // Metadata that must survive untouched.
    let rich = rich_user();
    let answer = call(
        &server,
        "identity-validate",
        &[JSON],
        &payload("validate", &rich),
    );
    expect(&answer, 204, &Value::Null, "validate: rich user");
    let answer = call(
        &server,
        "identity-signup",
        &[JSON],
        &payload("signup", &rich),
    );
    let mut app = rich["app_metadata"].clone();
    app["roles"] = json!(["editor", "member"]);
    expect(
        &answer,
        200,
        &json!({"app_metadata": app}),
        "signup: rich user keeps every key",
    );
    let answer = call(&server, "identity-login", &[JSON], &payload("login", &rich));
    let mut meta = rich["user_metadata"].clone();
    meta["previous_login"] = json!("2026-11-26T22:59:59.999999+00:00");
    expect(
        &answer,
        200,
        &json!({"user_metadata": meta}),
        "login: rich user keeps every key",
    );

    // A request with a Bearer token: the client context reaches the function.
    let token = bearer();
    let answer = call(
        &server,
        "identity-login",
        &[JSON, ("authorization", &token)],
        &payload("login", &sample),
    );
    expect(
        &answer,
        200,
        &json!({"app_metadata": {"provider": "email", "identity_url": "https://netlify-dev-locally-emulated-identity.netlify.app/.netlify/identity"}}),
        "login: client context from a Bearer token",
    );

    // A base64 body (the CLI encodes bodies it does not take for text).
    let answer = call(
        &server,
        "identity-signup",
        &[("content-type", "application/octet-stream")],
        &payload("signup", &sample),
    );
    expect(
        &answer,
        200,
        &json!({"app_metadata": {"provider": "email", "roles": ["member"]}}),
        "signup: base64 body",
    );

    // Malformed bodies, each followed by a good request.
    for (function, event) in FUNCTIONS
        .into_iter()
        .filter(|(f, _)| !f.ends_with("-background"))
    {
        for (what, body, expected) in malformed(event) {
            let answer = call(&server, function, &[JSON], &body);
            expect(&answer, 400, &expected, &format!("{function}: {what}"));
            let good = call(&server, function, &[JSON], &payload(event, &sample));
            assert!(
                matches!(good.status, 200 | 204),
                "{function}: good request after {what}: {good:?}"
            );
        }
    }

    // The background function is answered 202 while it is still running: the outbox is paused,
    // so it cannot have finished; the message appears only once the test resumes the outbox.
    let paused = server.outbox.join("paused");
    std::fs::write(&paused, "").unwrap();
    let answer = call(
        &server,
        "identity-signup-background",
        &[JSON],
        &payload("signup", &sample),
    );
    expect(&answer, 202, &Value::Null, "background: answered at once");
    let message = server
        .outbox
        .join("welcome-1111a1a1-a11a-1111-aa11-aaa11111a11a.txt");
    assert!(
        !message.exists(),
        "the background function finished before its answer"
    );
    std::fs::remove_file(&paused).unwrap();
    let started = Instant::now();
    while !message.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the background function never delivered:\n{}",
            log_text(&server.log)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(&message).unwrap();
    assert_eq!(
        text,
        "To: foo@trust-this-company.com\n\nWelcome, Test Person!\n"
    );

    // Malformed bodies to the background function are answered 202 too (the platform does not
    // wait), and deliver nothing.
    let answer = call(&server, "identity-signup-background", &[JSON], b"not json");
    expect(&answer, 202, &Value::Null, "background: malformed body");
}
