//! What the invocation path reads of the Lambda event, borrowed from it.
//!
//! Every invocation needs the body, the base64 flag, the signature and event headers and, when a
//! handler asks for the client context, the request context. They are read here by serde in one
//! pass over the event, borrowing what needs no unescaping; the other keys
//! [`Request`](crate::Request) knows are checked for their type in the same pass, so a malformed
//! event is refused whether or not a handler asks for the request. The owned
//! [`Request`](crate::Request) is built only for a handler that takes `&Request`.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::model::text::Text;
use crate::wire::error::InvocationError;
use crate::wire::request::decode_body;
use crate::wire::signature::SIGNATURE_HEADER;

/// The header newer GoTrue builds send with the event's name, `identity_<event>`.
pub(crate) const EVENT_HEADER: &str = "x-netlify-event";

/// What the invocation path reads of the event.
pub(crate) struct Envelope<'e> {
    body: Option<Cow<'e, str>>,
    is_base64_encoded: bool,
    signature: Option<Cow<'e, str>>,
    /// The `X-Netlify-Event` header, if sent.
    netlify_event: Option<Cow<'e, str>>,
    /// The request context's JSON text, for the client context.
    pub(crate) request_context: Option<&'e str>,
}

/// The signature and the request context (which carries the admin token under Netlify's CLI)
/// are credentials: only their lengths show. The body shows as its text, however it is kept.
impl fmt::Debug for Envelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("body", &self.body)
            .field("is_base64_encoded", &self.is_base64_encoded)
            .field(
                "signature",
                &self
                    .signature
                    .as_ref()
                    .map(|value| format!("<redacted, {} bytes>", value.len())),
            )
            .field("netlify_event", &self.netlify_event)
            .field(
                "request_context",
                &self
                    .request_context
                    .map(|raw| format!("<redacted, {} bytes>", raw.len())),
            )
            .finish()
    }
}

/// The event as serde_json reads it. Unknown keys are ignored, as `Request` ignores them; a
/// known key given twice is refused (serde's derive).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire<'e> {
    #[expect(dead_code, reason = "checked for its type, not read")]
    #[serde(default)]
    path: Option<IsStr>,
    #[expect(dead_code, reason = "checked for its type, not read")]
    #[serde(default)]
    http_method: Option<IsStr>,
    #[serde(default, borrow)]
    headers: Option<Headers<'e>>,
    #[expect(dead_code, reason = "checked for its type, not read")]
    #[serde(default)]
    query_string_parameters: Option<StrMap>,
    #[serde(default, borrow)]
    body: Option<Text<'e>>,
    #[serde(default)]
    is_base64_encoded: Option<bool>,
    #[expect(dead_code, reason = "checked for its type, not read")]
    #[serde(default)]
    raw_url: Option<IsStr>,
    #[serde(default, borrow)]
    request_context: Option<&'e RawValue>,
}

impl<'e> From<Wire<'e>> for Envelope<'e> {
    fn from(wire: Wire<'e>) -> Self {
        let (signature, netlify_event) = wire
            .headers
            .map_or((None, None), |headers| (headers.signature, headers.event));
        Envelope {
            body: wire.body.map(|body| body.0),
            is_base64_encoded: wire.is_base64_encoded.unwrap_or(false),
            signature: signature.map(|value| value.0),
            netlify_event: netlify_event.map(|value| value.0),
            request_context: wire.request_context.map(RawValue::get),
        }
    }
}

impl<'e> Envelope<'e> {
    /// Parses the event.
    ///
    /// # Errors
    /// [`InvocationError::NotAnEvent`], naming the offending key, when the bytes are not a JSON
    /// object of the Lambda event's shape.
    pub(crate) fn from_slice(event: &'e [u8]) -> Result<Envelope<'e>, InvocationError> {
        if !crate::wire::request::starts_with_object(event) {
            return Err(InvocationError::NotAnEvent(
                "expected a JSON object with `httpMethod`, `headers` and `body`".into(),
            ));
        }
        crate::wire::error::parse_json::<Wire<'e>>(event)
            .map(Envelope::from)
            .map_err(InvocationError::NotAnEvent)
    }

    /// The body's bytes, decoded from base64 when the event says it is base64.
    ///
    /// # Errors
    /// As [`Request::body_bytes`](crate::Request::body_bytes).
    pub(crate) fn body_bytes(&self) -> Result<Cow<'_, [u8]>, InvocationError> {
        let (string, decoded) = self.decoded_body()?;
        Ok(match (decoded, string) {
            (Some(bytes), _) => Cow::Owned(bytes),
            (None, Cow::Borrowed(text)) => Cow::Borrowed(text.as_bytes()),
            (None, Cow::Owned(text)) => Cow::Owned(text.into_bytes()),
        })
    }

