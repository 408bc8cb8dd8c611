//! The whole in-process path, raw Lambda event in and answer out, for every return form and
//! parameter kind: the status wiring GoTrue depends on.

use identity_runtime::{EventKind, IdentityFunction, Response, testing};
use serde_json::{Value, json};

fn sample(kind: EventKind) -> Vec<u8> {
    testing::lambda_event(&testing::sample_payload(kind))
}

fn answer(function: &'static IdentityFunction, event: &[u8]) -> (u16, Value) {
    let response: Response = function.invoke_blocking(event);
    let body = if response.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&response.body).expect("every non-empty body is JSON")
    };
    (response.status_code, body)
}

mod allow {
    use identity_runtime::{User, identity_event};
    #[identity_event(validate)]
    fn allow(_user: &User) {}
}

mod change {
    use identity_runtime::{MetadataChange, User, identity_event};
    #[identity_event(signup)]
    fn change(user: &User) -> MetadataChange {
        user.change().add_role("member").set_app("plan", "free")
    }
}

mod user_change {
    use identity_runtime::{MetadataChange, User, identity_event};
    #[identity_event(login)]
    async fn change(user: User) -> MetadataChange {
        user.into_change().set_user("seen", true)
    }
}

mod unchanged {
    use identity_runtime::{MetadataChange, User, identity_event};
    #[identity_event(signup)]
    fn unchanged(user: &User) -> MetadataChange {
        // Removing what is absent and setting a value the user already has are no edits.
        user.change()
            .remove_role("ghost")
            .remove_app("ghost")
            .remove_user("ghost")
            .set_user("full_name", "Test Person")
    }
}

mod deny {
    use identity_runtime::{Deny, User, identity_event};
    #[identity_event(validate)]
    fn deny(_user: &User) -> Deny {
        Deny::new("not today")
    }
}

mod result {
    use identity_runtime::{Deny, DenyStatus, MetadataChange, User, identity_event};
    #[identity_event(signup)]
    fn result(user: &User) -> Result<MetadataChange, Box<dyn std::error::Error>> {
        match user.email.split('@').next() {
            Some("io") => Err(std::io::Error::other("the CRM is down").into()),
            Some("deny") => Err(Deny::with_status(DenyStatus::UNPROCESSABLE_ENTITY, "no").into()),
            _ => Ok(user.change().add_role("member")),
        }
    }
}

mod typed_deny {
    use identity_runtime::{Deny, DenyStatus, User, identity_event};
    #[identity_event(signup)]
    fn typed(user: &User) -> Result<(), Deny> {
        if user.email.starts_with("deny") {
            return Err(Deny::with_status(
                DenyStatus::UNPROCESSABLE_ENTITY,
                "no name",
            ));
        }
        Ok(())
    }
}

mod empty_error {
    use identity_runtime::{User, identity_event};
    struct Silent;
    impl std::fmt::Display for Silent {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Ok(())
        }
    }
    #[identity_event(signup)]
    fn silent(_user: &User) -> Result<(), Silent> {
        Err(Silent)
    }
}

mod panics {
    use identity_runtime::{User, identity_event};
    #[identity_event(signup)]
    async fn panics(user: &User) {
        if user.email.starts_with("panic") {
            panic!("boom for {}", user.email);
        }
    }
}

mod misuse {
    use identity_runtime::{MetadataChange, User, identity_event};
    #[identity_event(signup)]
    fn misuse(user: &User) -> MetadataChange {
        user.change().set_app("roles", "admin")
    }
}

mod context {
    use identity_runtime::{ClientContext, IdentityEvent, MetadataChange, Request, identity_event};
    #[identity_event(login)]
    fn context(
        event: &IdentityEvent,
        context: Option<&ClientContext>,
        request: &Request,
    ) -> MetadataChange {
        let mut change = event.user.change();
        if let Some(context) = context {
            if let Some(identity) = &context.identity {
                change = change
                    .set_app("url", identity.url.clone())
                    .set_app("token_len", identity.token.expose().len());
            }
            if let Some(claims) = &context.user {
                change = change.set_app("sub", claims.sub.clone());
            }
        }
        if let Some(agent) = request.header("user-agent") {
            change = change.set_app("agent", agent);
        }
        change
    }
}

mod no_context_needed {
    use identity_runtime::{User, identity_event};
    #[identity_event(login)]
    fn ignores_context(_user: User) {}
}

mod with_state {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use identity_runtime::{MetadataChange, State, User, identity_event};

