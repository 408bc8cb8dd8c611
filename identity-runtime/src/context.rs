//! The decoded client context: the Identity endpoint, its admin token and the caller's claims.
//!
//! In production it arrives as Lambda client context (`custom.netlify`, base64 of JSON); under
//! Netlify's local tooling it is merged into the event's `requestContext` (PROTOCOL.md, "The
//! client context"). Both places are read.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{InvocationError, parse_json_str, utf8};
use crate::metadata::AppMetadata;
use crate::strict::{StrictValue, insert_new, once};
use crate::text::Text;
use crate::user_metadata::UserMetadata;

mod decode;
mod scan;

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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// The user's `app_metadata` when the token was issued.
    #[serde(default)]
    pub app_metadata: Option<AppMetadata>,
    /// The user's `user_metadata` when the token was issued.
    #[serde(default)]
    pub user_metadata: Option<UserMetadata>,
    /// Every other claim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

// Written out rather than derived: `#[serde(flatten)]` buffers every claim before reading them
// again, and a derived struct would also take a JSON array, by position.
impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ClaimsVisitor)
    }
}

struct ClaimsVisitor;

impl<'de> Visitor<'de> for ClaimsVisitor {
    type Value = Claims;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of claims")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claims, A::Error> {
        let mut f = ClaimsFields::default();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "sub" => once(&mut f.sub, "sub", || map.next_value())?,
                "email" => once(&mut f.email, "email", || map.next_value())?,
                "exp" => once(&mut f.exp, "exp", || map.next_value())?,
                "aud" => once(&mut f.aud, "aud", || map.next_value())?,
                "app_metadata" => once(&mut f.app_metadata, "app_metadata", || map.next_value())?,
                "user_metadata" => {
                    once(&mut f.user_metadata, "user_metadata", || map.next_value())?
                }
                _ => {
                    let StrictValue(value) = map.next_value()?;
                    insert_new(&mut f.other, key, value)?;
                }
            }
        }
        f.finish().map_err(de::Error::missing_field)
    }
}

/// The claims as a reader finds them, each at most once: the serde visitor and the direct scan
/// (`scan`) fill the same slots and make the claims alike.
#[derive(Default)]
pub(crate) struct ClaimsFields {
    pub(crate) sub: Option<String>,
    pub(crate) email: Option<Option<String>>,
    pub(crate) exp: Option<Option<i64>>,
    pub(crate) aud: Option<Option<String>>,
    pub(crate) app_metadata: Option<Option<AppMetadata>>,
    pub(crate) user_metadata: Option<Option<UserMetadata>>,
    pub(crate) other: Map<String, Value>,
}

impl ClaimsFields {
    /// The claims, or the required claim missing (`sub`).
    // Inlined always, into the scan's reader too: callgrind counted 110 instructions more per
    // small invocation when LLVM left it a call.
    #[inline(always)]
    pub(crate) fn finish(self) -> Result<Claims, &'static str> {
        Ok(Claims {
            sub: self.sub.ok_or("sub")?,
            // `null` for an optional claim is the same as its absence.
            email: self.email.flatten(),
            exp: self.exp.flatten(),
            aud: self.aud.flatten(),
            app_metadata: self.app_metadata.flatten(),
            user_metadata: self.user_metadata.flatten(),
            other: self.other,
        })
    }
}

