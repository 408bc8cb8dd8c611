//! `x-webhook-signature` verification: HS256 only, `iss` gotrue, the body's SHA-256, `iat` in
//! the window; every refusal is a 401 before the handler runs, and names why.

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use identity_runtime::testing::{Signer, gotrue_payload, lambda_event, sample_payload};
use identity_runtime::{EventKind, User, Verification, identity_event};
use serde_json::{Value, json};

const SECRET: &str = "correct horse battery staple";

thread_local! {
    // Per thread: tests run in parallel, and `invoke_blocking` runs the handler on the caller's
    // thread.
    static CALLS: Cell<usize> = const { Cell::new(0) };
}

#[identity_event(signup)]
fn counted(_user: &User) {
    CALLS.with(|calls| calls.set(calls.get() + 1));
}

fn function() -> &'static identity_runtime::IdentityFunction {
    // Every test sets the same verification; the first one wins.
    let _ = IDENTITY_FUNCTION.set_verification(
        Verification::hs256(SECRET)
            .max_age(Duration::from_secs(300))
            .leeway(Duration::from_secs(30)),
    );
    &IDENTITY_FUNCTION
}

fn payload() -> String {
    sample_payload(EventKind::Signup)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn event_with_token(body: &str, token: Option<&str>) -> Vec<u8> {
    let mut event: Value = serde_json::from_slice(&lambda_event(body)).unwrap();
    if let Some(token) = token {
        event["headers"]["X-Webhook-Signature"] = json!(token);
    }
    event.to_string().into_bytes()
}

/// Answers the event, asserting a 401 whose message contains `reason`, and that the handler did
/// not run.
fn refused(event: &[u8], reason: &str) {
    let before = CALLS.with(Cell::get);
    let response = function().invoke_blocking(event);
    assert_eq!(response.status_code, 401, "{}", response.body);
    let body: Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(body["error"], "invalid_signature");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(reason), "`{message}` lacks `{reason}`");
    assert!(!response.body.contains(SECRET));
    assert_eq!(
        CALLS.with(Cell::get),
        before,
        "the handler ran for a refused request"
    );
}

fn token_with(claims: Value) -> String {
    Signer::new(SECRET).sign_claims(&claims)
}

fn hash(body: &str) -> String {
    use sha2::Digest as _;
    format!("{:x}", sha2::Sha256::digest(body.as_bytes()))
}

#[test]
fn a_correctly_signed_request_is_served() {
    let response = function().invoke_blocking(&Signer::new(SECRET).signed_event(&payload()));
    assert_eq!(response.status_code, 204, "{}", response.body);
    assert_eq!(CALLS.with(Cell::get), 1, "the handler ran once");
    // Inside the leeway, a little in the future or a little past the window, is accepted.
    for iat in [now() + 20, now() - 320] {
        let token = Signer::new(SECRET).sign_at(payload().as_bytes(), iat);
        let response = function().invoke_blocking(&event_with_token(&payload(), Some(&token)));
        assert_eq!(response.status_code, 204, "iat {iat}: {}", response.body);
    }
}

#[test]
fn a_token_as_gotrue_signs_it_is_valid_on_every_retry() {
    // GoTrue's claims exactly: no `exp`, `aud`, `nbf` or `jti`; `sub` the nil instance id of a
    // self-hosted GoTrue. Its body as Go writes it: `&` escaped as `\u0026`, `null` metadata.
    let body = gotrue_payload(EventKind::Signup).replace("ada@", r"ada\u0026co@");
    let token = token_with(json!({
        "iss": "gotrue",
        "sub": "00000000-0000-0000-0000-000000000000",
        "iat": now() - 10,
        "sha256": hash(&body),
    }));
    let before = CALLS.with(Cell::get);
    // The same token on each of GoTrue's immediate retries, its header name as Go writes it.
    for attempt in 1..=3 {
        let response = function().invoke_blocking(&event_with_token(&body, Some(&token)));
        assert_eq!(
            response.status_code, 204,
            "try {attempt}: {}",
            response.body
        );
    }
    assert_eq!(CALLS.with(Cell::get), before + 3);
}