    pub(super) static SETUPS: AtomicUsize = AtomicUsize::new(0);

    pub(super) struct Config {
        role: String,
    }

    async fn load() -> Result<Config, std::convert::Infallible> {
        SETUPS.fetch_add(1, Ordering::SeqCst);
        Ok(Config {
            role: "from-setup".into(),
        })
    }

    #[identity_event(signup, setup = load)]
    fn with_state(user: &User, config: State<'_, Config>) -> MetadataChange {
        user.change().add_role(config.role.clone())
    }
}

mod failing_setup {
    use identity_runtime::{State, User, identity_event};
    fn load() -> Result<u32, String> {
        Err("no database".into())
    }
    #[identity_event(signup, setup = load)]
    fn never(_user: &User, _n: State<'_, u32>) {}
}

mod background {
    use identity_runtime::{User, identity_event};
    #[identity_event(signup, background)]
    fn background(user: &User) -> Result<(), std::io::Error> {
        if user.email.starts_with("fail") {
            return Err(std::io::Error::other("mail server down"));
        }
        Ok(())
    }
}

mod invocation_context {
    use std::sync::Mutex;

    use identity_runtime::{InvocationContext, User, identity_event};

    /// What the handler saw of its invocation.
    pub(crate) static SEEN: Mutex<Vec<InvocationContext>> = Mutex::new(Vec::new());

    #[identity_event(signup, background, deadline_ms = 5000)]
    async fn welcome(_user: &User, invocation: InvocationContext) {
        SEEN.lock().unwrap().push(invocation);
    }
}

mod own_keys {
    use identity_runtime::{MetadataChange, User, identity_event};
    #[identity_event(login)]
    fn own_keys(user: &User) -> MetadataChange {
        // Reads one of the site's own keys, and leaves them all as they are.
        let tier = user
            .app_metadata
            .other
            .get("plan")
            .and_then(|plan| plan.get("tier"));
        let role = if tier.and_then(|tier| tier.as_str()) == Some("pro") {
            "pro"
        } else {
            "free"
        };
        user.change().add_role(role)
    }
}

/// The sample login with `app_metadata` as the given JSON text, as Netlify sends it.
fn with_app_metadata(app_metadata: &str) -> Vec<u8> {
    let mut payload: Value =
        serde_json::from_str(&testing::sample_payload(EventKind::Login)).unwrap();
    payload["user"]["app_metadata"] = json!("@");
    testing::lambda_event(&payload.to_string().replace(r#""@""#, app_metadata))
}

fn with_email(kind: EventKind, email: &str) -> Vec<u8> {
    let mut payload: Value = serde_json::from_str(&testing::sample_payload(kind)).unwrap();
    payload["user"]["email"] = json!(email);
    testing::lambda_event(&payload.to_string())
}

#[test]
fn unit_allows_with_204_and_no_body() {
    let response = allow::IDENTITY_FUNCTION.invoke_blocking(&sample(EventKind::Validate));
    assert_eq!(response.status_code, 204);
    assert_eq!(response.body, "");
}

#[test]
fn a_change_answers_200_with_the_complete_object() {
    let (status, body) = answer(&change::IDENTITY_FUNCTION, &sample(EventKind::Signup));
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"app_metadata": {"provider": "email", "roles": ["member"], "plan": "free"}})
    );
}

