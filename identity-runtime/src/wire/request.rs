//! The raw request: the API-Gateway-like Lambda event Netlify invokes the function with.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::wire::error::InvocationError;
use crate::wire::signature::SIGNATURE_HEADER;

/// The header newer GoTrue builds send with the event's name, `identity_<event>`.
pub(crate) const EVENT_HEADER: &str = "x-netlify-event";

/// The platform's limit for a synchronous invocation's payload: 6 MB.
pub const MAX_BODY_BYTES: usize = 6 * 1024 * 1024;

/// Header names whose values are credentials; they never reach `Debug` output.
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "cookie",
    "x-webhook-signature",
    "x-nf-client-connection-ip",
];

/// The request as Netlify delivers it (docs/protocol.md, "The invocation"): method, path, headers,
/// query and body. Keys this type does not know are ignored.
///
/// Header names are lower-cased; header values that are JSON `null` (Netlify's CLI sends some)
/// are dropped; the signature or event header sent twice, under names that differ only in case,
/// is refused rather than one of the two picked. `Debug` hides credentials (`Authorization`,
/// `Cookie`, the webhook signature) and the request context, which carries the Identity admin
/// token.
///
/// ```
/// use identity_runtime::Request;
///
/// let request = Request::from_slice(br#"{
///     "httpMethod": "POST", "path": "/.netlify/functions/identity-signup",
///     "headers": {"Authorization": "Bearer secret-jwt", "X-Nf-Account-Id": null},
///     "body": "{}", "isBase64Encoded": false
/// }"#).unwrap();
/// assert_eq!(request.header("authorization"), Some("Bearer secret-jwt"));
/// assert!(!format!("{request:?}").contains("secret-jwt"));
/// ```
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The request path, `/.netlify/functions/<name>`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub path: String,
    /// The HTTP method; GoTrue always POSTs.
    #[serde(default, deserialize_with = "null_as_default")]
    pub http_method: String,
    /// Names lower-cased, in the order sent. A list, not a map: a handful of headers is looked
    /// up faster by scanning than by hashing.
    #[serde(default, deserialize_with = "headers")]
    headers: Vec<(String, String)>,
    /// Query parameters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub query_string_parameters: HashMap<String, String>,
    /// The body as sent: JSON text, or base64 when [`Request::is_base64_encoded`] is set.
    #[serde(default)]
    pub body: Option<String>,
    /// Whether `body` is base64.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_base64_encoded: bool,
    /// The full URL, when the sender gives it.
    #[serde(default)]
    pub raw_url: Option<String>,
    #[serde(default)]
    pub(crate) request_context: Option<Box<RawValue>>,
}

impl Request {
    /// Parses a Lambda event.
    ///
    /// # Errors
    /// [`InvocationError::NotAnEvent`] when the bytes are not a JSON object of the Lambda event's
    /// shape; the message names the offending key.
    pub fn from_slice(event: &[u8]) -> Result<Request, InvocationError> {
        if !starts_with_object(event) {
            return Err(InvocationError::NotAnEvent(
                "expected a JSON object with `httpMethod`, `headers` and `body`".into(),
            ));
        }
        crate::wire::error::parse_json(event).map_err(InvocationError::NotAnEvent)
    }

    /// The value of a header, by case-insensitive name (the last one, if a name came twice).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every header, names lower-cased.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The body's bytes, decoded from base64 when the request says it is base64.
    ///
    /// # Errors
    /// [`InvocationError::BodyMissing`] when there is no body or it is empty,
    /// [`InvocationError::InvalidBase64`] when a base64-flagged body does not decode.
    pub fn body_bytes(&self) -> Result<Cow<'_, [u8]>, InvocationError> {
        decode_body(self.body.as_deref(), self.is_base64_encoded)
    }

    /// The body as text: as sent, or decoded from base64 and checked to be UTF-8.
    ///
    /// # Errors
    /// As [`body_bytes`](Self::body_bytes), and [`InvocationError::BodyNotUtf8`].
    pub(crate) fn body_text(&self) -> Result<Cow<'_, str>, InvocationError> {
        match self.body_bytes()? {
            // Not base64: the body string itself, text already.
            Cow::Borrowed(_) => Ok(Cow::Borrowed(self.body.as_deref().unwrap_or_default())),
            Cow::Owned(bytes) => String::from_utf8(bytes).map(Cow::Owned).map_err(|err| {
                InvocationError::BodyNotUtf8 {
                    offset: err.utf8_error().valid_up_to(),
                }
            }),
        }
    }

    /// The request context's JSON text, where Netlify's local tooling puts the client context.
    pub(crate) fn request_context(&self) -> Option<&str> {
        self.request_context.as_deref().map(RawValue::get)
    }
}

