//! The example binaries run as processes in local mode: the built-in sample, files, stdin,
//! both event shapes, the naming metadata, and usage errors.

#[path = "support/examples.rs"]
mod examples;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use examples::example;

use identity_runtime::{EventKind, testing};
use serde_json::{Value, json};

fn run(name: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(example(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The JSON body printed after the status line.
fn printed_body(output: &Output) -> Value {
    let text = stdout(output);
    let start = text
        .find('{')
        .unwrap_or_else(|| panic!("no body in {text}"));
    serde_json::from_str(&text[start..]).unwrap()
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("identity-local-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn the_sample_user_gets_roles_and_keeps_provider() {
    let output = run("signup_roles", &[], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("identity-signup answered 200"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        printed_body(&output),
        json!({"app_metadata": {"provider": "email", "roles": ["member", "editor"]}})
    );
}

#[test]
fn a_denial_exits_1_with_the_reason() {
    let mut payload: Value =
        serde_json::from_str(&testing::sample_payload(EventKind::Validate)).unwrap();
    payload["user"]["email"] = json!("throwaway@mailinator.com");
    let path = temp_file("denied.json", &payload.to_string());
    let output = run("validate_disposable", &[path.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("identity-validate answered 403 (denied)"));
    assert_eq!(
        printed_body(&output),
        json!({"error": "denied", "message": "disposable e-mail domain `mailinator.com`"})
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("identity-validate event=validate}: denied (403)"),
        "{stderr}"
    );
}

#[test]
fn a_full_lambda_event_is_read_from_stdin() {
    let event = String::from_utf8(testing::lambda_event(&testing::sample_payload(
        EventKind::Login,
    )))
    .unwrap();
    let output = run("login_record", &["-"], Some(&event));
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(printed_body(&output)["user_metadata"]["login_count"], 1);
}

#[test]
fn a_background_function_runs_locally() {
    let output = run("signup_background", &[], None);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).starts_with("identity-signup-background answered 204"));
}

#[test]
fn the_naming_metadata_is_printable() {
    let output = run("signup_background", &["--spec"], None);
    assert_eq!(output.status.code(), Some(0));
    let spec: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        spec,
        json!({"name": "identity-signup-background", "event": "signup", "background": true})
    );
    let output = run("validate_disposable", &["--sample"], None);
    let sample: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(sample["event"], "validate");
    assert_eq!(sample["user"]["update_at"], sample["user"]["created_at"]);
}

#[test]
fn bad_input_and_usage_errors_say_what_is_wrong() {
    let output = run(
        "signup_roles",
        &["-"],
        Some("{\"event\": \"signup\", \"user\": 7}"),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(printed_body(&output)["error"], "invalid_payload");

    let output = run("signup_roles", &["--frobnicate"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown option `--frobnicate`"));

    let output = run("signup_roles", &["/nonexistent/event.json"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot read `/nonexistent/event.json`")
    );

    let output = run("signup_roles", &["--help"], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("--spec"));
}
