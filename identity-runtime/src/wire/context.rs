//! The decoded client context: the Identity endpoint, its admin token and the caller's claims.
//!
//! In production it arrives as Lambda client context (`custom.netlify`, base64 of JSON); under
//! Netlify's local tooling it is merged into the event's `requestContext` (docs/protocol.md,
//! "The client context"). Both places are read.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::app_metadata::AppMetadata;
use crate::model::strict::once;
use crate::model::text::Text;
use crate::model::user_metadata::UserMetadata;
use crate::wire::error::{InvocationError, parse_json_str, utf8};

/// What Netlify tells the function about the Identity instance and the caller.
///
/// ```
/// use identity_runtime::ClientContext;
///
/// let netlify = identity_runtime::testing::encode_client_context(
///     "https://example.netlify.app/.netlify/identity",
///     "admin-token",
///     Some(serde_json::json!({"sub": "1111a1a1-a11a-1111-aa11-aaa11111a11a", "email": "ada@example.com"})),
/// );
/// let context = ClientContext::from_base64(&netlify).unwrap();
/// let identity = context.identity.as_ref().unwrap();
/// assert_eq!(identity.token.expose(), "admin-token");
/// assert!(!format!("{context:?}").contains("admin-token"));
/// assert_eq!(context.user.unwrap().email.as_deref(), Some("ada@example.com"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ClientContext {
    /// The Identity endpoint and an admin token for it.
    #[serde(default)]
    pub identity: Option<IdentityEndpoint>,
    /// The claims of the caller's Identity JWT; present only when the request carried
    /// `Authorization: Bearer <jwt>`.
    #[serde(default)]
    pub user: Option<Claims>,
}

/// The GoTrue endpoint of the site and a short-lived admin token for it.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityEndpoint {
    /// The GoTrue endpoint, `https://<site>/.netlify/identity`.
    pub url: String,
    /// The admin token; a secret.
    pub token: AdminToken,
}

/// The Identity admin token. It never shows in `Debug` or `Display`; [`AdminToken::expose`]
/// is the one way to read it.
///
/// ```
/// use identity_runtime::AdminToken;
///
/// let token = AdminToken::new("s3cret");
/// assert_eq!(format!("{token:?}"), "AdminToken(<redacted>)");
/// assert_eq!(token.expose(), "s3cret");
/// ```
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct AdminToken(String);

impl AdminToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> AdminToken {
        AdminToken(token.into())
    }

    /// The token itself, for an `Authorization: Bearer` header to the Identity admin API.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// The claims of the caller's Identity JWT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user's e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Expiry, seconds since the epoch.
    #[serde(default)]
    pub exp: Option<i64>,
    /// The audience.
    #[serde(default)]
    pub aud: Option<String>,
    /// The user's `app_metadata` when the token was issued; `None` when absent or `null`.
    #[serde(default)]
    pub app_metadata: Option<AppMetadata>,
    /// The user's `user_metadata` when the token was issued; `None` when absent or `null`.
    #[serde(default)]
    pub user_metadata: Option<UserMetadata>,
    /// Every other claim (a claim twice is refused).
    #[serde(flatten, deserialize_with = "crate::model::strict::map")]
    pub other: Map<String, Value>,
}

impl ClientContext {
    /// Decodes `custom.netlify`: base64 of the JSON `{"identity": {"url", "token"}, "user": {…}}`.
    ///
    /// # Errors
    /// [`InvocationError::ClientContext`] naming whether the base64 or the JSON is wrong.
    pub fn from_base64(netlify: &str) -> Result<ClientContext, InvocationError> {
        let json = base64(netlify.trim()).ok_or_else(|| {
            InvocationError::ClientContext("`custom.netlify` is not valid base64".into())
        })?;
        utf8(&json).and_then(parse_json_str).map_err(|err| {
            InvocationError::ClientContext(format!(
                "`custom.netlify` is not the expected JSON: {err}"
            ))
        })
    }