/// A site's own `app_metadata` keys (nested, escaped, in any order, more than a few, a float),
/// however the payload's reader keeps them, are readable by the handler and answered unchanged
/// beside the role it adds.
#[test]
fn a_change_keeps_the_sites_own_app_metadata_keys() {
    let many: Vec<String> = (0..12).map(|n| format!(r#""k{n}": {n}"#)).collect();
    for own in [
        r#"{"plan": {"tier": "pro", "seats": 3}, "crm": "4f", "flags": [true, null, -1]}"#
            .to_owned(),
        r#"{"z": 1, "plan": {"tier": "pro"}, "crm": "4f-\"x\"", "\u00e9": "\u00e9"}"#.to_owned(),
        format!(
            r#"{{"plan": {{"tier": "free", "ratio": 0.25}}, "many": {{{}}}}}"#,
            many.join(", ")
        ),
    ] {
        let app_metadata = own.replacen('{', r#"{"provider": "github", "#, 1);
        let (status, body) = answer(
            &own_keys::IDENTITY_FUNCTION,
            &with_app_metadata(&app_metadata),
        );
        assert_eq!(status, 200, "{own}");
        let mut expected: Value = serde_json::from_str(&app_metadata).unwrap();
        let role = if expected["plan"]["tier"] == "pro" {
            "pro"
        } else {
            "free"
        };
        expected["roles"] = json!([role]);
        assert_eq!(body, json!({"app_metadata": expected}), "{own}");
    }
}

#[test]
fn an_edit_keeps_every_key_of_unusual_but_valid_app_metadata() {
    // Escaped and `\u` keys, deep nesting, `-0`, exponents as Go writes them, integers at the
    // edges of what JSON numbers carry here.
    let deep = format!("{}{}{}", "[".repeat(100), r#"{"end": -0}"#, "]".repeat(100));
    let app_metadata = format!(
        r#"{{"provider": "email", "a\"b": 1, "back\\slash": 2, "\u00e9t\u00e9": "\ud83d\ude00",
            "\n": "line\nbreak", "deep": {deep}, "zero": -0, "big": 1e+21, "small": 2.5E-3,
            "max": 1.7976931348623157e308, "i64": -9223372036854775808,
            "u64": 18446744073709551615, "plan": {{"tier": "free"}}}}"#
    );
    let (status, body) = answer(
        &own_keys::IDENTITY_FUNCTION,
        &with_app_metadata(&app_metadata),
    );
    assert_eq!(status, 200, "{body}");
    let mut expected: Value = serde_json::from_str(&app_metadata).unwrap();
    expected["roles"] = json!(["free"]);
    assert_eq!(body, json!({"app_metadata": expected}));
    let written = body["app_metadata"].to_string();
    assert!(
        written.contains(r#""zero":-0.0"#),
        "the sign of -0 is kept: {written}"
    );
    assert!(written.contains("18446744073709551615"), "{written}");
}

#[test]
fn only_edited_objects_are_sent() {
    let (status, body) = answer(&user_change::IDENTITY_FUNCTION, &sample(EventKind::Login));
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"user_metadata": {"full_name": "Test Person", "seen": true}})
    );
}

#[test]
fn an_unedited_change_answers_204() {
    let (status, body) = answer(&unchanged::IDENTITY_FUNCTION, &sample(EventKind::Signup));
    assert_eq!((status, body), (204, Value::Null));
}

#[test]
fn a_denial_answers_403_with_its_reason() {
    let (status, body) = answer(&deny::IDENTITY_FUNCTION, &sample(EventKind::Validate));
    assert_eq!(status, 403);
    assert_eq!(body, json!({"error": "denied", "message": "not today"}));
}

#[test]
fn results_deny_with_the_error() {
    let f = &result::IDENTITY_FUNCTION;
    let (status, body) = answer(f, &with_email(EventKind::Signup, "io@x.com"));
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"error": "denied", "message": "the CRM is down"})
    );
    // A boxed `Deny` keeps its status.
    let (status, body) = answer(f, &with_email(EventKind::Signup, "deny@x.com"));
    assert_eq!((status, &body["message"]), (422, &json!("no")));
    let (status, body) = answer(f, &sample(EventKind::Signup));
    assert_eq!(status, 200);
    assert_eq!(body["app_metadata"]["roles"], json!(["member"]));
}

#[test]
fn err_deny_keeps_its_status() {
    let f = &typed_deny::IDENTITY_FUNCTION;
    let (status, body) = answer(f, &with_email(EventKind::Signup, "deny@x.com"));
    assert_eq!(status, 422);
    assert_eq!(body["message"], "no name");
    assert_eq!(answer(f, &sample(EventKind::Signup)).0, 204);
}

#[test]
fn an_error_without_a_message_gets_one() {
    let (status, body) = answer(&empty_error::IDENTITY_FUNCTION, &sample(EventKind::Signup));
    assert_eq!(status, 500);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("empty message") && message.contains("Silent"),
        "{message}"
    );
}

#[test]
fn a_panic_is_a_500_and_the_next_invocation_is_served() {
    let f = &panics::IDENTITY_FUNCTION;
    let (status, body) = answer(f, &with_email(EventKind::Signup, "panic@x.com"));
    assert_eq!(status, 500);
    assert_eq!(body["error"], "fault");
    assert_eq!(
        body["message"],
        "the handler panicked: boom for panic@x.com"
    );
    assert_eq!(answer(f, &sample(EventKind::Signup)).0, 204);
}

