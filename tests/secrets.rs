//! No secret in any `Debug`, `Display` or log output: a known admin token, caller JWT and
//! signing secret go through every path, and every byte of output is searched for them.

#[path = "support/runtime_api.rs"]
#[allow(
    dead_code,
    reason = "this test drives the server plainly: no limit, no watched log"
)]
mod runtime_api;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use identity_runtime::testing::{Signer, encode_client_context, sample_payload};
use identity_runtime::{
    AdminToken, ClientContext, EventKind, InvocationError, Request, User, Verification,
    identity_event,
};
use runtime_api::{Invocation, Posted, RuntimeApi};
use serde_json::{Value, json};

const ADMIN_TOKEN: &str = "ADMIN-TOKEN-b5f1c0de";
const CALLER_JWT: &str = "eyCALLER.JWT.5ecret";
const SECRET: &str = "SIGNING-SECRET-9a7e";

fn assert_clean(what: &str, text: &str) {
    for secret in [ADMIN_TOKEN, CALLER_JWT, SECRET] {
        assert!(!text.contains(secret), "{what} shows a secret:\n{text}");
    }
}

#[identity_event(login)]
fn login(_user: &User, context: Option<&ClientContext>) -> Result<(), String> {
    // A handler that reports its context with `{:?}`, as users will: the answer carries it.
    Err(format!("context: {context:?}"))
}

fn netlify_context() -> String {
    encode_client_context(
        "https://site/.netlify/identity",
        ADMIN_TOKEN,
        Some(json!({"sub": "s"})),
    )
}

/// Lambda events carrying the secrets in every place they can be, valid and misplaced.
fn events() -> Vec<Vec<u8>> {
    let payload = sample_payload(EventKind::Login);
    let signer = Signer::new(SECRET);
    let with = |headers: Value, context: Value| {
        json!({"httpMethod": "POST", "headers": headers, "body": payload, "requestContext": context})
            .to_string()
            .into_bytes()
    };
    let auth = json!({"authorization": format!("Bearer {CALLER_JWT}"), "cookie": format!("nf_jwt={CALLER_JWT}")});
    vec![
        with(
            auth.clone(),
            json!({"custom": {"netlify": netlify_context()}}),
        ),
        with(
            auth.clone(),
            json!({"identity": {"url": "u", "token": ADMIN_TOKEN}, "user": {"sub": "s"}}),
        ),
        // Misplaced: the token where an object belongs, or a number is expected.
        with(auth.clone(), json!({"identity": ADMIN_TOKEN})),
        with(
            auth.clone(),
            json!({"identity": {"url": ADMIN_TOKEN, "token": {"nested": ADMIN_TOKEN}}}),
        ),
        with(
            auth.clone(),
            json!({"user": {"sub": ADMIN_TOKEN, "exp": ADMIN_TOKEN}}),
        ),
        with(json!({"x-webhook-signature": ADMIN_TOKEN}), json!({})),
        json!({"httpMethod": "POST", "headers": {"authorization": [ADMIN_TOKEN]}, "body": payload})
            .to_string()
            .into_bytes(),
        json!({"httpMethod": "POST", "body": payload, "isBase64Encoded": ADMIN_TOKEN})
            .to_string()
            .into_bytes(),
        // Signed with the secret, and signed with the secret for another body.
        signer.signed_event(&payload),
        with(
            json!({"x-webhook-signature": signer.sign(b"another body")}),
            json!({}),
        ),
    ]
}

#[test]
fn debug_and_display_of_every_type_hide_the_secrets() {
    let context = ClientContext::from_base64(&netlify_context()).unwrap();
    assert_clean("ClientContext", &format!("{context:?}"));
    assert_clean(
        "IdentityEndpoint",
        &format!("{:?}", context.identity.as_ref().unwrap()),
    );
    assert_clean("AdminToken", &format!("{:?}", AdminToken::new(ADMIN_TOKEN)));
    assert_clean(
        "Verification",
        &format!("{:?}", Verification::hs256(SECRET)),
    );
    assert_clean("Signer", &format!("{:?}", Signer::new(SECRET)));
    for event in events() {
        if let Ok(request) = Request::from_slice(&event) {
            assert_clean("Request", &format!("{request:?}"));
        }
        if let Err(err) = Request::from_slice(&event) {
            assert_clean("InvocationError", &format!("{err} {err:?}"));
        }
    }
    let err: InvocationError = ClientContext::from_base64(&encode_client_context(
        ADMIN_TOKEN,
        ADMIN_TOKEN,
        Some(json!(ADMIN_TOKEN)),
    ))
    .unwrap_err();
    assert_clean("a client-context error", &format!("{err} {err:?}"));
}

