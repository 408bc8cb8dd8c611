//! The raw request: the API-Gateway-like Lambda event Netlify invokes the function with.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::wire::error::InvocationError;

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
/// are dropped. `Debug` hides credentials (`Authorization`, `Cookie`, the webhook signature)
/// and the request context, which carries the Identity admin token.
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
    #[serde(default, deserialize_with = "headers")]
    headers: HashMap<String, String>,
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

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        match self.headers.get(name) {
            Some(value) => Some(value),
            None => self
                .headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str()),
        }
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
    pub fn body_bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>, InvocationError> {
        decode_body(self.body.as_deref(), self.is_base64_encoded)
    }
}

/// A body as sent, decoded from base64 when flagged so; the 6 MB limit is checked first.
pub(crate) fn decode_body(
    body: Option<&str>,
    base64: bool,
) -> Result<std::borrow::Cow<'_, [u8]>, InvocationError> {
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

/// Header maps with lower-cased names; `null` values (and `[null]` in multi-value form) dropped.
fn headers<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<HashMap<String, String>, D::Error> {
    let raw: Option<HashMap<String, Option<String>>> = Option::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(mut name, value)| {
            name.make_ascii_lowercase();
            Some((name, value?))
        })
        .collect())
}