#[test]
fn a_misused_change_is_a_fault_not_a_silent_write() {
    let (status, body) = answer(&misuse::IDENTITY_FUNCTION, &sample(EventKind::Signup));
    assert_eq!(status, 500);
    assert!(body["message"].as_str().unwrap().contains("add_role"));
}

#[test]
fn the_wrong_event_is_refused() {
    let (status, body) = answer(&change::IDENTITY_FUNCTION, &sample(EventKind::Login));
    assert_eq!(status, 400);
    assert_eq!(body["error"], "wrong_event");
    assert_eq!(
        body["message"],
        "event `login` was sent to identity-signup, which handles `signup` events"
    );
}

#[test]
fn base64_bodies_are_decoded() {
    use base64::Engine as _;
    let payload = testing::sample_payload(EventKind::Signup);
    let event = json!({
        "httpMethod": "POST",
        "body": base64::engine::general_purpose::STANDARD.encode(payload),
        "isBase64Encoded": true
    });
    let (status, _) = answer(&change::IDENTITY_FUNCTION, event.to_string().as_bytes());
    assert_eq!(status, 200);
    let bad = json!({"httpMethod": "POST", "body": "%%%", "isBase64Encoded": true});
    let (status, body) = answer(&change::IDENTITY_FUNCTION, bad.to_string().as_bytes());
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_base64"))
    );
}

#[test]
fn malformed_input_names_what_is_wrong() {
    let f = &change::IDENTITY_FUNCTION;
    let cases: [(&[u8], &str, &str); 6] = [
        (b"[]", "malformed_event", "expected a JSON object"),
        (br#"{"httpMethod":"POST"}"#, "body_missing", "no body"),
        (
            br#"{"httpMethod":"POST","body":""}"#,
            "body_missing",
            "no body",
        ),
        (
            br#"{"httpMethod":"POST","body":"not json"}"#,
            "invalid_payload",
            "expected a JSON object",
        ),
        (
            br#"{"httpMethod":"POST","body":"{\"event\":\"signup\"}"}"#,
            "invalid_payload",
            "missing field `user`",
        ),
        (
            br#"{"httpMethod":"POST","body":"{\"event\":\"signup\",\"user\":{}}"}"#,
            "invalid_payload",
            "at `user`",
        ),
    ];
    for (event, code, text) in cases {
        let (status, body) = answer(f, event);
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(event));
        assert_eq!(body["error"], code, "{body}");
        assert!(body["message"].as_str().unwrap().contains(text), "{body}");
        // The next good invocation is served.
        assert_eq!(answer(f, &sample(EventKind::Signup)).0, 200);
    }
}

fn claims() -> Value {
    json!({"sub": "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d", "email": "ada@example.com", "exp": 1_900_000_000})
}

#[test]
fn the_client_context_is_read_from_production_lambda_context() {
    let netlify =
        testing::encode_client_context("https://site/.netlify/identity", "tok3n", Some(claims()));
    let response = testing_runtime().block_on(
        context::IDENTITY_FUNCTION
            .invoke_with_client_context(&sample(EventKind::Login), Some(&netlify)),
    );
    let body: Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(
        body["app_metadata"]["url"],
        "https://site/.netlify/identity"
    );
    assert_eq!(body["app_metadata"]["token_len"], 5);
    assert_eq!(body["app_metadata"]["sub"], claims()["sub"]);
}

fn local_event(request_context: Value) -> Vec<u8> {
    json!({
        "httpMethod": "POST",
        "headers": {"User-Agent": "GoTrue", "X-Nf-Account-Id": null},
        "body": testing::sample_payload(EventKind::Login),
        "requestContext": request_context,
    })
    .to_string()
    .into_bytes()
}

#[test]
fn the_client_context_is_read_from_request_context_as_local_tooling_sends_it() {
    let netlify = testing::encode_client_context("https://local/.netlify/identity", "t", None);
    let (status, body) = answer(
        &context::IDENTITY_FUNCTION,
        &local_event(json!({"custom": {"netlify": netlify}})),
    );
    assert_eq!(status, 200);
    assert_eq!(
        body["app_metadata"]["url"],
        "https://local/.netlify/identity"
    );
    assert_eq!(body["app_metadata"]["agent"], "GoTrue");
    assert!(body["app_metadata"].get("sub").is_none());

    let (_, body) = answer(
        &context::IDENTITY_FUNCTION,
        &local_event(
            json!({"identity": {"url": "https://l/.netlify/identity", "token": "tt"}, "user": claims()}),
        ),
    );
    assert_eq!(body["app_metadata"]["url"], "https://l/.netlify/identity");
    assert_eq!(body["app_metadata"]["sub"], claims()["sub"]);

    // No context at all: the handler gets `None`.
    let (_, body) = answer(
        &context::IDENTITY_FUNCTION,
        &local_event(json!({"requestId": "x"})),
    );
    assert_eq!(
        body,
        json!({"app_metadata": {"provider": "email", "agent": "GoTrue"}})
    );
}