#[test]
fn the_exact_body_bytes_are_hashed_even_when_sent_as_base64() {
    let body = payload();
    let token = Signer::new(SECRET).sign(body.as_bytes());
    let event = json!({
        "httpMethod": "POST",
        "headers": {"x-webhook-signature": token},
        "body": base64::engine::general_purpose::STANDARD.encode(&body),
        "isBase64Encoded": true,
    });
    let response = function().invoke_blocking(event.to_string().as_bytes());
    assert_eq!(response.status_code, 204, "{}", response.body);
    // One byte of difference (a space) is another body.
    refused(
        &event_with_token(&format!("{body} "), Some(&token)),
        "sha256 mismatch",
    );
}

#[test]
fn every_bad_signature_is_refused_with_its_reason() {
    let body = payload();
    refused(&lambda_event(&body), "no x-webhook-signature header");
    refused(
        &event_with_token(&body, Some("not a jwt")),
        "not a well-formed JWT",
    );
    let other_secret = Signer::new("another secret").sign(body.as_bytes());
    refused(
        &event_with_token(&body, Some(&other_secret)),
        "does not verify with the configured secret",
    );
    let wrong_issuer = token_with(json!({"iss": "someone", "iat": now(), "sha256": hash(&body)}));
    refused(
        &event_with_token(&body, Some(&wrong_issuer)),
        "issuer is not `gotrue`",
    );
    let no_issuer = token_with(json!({"iat": now(), "sha256": hash(&body)}));
    refused(
        &event_with_token(&body, Some(&no_issuer)),
        "no valid `iss` claim",
    );
    let no_hash = token_with(json!({"iss": "gotrue", "iat": now()}));
    refused(&event_with_token(&body, Some(&no_hash)), "sha256");
    let old = Signer::new(SECRET).sign_at(body.as_bytes(), now() - 400);
    refused(
        &event_with_token(&body, Some(&old)),
        "more than the 330 s allowed",
    );
    let future = Signer::new(SECRET).sign_at(body.as_bytes(), now() + 120);
    refused(&event_with_token(&body, Some(&future)), "in the future");
}

#[test]
fn only_hs256_is_accepted() {
    let body = payload();
    let encode =
        |value: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    let claims = encode(json!({"iss": "gotrue", "iat": now(), "sha256": hash(&body)}));
    // `alg: none`, with and without an empty signature part.
    for header in [json!({"alg": "none", "typ": "JWT"}), json!({"alg": "None"})] {
        let token = format!("{}.{claims}.", encode(header.clone()));
        refused(
            &event_with_token(&body, Some(&token)),
            "algorithm other than HS256",
        );
    }
    // HS512 with the right secret is still refused, and so is HS256 spelt otherwise.
    for (alg, token) in [("HS512", hs512(&claims)), ("hs256", hs512(&claims))] {
        let header = encode(json!({"alg": alg, "typ": "JWT"}));
        let (_, rest) = token.split_once('.').unwrap();
        refused(
            &event_with_token(&body, Some(&format!("{header}.{rest}"))),
            "algorithm other than HS256",
        );
    }
    // A signature part that is not base64url, and a token of two or four parts.
    let good = Signer::new(SECRET).sign(body.as_bytes());
    let (signed, _) = good.rsplit_once('.').unwrap();
    for token in [
        format!("{signed}.not*base64"),
        signed.to_owned(),
        format!("{good}.extra"),
    ] {
        refused(
            &event_with_token(&body, Some(&token)),
            "not a well-formed JWT",
        );
    }
}

/// A token whose signature is HMAC-SHA512 over an HS512 header and `claims` (base64url).
fn hs512(claims: &str) -> String {
    use hmac::Mac as _;
    let header =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"HS512","typ":"JWT"}"#);
    let input = format!("{header}.{claims}");
    let mut mac = hmac::Hmac::<sha2::Sha512>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    let signature =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{input}.{signature}")
}