/// A body as sent, decoded from base64 when flagged so; the 6 MB limit is checked first.
fn decode_body(body: Option<&str>, base64: bool) -> Result<Cow<'_, [u8]>, InvocationError> {
    let body = match body {
        Some(body) if !body.is_empty() => body,
        _ => return Err(InvocationError::BodyMissing),
    };
    // Refuse before decoding: base64 carries 3 bytes in 4 characters.
    let encoded_limit = if base64 {
        MAX_BODY_BYTES.div_ceil(3) * 4
    } else {
        MAX_BODY_BYTES
    };
    if body.len() > encoded_limit {
        return Err(InvocationError::BodyTooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    if base64 {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body.trim())
            .map_err(|err| InvocationError::InvalidBase64(err.to_string()))?;
        Ok(bytes.into())
    } else {
        Ok(body.as_bytes().into())
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: HashMap<&str, &str> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if SECRET_HEADERS.contains(&name.as_str()) {
                    "<redacted>"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("Request")
            .field("http_method", &self.http_method)
            .field("path", &self.path)
            .field("headers", &headers)
            .field("query_string_parameters", &self.query_string_parameters)
            .field("body", &self.body)
            .field("is_base64_encoded", &self.is_base64_encoded)
            .field(
                "request_context",
                &self.request_context.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Whether the first non-blank byte opens a JSON object: serde reads structs from arrays too, by
/// position, which no sender means.
pub(crate) fn starts_with_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Headers with lower-cased names and `null` values dropped; the signature or event header
/// twice is refused (naming the header, never a value).
fn headers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, String)>, D::Error> {
    struct HeadersVisitor;
    impl<'de> Visitor<'de> for HeadersVisitor {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of strings")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut headers: Vec<(String, String)> =
                Vec::with_capacity(map.size_hint().unwrap_or(8));
            while let Some(mut name) = map.next_key::<String>()? {
                let Some(value) = map.next_value::<Option<String>>()? else {
                    continue;
                };
                name.make_ascii_lowercase();
                let read = [SIGNATURE_HEADER, EVENT_HEADER].contains(&name.as_str());
                if read && headers.iter().any(|(seen, _)| *seen == name) {
                    return Err(de::Error::custom(format_args!("`{name}` is sent twice")));
                }
                headers.push((name, value));
            }
            Ok(headers)
        }
    }
    deserializer.deserialize_option(HeadersVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> Result<Request, InvocationError> {
        Request::from_slice(json.as_bytes())
    }

    #[test]
    fn reads_the_body_and_the_headers_whatever_their_case() {
        let request = request(
            r#"{"headers": {"X-Webhook-Signature": "jwt", "x-nf-account-id": null},
                "body": "{\"event\":\"signup\"}", "isBase64Encoded": false, "ignored": [1]}"#,
        )
        .unwrap();
        assert_eq!(request.header(SIGNATURE_HEADER), Some("jwt"));
        assert_eq!(request.header("X-NF-Account-Id"), None);
        assert_eq!(&*request.body_text().unwrap(), r#"{"event":"signup"}"#);
    }

    #[test]
    fn refuses_a_header_it_reads_sent_twice() {
        for (json, header) in [
            (
                r#"{"headers": {"x-webhook-signature": "a", "X-Webhook-Signature": "b"}}"#,
                SIGNATURE_HEADER,
            ),
            (
                r#"{"headers": {"X-Netlify-Event": "identity_signup", "x-netlify-event": "identity_login"}}"#,
                EVENT_HEADER,
            ),
        ] {
            let err = request(json).err().unwrap().to_string();
            assert!(err.contains(&format!("`{header}` is sent twice")), "{err}");
            assert!(!err.contains("identity_login"), "no value is echoed: {err}");
        }
        // A `null` beside a value is no second value.
        let once = r#"{"headers": {"X-Webhook-Signature": null, "x-webhook-signature": "s"}}"#;
        assert_eq!(request(once).unwrap().header(SIGNATURE_HEADER), Some("s"));
    }

    #[test]
    fn names_a_known_key_of_the_wrong_type() {
        for (json, key) in [
            (r#"{"headers": {"a": 1}, "body": "{}"}"#, "headers.a"),
            (
                r#"{"queryStringParameters": {"a": null}, "body": "{}"}"#,
                "queryStringParameters.a",
            ),
            (r#"{"path": 7, "body": "{}"}"#, "path"),
            (
                r#"{"body": "{}", "isBase64Encoded": "yes"}"#,
                "isBase64Encoded",
            ),
            (r#"{"body": "{}", "body": "{}"}"#, "body"),
        ] {
            let err = request(json).err().unwrap().to_string();
            assert!(err.contains(key), "{json}: {err}");
        }
    }

    #[test]
    fn a_base64_body_that_is_not_utf8_is_refused_naming_the_offset() {
        let err = request(r#"{"body": "e/8=", "isBase64Encoded": true}"#)
            .unwrap()
            .body_text()
            .unwrap_err();
        assert_eq!(err, InvocationError::BodyNotUtf8 { offset: 1 });
    }
}