    /// The body as text: as sent, or decoded from base64 and checked to be UTF-8. (A body sent
    /// as a JSON string is text already; it is not checked twice.)
    ///
    /// # Errors
    /// As [`body_bytes`](Self::body_bytes), and [`InvocationError::BodyNotUtf8`].
    pub(crate) fn body_text(&self) -> Result<Cow<'_, str>, InvocationError> {
        match self.decoded_body()? {
            (string, None) => Ok(string),
            (_, Some(bytes)) => String::from_utf8(bytes).map(Cow::Owned).map_err(|err| {
                InvocationError::BodyNotUtf8 {
                    offset: err.utf8_error().valid_up_to(),
                }
            }),
        }
    }

    /// The body string's value, and the bytes decoded from it when it is base64: checked for
    /// presence and size by [`decode_body`].
    fn decoded_body(&self) -> Result<(Cow<'_, str>, Option<Vec<u8>>), InvocationError> {
        let string = self.body.as_deref();
        let decoded = match decode_body(string, self.is_base64_encoded)? {
            Cow::Borrowed(_) => None,
            Cow::Owned(bytes) => Some(bytes),
        };
        Ok((Cow::Borrowed(string.unwrap_or_default()), decoded))
    }

    /// The `x-webhook-signature` header, if sent.
    pub(crate) fn signature(&self) -> Option<&str> {
        self.signature.as_deref()
    }

    /// The `X-Netlify-Event` header (`identity_<event>`), if sent.
    pub(crate) fn netlify_event(&self) -> Option<&str> {
        self.netlify_event.as_deref()
    }
}

/// A string whose value is not needed here: checked for its type, not kept.
struct IsStr;

impl<'de> Deserialize<'de> for IsStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IsStrVisitor;
        impl Visitor<'_> for IsStrVisitor {
            type Value = IsStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, _: &str) -> Result<IsStr, E> {
                Ok(IsStr)
            }
        }
        deserializer.deserialize_str(IsStrVisitor)
    }
}

/// An object of strings, checked for its type, not kept: the query parameters.
struct StrMap;

impl<'de> Deserialize<'de> for StrMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrMapVisitor;
        impl<'de> Visitor<'de> for StrMapVisitor {
            type Value = StrMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrMap, A::Error> {
                while map.next_entry::<IsStr, IsStr>()?.is_some() {}
                Ok(StrMap)
            }
        }
        deserializer.deserialize_map(StrMapVisitor)
    }
}

/// The headers: an object of strings (or `null`, which Netlify's CLI sends for some), checked
/// for their type; only the signature and the event header are kept. Names compare
/// case-insensitively, as [`Request::header`](crate::Request::header) does; either sent twice is
/// refused rather than one of the two picked.
struct Headers<'e> {
    signature: Option<Text<'e>>,
    event: Option<Text<'e>>,
}

impl<'de: 'e, 'e> Deserialize<'de> for Headers<'e> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeadersVisitor<'e>(std::marker::PhantomData<&'e ()>);
        impl<'de: 'e, 'e> Visitor<'de> for HeadersVisitor<'e> {
            type Value = Headers<'e>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Headers<'e>, A::Error> {
                let mut signature = None;
                let mut event = None;
                while let Some(name) = map.next_key::<Text<'e>>()? {
                    let (slot, header) = if name.0.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                        (&mut signature, SIGNATURE_HEADER)
                    } else if name.0.eq_ignore_ascii_case(EVENT_HEADER) {
                        (&mut event, EVENT_HEADER)
                    } else {
                        map.next_value::<Option<IsStr>>()?;
                        continue;
                    };
                    let value: Option<Text<'e>> = map.next_value()?;
                    if value.is_some() && slot.is_some() {
                        return Err(de::Error::custom(format_args!("`{header}` is sent twice")));
                    }
                    if slot.is_none() {
                        *slot = value;
                    }
                }
                Ok(Headers { signature, event })
            }
        }
        deserializer.deserialize_map(HeadersVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(json: &str) -> Result<Envelope<'_>, InvocationError> {
        Envelope::from_slice(json.as_bytes())
    }

    #[test]
    fn reads_the_body_and_the_signature_whatever_the_header_case() {
        let event = envelope(
            r#"{"headers": {"X-Webhook-Signature": "jwt", "x-nf-account-id": null},
                "body": "{\"event\":\"signup\"}", "isBase64Encoded": false, "ignored": [1]}"#,
        )
        .unwrap();
        assert_eq!(event.signature(), Some("jwt"));
        assert_eq!(&*event.body_bytes().unwrap(), br#"{"event":"signup"}"#);
    }

    #[test]
    fn refuses_a_signature_sent_twice() {
        let err = envelope(r#"{"headers": {"x-webhook-signature": "a", "X-Webhook-Signature": "b"}, "body": "{}"}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("sent twice"), "{err}");
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
            let err = envelope(json).err().unwrap().to_string();
            assert!(err.contains(key), "{json}: {err}");
        }
    }
}