impl ClientContext {
    /// Decodes `custom.netlify`: base64 of the JSON `{"identity": {"url", "token"}, "user": {…}}`.
    ///
    /// # Errors
    /// [`InvocationError::ClientContext`] naming whether the base64 or the JSON is wrong.
    pub fn from_base64(netlify: &str) -> Result<ClientContext, InvocationError> {
        let json = decode::base64(netlify.trim()).ok_or_else(|| {
            InvocationError::ClientContext("`custom.netlify` is not valid base64".into())
        })?;
        utf8(&json)
            .and_then(|text| scan::client_context(text).map_or_else(|| parse_json_str(text), Ok))
            .map_err(|err| {
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

/// Whether the direct scan and serde_json agree on the decoded `custom.netlify` JSON:
/// `Ok(true)` when the scan answered and serde_json read the same, `Ok(false)` when the scan
/// left it to serde_json. For the tests and the `context` fuzz target.
///
/// # Errors
/// What differs, when the scan answered and serde_json read something else or refused.
pub(crate) fn scan_agrees(json: &[u8]) -> Result<bool, String> {
    let Ok(text) = std::str::from_utf8(json) else {
        return Ok(false);
    };
    crate::scanner::agrees(scan::client_context(text), || {
        parse_json_str::<ClientContext>(text)
    })
}

/// Whether the header's direct scan and serde_json agree on a `Lambda-Runtime-Client-Context`
/// header's `custom.netlify`, as [`scan_agrees`] does for the decoded context.
pub(crate) fn header_scan_agrees(header: &[u8]) -> Result<bool, String> {
    let Ok(text) = std::str::from_utf8(header) else {
        return Ok(false);
    };
    crate::scanner::agrees(scan::header_netlify(text), || header_netlify_by_serde(text))
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

/// The header's `custom.netlify`, if it has one: read by the direct scan, or by serde_json when
/// the scan is unsure, which then gives the answer or the error.
fn header_netlify(header: &[u8]) -> Result<Option<std::borrow::Cow<'_, str>>, InvocationError> {
    utf8(header)
        .and_then(|text| {
            scan::header_netlify(text).map_or_else(|| header_netlify_by_serde(text), Ok)
        })
        .map_err(|err| {
            InvocationError::ClientContext(format!(
                "the `Lambda-Runtime-Client-Context` header is not the expected JSON: {err}"
            ))
        })
}

fn header_netlify_by_serde(text: &str) -> Result<Option<std::borrow::Cow<'_, str>>, String> {
    let header: LambdaHeader<'_> = parse_json_str(text)?;
    Ok(header.custom.and_then(|custom| custom.netlify))
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
    use crate::generate::{self, Pick};

    fn agrees(json: &str) -> bool {
        scan_agrees(json.as_bytes()).unwrap_or_else(|err| panic!("{json}: {err}"))
    }

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

    #[test]
    fn the_header_scan_reads_what_serde_json_reads() {
        let netlify = r#""eyJpZGVudGl0eSI6e319""#;
        let values = [
            netlify,
            r#""a\/b\u0041""#,
            "null",
            "7",
            "[]",
            "{}",
            r#""unterminated"#,
        ];
        let mut headers = vec![
            String::new(),
            "null".to_owned(),
            "[]".to_owned(),
            "{}".to_owned(),
            r#"{"custom":null}"#.to_owned(),
            r#"{"custom":{}}"#.to_owned(),
            r#"{"custom":[]}"#.to_owned(),
            r#"{"custom":{},"custom":{}}"#.to_owned(),
            format!(r#"{{"custom":{{"netlify":{netlify},"netlify":{netlify}}}}}"#),
            format!(r#" {{ "custom" : {{ "netlify" : {netlify} }} }} "#),
            format!(r#"{{"custom":{{"netlify":{netlify}}}}} x"#),
            format!(
                r#"{{"custom":{{"netlify":{netlify}}},"client":{{"app_title":"x"}},"env":{{}}}}"#
            ),
            format!(r#"{{"custom":{{"other":[1,{{"a":null}}],"netlify":{netlify}}}}}"#),
            format!(r#"{{"cust\u006fm":{{"netlify":{netlify}}}}}"#),
        ];
        for value in values {
            headers.push(format!(r#"{{"custom":{{"netlify":{value}}}}}"#));
            headers.push(format!(r#"{{"custom":{{"netlify":{value},"x":1}}}}"#));
        }
        let mut scanned = 0;
        for header in &headers {
            // Whatever the scan leaves (serde also reads a struct from an array) serde_json
            // answers; whatever it answers must be serde_json's answer.
            if header_scan_agrees(header.as_bytes()).unwrap_or_else(|err| panic!("{header}: {err}"))
            {
                scanned += 1;
            }
        }
        assert!(
            scanned >= 10,
            "the scan answered {scanned} of {}",
            headers.len()
        );
        // The header Netlify sends is read by the scan.
        let sent = format!(r#"{{"custom":{{"netlify":{netlify}}}}}"#);
        assert_eq!(
            scan::header_netlify(&sent),
            Some(Some("eyJpZGVudGl0eSI6e319".into()))
        );
    }

    #[test]
    fn the_scan_reads_the_contexts_netlify_sends() {
        let endpoint = r#""identity":{"token":"eyJhbGciOiJIUzI1NiJ9.e30.c2ln","url":"https://example.netlify.app/.netlify/identity"}"#;
        for json in [
            format!("{{{endpoint}}}"),
            format!(
                r#"{{{endpoint},"user":{{"app_metadata":{{"provider":"email","roles":["admin"]}},"email":"ada@example.com","exp":1800000000,"sub":"1111a1a1-a11a-1111-aa11-aaa11111a11a","user_metadata":{{}}}}}}"#
            ),
            format!(
                r#"{{{endpoint},"user":{{"app_metadata":{{"provider":"github","plan":{{"tier":"pro"}}}},"aud":"","email":"ada@example.com","exp":1800000000,"iat":1799996400,"sub":"8c6f","user_metadata":{{"full_name":"Ada Lovelace"}}}}}}"#
            ),
            format!("{{ {endpoint} , \"user\" : null }}\n"),
            "{}".to_owned(),
        ] {
            assert!(agrees(&json), "the scan left {json} to serde_json");
        }
    }

    #[test]
    fn the_scan_leaves_what_it_is_unsure_of_to_serde_json() {
        for json in [
            // Keys given twice, at every level.
            r#"{"identity":null,"identity":null}"#,
            r#"{"identity":{"url":"u","url":"v","token":"t"}}"#,
            r#"{"user":{"sub":"s","sub":"s"}}"#,
            r#"{"user":{"sub":"s","iat":1,"iat":1}}"#,
            r#"{"user":{"sub":"s","app_metadata":{"plan":1,"plan":1}}}"#,
            r#"{"user":{"sub":"s","user_metadata":{"a":1,"a":2}}}"#,
            // Numbers serde_json does not read into an `i64`.
            r#"{"user":{"sub":"s","exp":-0}}"#,
            r#"{"user":{"sub":"s","exp":1.0}}"#,
            r#"{"user":{"sub":"s","exp":1e3}}"#,
            r#"{"user":{"sub":"s","exp":01}}"#,
            r#"{"user":{"sub":"s","exp":9223372036854775808}}"#,
            r#"{"user":{"sub":"s","exp":"1"}}"#,
            // Missing or mistyped fields.
            r#"{"identity":{"url":"u"}}"#,
            r#"{"identity":{"url":"u","token":null}}"#,
            r#"{"identity":["u","t"]}"#,
            r#"{"user":{"email":"e"}}"#,
            r#"{"user":{"sub":null}}"#,
            r#"{"user":{"sub":"s","app_metadata":{"roles":[null]}}}"#,
            r#"{"user":{"sub":"s","user_metadata":[]}}"#,
            // Not JSON, or not all of it.
            r#"{"identity":null,}"#,
            r#"{"identity":null} x"#,
            r#"{"user":{"sub":"a\ud800"}}"#,
            "[null, null]",
            "null",
        ] {
            assert!(!agrees(json), "the scan answered for {json}");
        }
        // The one number form it reads: the `i64` range's ends included.
        assert!(agrees(
            r#"{"user":{"sub":"s","exp":-9223372036854775808,"aud":null}}"#
        ));
        assert!(agrees(r#"{"user":{"sub":"s","exp":9223372036854775807}}"#));
    }

    /// Contexts put together from keys and values that are each valid or not, of the right
    /// type or not, at each level: the scan reads exactly the contexts serde_json reads, and the
    /// same.
    #[test]
    fn the_scan_agrees_with_serde_json_on_generated_contexts() {
        generate::check_scan(
            0x2545_f491_4f6c_dd1d,
            20_000,
            5,
            &mut |next| {
                let top = ["identity", "user", "other", "Identity"];
                generate::object(next, &[], &top, &mut value)
            },
            &|json| scan_agrees(json.as_bytes()),
            &|json| parse_json_str::<ClientContext>(json).is_ok(),
        );
    }

    /// A value for `key`, mostly of the type it wants.
    fn value(next: Pick<'_>, key: &str) -> String {
        let optional = |next: Pick<'_>| {
            if next(6) == 0 {
                "null".to_owned()
            } else {
                generate::string(next)
            }
        };
        match key {
            "identity" => generate::object(next, &["url", "token"], &["other"], &mut value),
            "user" => {
                let claims = [
                    "email",
                    "exp",
                    "aud",
                    "app_metadata",
                    "user_metadata",
                    "iat",
                ];
                let sub = ["sub", "s\\u0075b"][usize::from(next(4) == 0)];
                generate::object(next, &[sub], &claims, &mut value)
            }
            "app_metadata" => {
                let keys = ["provider", "roles", "plan"];
                generate::object(next, &[], &keys, &mut value)
            }
            "exp" => generate::mostly(
                next,
                &[
                    "0",
                    "12",
                    "-9223372036854775808",
                    "9223372036854775807",
                    "null",
                ],
                &["-0", "1e400", "01", "9223372036854775808", "-1.5e3", "1.0"],
            ),
            "roles" => generate::strings(next),
            "user_metadata" | "plan" => generate::mostly(
                next,
                &["{}", r#"{"full_name": "Ada"}"#, "{ }", "null"],
                &[r#"{"a": 1, "a": 2}"#, "[]"],
            ),
            "url" | "token" | "sub" | "s\\u0075b" => generate::string(next),
            "email" | "aud" | "provider" => optional(next),
            _ => generate::anything(next),
        }
    }
}