#[test]
fn answers_in_process_hide_the_secrets() {
    let _ = IDENTITY_FUNCTION.set_verification(Verification::off());
    for event in events() {
        let response = IDENTITY_FUNCTION.invoke_blocking(&event);
        assert_clean("a response", &format!("{} {response:?}", response.body));
    }
    assert_clean("IdentityFunction", &format!("{:?}", IDENTITY_FUNCTION));
}

/// Everything a finished child wrote to a pipe.
fn all_of(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    pipe.expect("a piped stream")
        .read_to_string(&mut text)
        .expect("the child's output");
    text
}

fn probe(secret: bool) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lambda-probe"));
    if secret {
        command.env("IDENTITY_WEBHOOK_SECRET", SECRET);
    }
    command
}

#[test]
fn the_running_binary_never_logs_or_prints_the_secrets() {
    // Local mode, every event, with verification on and off.
    for secret in [true, false] {
        for event in events() {
            let mut child = probe(secret)
                .arg("-")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(&event).unwrap();
            let output = child.wait_with_output().unwrap();
            assert_clean("local stdout", &String::from_utf8_lossy(&output.stdout));
            assert_clean("local stderr", &String::from_utf8_lossy(&output.stderr));
        }
    }

    // The Lambda Runtime API, with the production client context header too.
    let api = RuntimeApi::start();
    let mut child = api
        .environment(&mut probe(true))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let header = json!({"custom": {"netlify": netlify_context()}}).to_string();
    let events = events();
    for (index, event) in events.iter().enumerate() {
        api.push(Invocation {
            id: format!("i{index}"),
            event: String::from_utf8(event.clone()).unwrap(),
            client_context: Some(header.clone()),
            deadline_in: Duration::from_secs(30),
        });
    }
    for index in 0..events.len() {
        match api.next_posted(Duration::from_secs(60)).expect("an answer") {
            Posted::Response { id, body } | Posted::Error { id, body } => {
                assert_eq!(id, format!("i{index}"));
                assert_clean("a posted answer", &body);
            }
            Posted::InitError { body } => {
                assert_clean("an init error", &body);
                panic!("the setup failed: {body}");
            }
            Posted::Refused { id, size } => panic!("{id}: an answer of {size} bytes refused"),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let out = all_of(child.stdout.take());
    let err = all_of(child.stderr.take());
    assert!(
        err.contains("rejected (401)"),
        "the signature checks ran: {err}"
    );
    assert_clean("Runtime API stdout", &out);
    assert_clean("Runtime API stderr", &err);
}

#[test]
fn a_handler_logging_its_context_and_request_with_debug_logs_no_secret() {
    for format in ["Text", "JSON"] {
        let api = RuntimeApi::start();
        let mut child = api
            .environment(&mut probe(false))
            .env("PROBE_LOGS_WHAT_REACHED_IT", "1")
            .env("AWS_LAMBDA_LOG_FORMAT", format)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The admin token in the header's context, the caller's JWT in the request's headers.
        let event = json!({
            "httpMethod": "POST",
            "headers": {"authorization": format!("Bearer {CALLER_JWT}")},
            "body": sample_payload(EventKind::Login),
        });
        api.push(Invocation {
            id: "logged".into(),
            event: event.to_string(),
            client_context: Some(json!({"custom": {"netlify": netlify_context()}}).to_string()),
            deadline_in: Duration::from_secs(30),
        });
        assert_eq!(api.answer(Duration::from_secs(60), "logged").0, 200);
        let _ = child.kill();
        let _ = child.wait();
        let err = all_of(child.stderr.take());
        // The lines were written, with the context and the request in them.
        assert!(err.contains("what reached the probe"), "{format}: {err}");
        assert!(
            err.contains("what reached the probe, through log"),
            "{format}: {err}"
        );
        assert!(
            err.contains("https://site/.netlify/identity"),
            "{format}: {err}"
        );
        assert!(err.contains("authorization"), "{format}: {err}");
        assert_clean(&format!("{format} lines"), &err);
    }
}
