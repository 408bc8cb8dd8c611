//! Helpers for testing identity functions: sample users and events as Netlify sends them.

use base64::Engine as _;

use crate::model::event::EventKind;
use crate::model::user::User;

/// The user Netlify's CLI sends with `netlify functions:invoke identity-<event>`, including its
/// misspelt `update_at`.
const SAMPLE_USER: &str = r#"{"id":"1111a1a1-a11a-1111-aa11-aaa11111a11a","aud":"","role":"","email":"foo@trust-this-company.com","app_metadata":{"provider":"email"},"user_metadata":{"full_name":"Test Person"},"created_at":"2026-11-27T12:00:00.000Z","update_at":"2026-11-27T12:00:00.000Z"}"#;

/// The sample user, parsed.
///
/// ```
/// let user = identity_runtime::testing::sample_user();
/// assert_eq!(user.email, "foo@trust-this-company.com");
/// assert_eq!(user.app_metadata.provider.as_deref(), Some("email"));
/// ```
pub fn sample_user() -> User {
    // The sample is a constant of this crate, parsed by its own test below: not outside input.
    #[allow(clippy::expect_used)]
    serde_json::from_str(SAMPLE_USER).expect("the built-in sample user parses")
}

/// The sample payload `{"event": <event>, "user": <sample user>}` as JSON text.
///
/// ```
/// use identity_runtime::{EventKind, testing::sample_payload};
/// assert!(sample_payload(EventKind::Validate).starts_with(r#"{"event":"validate""#));
/// ```
pub fn sample_payload(event: EventKind) -> String {
    format!(r#"{{"event":"{}","user":{SAMPLE_USER}}}"#, event.as_str())
}

/// A payload as GoTrue's own code posts it for a user who signed up without `data`: its keys in
/// GoTrue's order (`event`, `instance_id`, `user`), the nil `instance_id` of a self-hosted GoTrue,
/// only the eight user keys it always sends, `"user_metadata": null`, and timestamps in the
/// server's zone with microseconds. Test a handler against it as well as the CLI's sample: a
/// function that refuses it refuses every such signup.
///
/// ```
/// use identity_runtime::{EventKind, IdentityEvent, testing::gotrue_payload};
///
/// let payload: IdentityEvent = serde_json::from_str(&gotrue_payload(EventKind::Validate)).unwrap();
/// assert!(payload.user.user_metadata.is_null() && payload.user.user_metadata.is_empty());
/// assert_eq!(payload.instance_id, Some(uuid::Uuid::nil()));
/// ```
pub fn gotrue_payload(event: EventKind) -> String {
    format!(
        r#"{{"event":"{}","instance_id":"00000000-0000-0000-0000-000000000000","user":{GOTRUE_USER}}}"#,
        event.as_str()
    )
}

/// A user as GoTrue's user type writes it when it has no `user_metadata` (`models/user.go`).
const GOTRUE_USER: &str = r#"{"id":"2c2a7a8e-5b1f-4c3e-9d6a-7f0e1b2c3d4e","aud":"","role":"","email":"ada@example.com","app_metadata":{"provider":"email"},"user_metadata":null,"created_at":"2026-12-06T05:10:11.123456+01:00","updated_at":"2026-12-06T05:10:11.123456+01:00"}"#;

/// Wraps a payload in the Lambda event Netlify invokes a function with: a POST whose body is
/// the payload.
///
/// ```
/// use identity_runtime::{EventKind, Request, testing};
/// let event = testing::lambda_event(&testing::sample_payload(EventKind::Signup));
/// let request = Request::from_slice(&event).unwrap();
/// assert_eq!(request.http_method, "POST");
/// ```
pub fn lambda_event(payload: &str) -> Vec<u8> {
    lambda_event_bytes(payload.as_bytes())
}

/// Like [`lambda_event`], for a payload that may not be UTF-8 (it is then sent as base64).
pub fn lambda_event_bytes(payload: &[u8]) -> Vec<u8> {
    let (body, base64) = match std::str::from_utf8(payload) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(payload),
            true,
        ),
    };
    serde_json::json!({
        "path": "/.netlify/functions/identity",
        "httpMethod": "POST",
        "headers": {"content-type": "application/json"},
        "queryStringParameters": {},
        "body": body,
        "isBase64Encoded": base64,
    })
    .to_string()
    .into_bytes()
}