    /// Reads the context from where it arrives: the production Lambda client context first
    /// (its `custom.netlify` value), else the event's `requestContext` as Netlify's local
    /// tooling sends it. `Ok(None)` when neither carries one.
    pub(crate) fn locate(
        lambda: LambdaContext<'_>,
        request_context: Option<&str>,
    ) -> Result<Option<ClientContext>, InvocationError> {
        match lambda {
            LambdaContext::Netlify(netlify) => {
                return ClientContext::from_base64(netlify).map(Some);
            }
            LambdaContext::Header(header) => {
                if let Some(netlify) = header_netlify(header)? {
                    return ClientContext::from_base64(&netlify).map(Some);
                }
            }
            LambdaContext::Absent => {}
        }
        let Some(raw) = request_context else {
            return Ok(None);
        };
        let local: LocalContext = parse_json_str(raw).map_err(|err| {
            InvocationError::ClientContext(format!(
                "`requestContext` is not the expected JSON: {err}"
            ))
        })?;
        if let Some(netlify) = local.custom.and_then(|custom| custom.netlify) {
            return ClientContext::from_base64(&netlify).map(Some);
        }
        if local.identity.is_none() && local.user.is_none() {
            return Ok(None);
        }
        Ok(Some(ClientContext {
            identity: local.identity,
            user: local.user,
        }))
    }
}

/// Decodes base64 as Netlify writes it (standard, padded), also accepting the URL-safe alphabet
/// and missing padding.
fn base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

/// serde's derive reads a struct from a JSON array too, by position; this visitor takes objects
/// only, so `["url", "token"]` is refused instead of taken for an endpoint. Other keys are
/// ignored.
struct EndpointVisitor;

impl<'de> Visitor<'de> for EndpointVisitor {
    type Value = IdentityEndpoint;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with `url` and `token`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdentityEndpoint, A::Error> {
        let mut url = None;
        let mut token = None;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "url" => once(&mut url, "url", || map.next_value())?,
                "token" => once(&mut token, "token", || map.next_value())?,
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(IdentityEndpoint {
            url: url.ok_or_else(|| de::Error::missing_field("url"))?,
            token: token.ok_or_else(|| de::Error::missing_field("token"))?,
        })
    }
}

impl<'de> Deserialize<'de> for IdentityEndpoint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EndpointVisitor)
    }
}

/// Where an invocation's Lambda client context is, as the runner or a caller hands it over.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LambdaContext<'e> {
    /// None came beside the event: read the event's `requestContext`.
    Absent,
    /// The `custom.netlify` value itself.
    Netlify(&'e str),
    /// The `Lambda-Runtime-Client-Context` header as the Runtime API hands it over, read only
    /// when a handler asks for the context.
    Header(&'e [u8]),
}

/// The `Lambda-Runtime-Client-Context` header: JSON `{"custom": {"netlify": "<base64>"}, …}`;
/// other keys (the mobile SDKs' `client` and `env`) are ignored.
#[derive(Deserialize)]
struct LambdaHeader<'a> {
    #[serde(default, borrow)]
    custom: Option<LambdaCustom<'a>>,
}

#[derive(Deserialize)]
struct LambdaCustom<'a> {
    #[serde(default, borrow)]
    netlify: Option<std::borrow::Cow<'a, str>>,
}

/// The header's `custom.netlify`, if it has one.
fn header_netlify(header: &[u8]) -> Result<Option<std::borrow::Cow<'_, str>>, InvocationError> {
    utf8(header)
        .and_then(|text| {
            let header: LambdaHeader<'_> = parse_json_str(text)?;
            Ok(header.custom.and_then(|custom| custom.netlify))
        })
        .map_err(|err| {
            InvocationError::ClientContext(format!(
                "the `Lambda-Runtime-Client-Context` header is not the expected JSON: {err}"
            ))
        })
}

/// `requestContext` as Netlify's local tooling fills it; other keys are ignored.
#[derive(Deserialize)]
struct LocalContext {
    #[serde(default)]
    custom: Option<LocalCustom>,
    #[serde(default)]
    identity: Option<IdentityEndpoint>,
    #[serde(default)]
    user: Option<Claims>,
    #[serde(flatten)]
    _rest: serde::de::IgnoredAny,
}

#[derive(Deserialize)]
struct LocalCustom {
    #[serde(default)]
    netlify: Option<String>,
    #[serde(flatten)]
    _rest: serde::de::IgnoredAny,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_headers_error_names_it_and_not_its_values() {
        for header in [
            r#"{"custom":"c2VjcmV0LXRva2Vu"}"#,
            r#"{"custom":{"netlify":["c2VjcmV0LXRva2Vu"]}}"#,
            r#"{"custom":{"netlify":"c2VjcmV0LXRva2Vu"},"custom":{}}"#,
            r#"{"custom":{"netlify":"c2VjcmV0LXRva2Vu"#,
        ] {
            let err = ClientContext::locate(LambdaContext::Header(header.as_bytes()), None)
                .expect_err(header)
                .to_string();
            assert!(
                err.contains("`Lambda-Runtime-Client-Context` header"),
                "{err}"
            );
            assert!(!err.contains("c2VjcmV0LXRva2Vu"), "{err}");
        }
    }
}