#[test]
fn a_broken_client_context_fails_only_handlers_that_ask_for_it() {
    let broken = local_event(json!({"custom": {"netlify": "***not base64***"}}));
    let (status, body) = answer(&context::IDENTITY_FUNCTION, &broken);
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_client_context");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not valid base64")
    );
    let not_json = local_event(json!({"custom": {"netlify": "bm90IGpzb24="}}));
    let (status, body) = answer(&context::IDENTITY_FUNCTION, &not_json);
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not the expected JSON")
    );
    assert_eq!(
        answer(&no_context_needed::IDENTITY_FUNCTION, &broken).0,
        204
    );
}

#[test]
fn setup_runs_once_and_is_shared() {
    use std::sync::atomic::Ordering;
    for _ in 0..3 {
        let (status, body) = answer(&with_state::IDENTITY_FUNCTION, &sample(EventKind::Signup));
        assert_eq!(status, 200);
        assert_eq!(body["app_metadata"]["roles"], json!(["from-setup"]));
    }
    assert_eq!(with_state::SETUPS.load(Ordering::SeqCst), 1);
}

#[test]
fn a_failing_setup_is_a_fault() {
    let (status, body) = answer(
        &failing_setup::IDENTITY_FUNCTION,
        &sample(EventKind::Signup),
    );
    assert_eq!(status, 500);
    assert_eq!(body["message"], "the setup function failed: no database");
}

#[test]
fn background_functions_are_named_and_answer() {
    let f = &background::IDENTITY_FUNCTION;
    assert_eq!(f.name(), "identity-signup-background");
    assert!(f.is_background());
    assert_eq!(
        serde_json::from_str::<Value>(&f.spec_json()).unwrap(),
        json!({"name": "identity-signup-background", "event": "signup", "background": true})
    );
    assert_eq!(answer(f, &sample(EventKind::Signup)).0, 204);
    assert_eq!(
        answer(f, &with_email(EventKind::Signup, "fail@x.com")).0,
        500
    );
}

#[test]
fn names_follow_the_convention() {
    assert_eq!(allow::IDENTITY_FUNCTION.name(), "identity-validate");
    assert_eq!(change::IDENTITY_FUNCTION.name(), "identity-signup");
    assert_eq!(context::IDENTITY_FUNCTION.name(), "identity-login");
    assert_eq!(context::IDENTITY_FUNCTION.event(), EventKind::Login);
    assert!(!context::IDENTITY_FUNCTION.is_background());
}

fn testing_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

#[test]
fn the_client_context_header_is_read_only_for_handlers_that_take_the_context() {
    // The runner's call, with a header that is not JSON: a handler that does not take the
    // context never reads it, and answers as without one.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let event = sample(EventKind::Validate);
    let (response, line) = runtime.block_on(allow::IDENTITY_FUNCTION.respond_lambda(
        "header",
        &event,
        Some(b"not json".as_slice()),
        None,
    ));
    assert_eq!(line, None);
    assert_eq!((response.status_code, response.body.as_str()), (204, ""));
}

#[test]
fn an_in_process_invocation_has_a_local_request_id_and_the_functions_own_deadline() {
    let before = std::time::Instant::now();
    let response =
        invocation_context::IDENTITY_FUNCTION.invoke_blocking(&sample(EventKind::Signup));
    assert_eq!(response.status_code, 204);
    let seen = invocation_context::SEEN.lock().unwrap().clone();
    let [invocation] = seen.as_slice() else {
        panic!("one call, seen {seen:?}");
    };
    assert_eq!(invocation.request_id(), "local");
    assert_eq!(invocation.function_name(), "identity-signup-background");
    assert!(invocation.is_background());
    assert!(!invocation.deadline_is_the_platforms());
    // `deadline_ms = 5000` from the invocation's start, which came after `before`.
    let deadline = invocation.deadline();
    assert!(deadline >= before + std::time::Duration::from_millis(5000));
    assert!(deadline <= std::time::Instant::now() + std::time::Duration::from_millis(5000));
}