/// Signs requests as GoTrue does, so functions can be tested with verification on.
///
/// `Debug` never shows the secret.
///
/// ```
/// use identity_runtime::{EventKind, testing::{Signer, sample_payload}};
///
/// let signer = Signer::new("s3cret");
/// let event = signer.signed_event(&sample_payload(EventKind::Signup));
/// assert!(String::from_utf8(event).unwrap().contains("x-webhook-signature"));
/// assert!(!format!("{signer:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct Signer {
    secret: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

impl Signer {
    /// A signer with the secret GoTrue signs with (`WEBHOOK_SECRET`).
    pub fn new(secret: impl AsRef<[u8]>) -> Signer {
        Signer {
            secret: secret.as_ref().to_vec(),
        }
    }

    /// The `x-webhook-signature` token for `body`, issued now.
    pub fn sign(&self, body: &[u8]) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        self.sign_at(body, i64::try_from(now).unwrap_or(i64::MAX))
    }

    /// The token for `body`, issued at `iat` (seconds since the epoch).
    pub fn sign_at(&self, body: &[u8], iat: i64) -> String {
        use sha2::Digest as _;
        let claims = serde_json::json!({
            "iss": "gotrue",
            "sub": "00000000-0000-0000-0000-000000000000",
            "iat": iat,
            "sha256": format!("{:x}", sha2::Sha256::digest(body)),
        });
        self.sign_claims(&claims)
    }

    /// A token with arbitrary claims, for testing refusals: the header GoTrue writes
    /// (`{"alg":"HS256","typ":"JWT"}`), the claims, and their HMAC-SHA256, each base64url.
    pub fn sign_claims(&self, claims: &serde_json::Value) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use hmac::Mac as _;
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        // HMAC takes a key of any length.
        let signature = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.secret)
            .map(|mut mac| {
                mac.update(signing_input.as_bytes());
                URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
            })
            .unwrap_or_default();
        format!("{signing_input}.{signature}")
    }

    /// [`lambda_event`] with the payload signed in `x-webhook-signature`.
    pub fn signed_event(&self, payload: &str) -> Vec<u8> {
        let token = self.sign(payload.as_bytes());
        serde_json::json!({
            "path": "/.netlify/functions/identity",
            "httpMethod": "POST",
            "headers": {"content-type": "application/json", "x-webhook-signature": token},
            "body": payload,
            "isBase64Encoded": false,
        })
        .to_string()
        .into_bytes()
    }
}

/// Encodes a client context as Netlify does for `custom.netlify`: base64 of
/// `{"identity": {"url", "token"}, "user": <claims>}`.
///
/// ```
/// let netlify = identity_runtime::testing::encode_client_context("https://x/.netlify/identity", "t", None);
/// let context = identity_runtime::ClientContext::from_base64(&netlify).unwrap();
/// assert!(context.user.is_none());
/// ```
pub fn encode_client_context(url: &str, token: &str, user: Option<serde_json::Value>) -> String {
    let mut context = serde_json::json!({"identity": {"url": url, "token": token}});
    if let Some(user) = user {
        context["user"] = user;
    }
    base64::engine::general_purpose::STANDARD.encode(context.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_user_parses_for_every_event() {
        for kind in crate::EventKind::ALL {
            let payload: crate::IdentityEvent =
                serde_json::from_str(&super::sample_payload(kind)).unwrap();
            assert_eq!(payload.user, super::sample_user());
        }
    }
}
