//! What the invocation path reads of the Lambda event, borrowed from it.
//!
//! Every invocation needs the body, the base64 flag, the signature header and, when a handler
//! asks for the client context, the request context. They are read here in one pass over the
//! event, without copying what can be borrowed; the other keys [`Request`](crate::Request) knows
//! are checked for their type in the same pass, so a malformed event is refused whether or not
//! a handler asks for the request. The owned [`Request`](crate::Request) is built only for a
//! handler that takes `&Request`.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::InvocationError;
use crate::request::decode_body;
use crate::scanner::Scanner;
use crate::signature::SIGNATURE_HEADER;
use crate::text::Text;

pub(crate) mod scan;

/// The header newer GoTrue builds send with the event's name, `identity_<event>`.
pub(crate) const EVENT_HEADER: &str = "x-netlify-event";

/// What the invocation path reads of the event.
pub(crate) struct Envelope<'e> {
    body: Option<Body<'e>>,
    is_base64_encoded: bool,
    signature: Option<Cow<'e, str>>,
    /// The `X-Netlify-Event` header, if sent.
    netlify_event: Option<Cow<'e, str>>,
    /// The request context's JSON text, for the client context.
    pub(crate) request_context: Option<&'e str>,
}

/// The body string of the event.
pub(crate) enum Body<'e> {
    /// Its text.
    Text(Cow<'e, str>),
    /// Its contents as they stand in the event between its quotes, where the payload was read
    /// in place (see [`scan::scan_with`]): its quotes and backslashes still escaped, and no other
    /// escapes. Unescaped when the text is wanted.
    InString(&'e str),
}

/// Two readings are equal when they read the same: the body by its text, however it is kept.
impl PartialEq for Envelope<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.body_string().ok() == other.body_string().ok()
            && self.is_base64_encoded == other.is_base64_encoded
            && self.signature == other.signature
            && self.netlify_event == other.netlify_event
            && self.request_context == other.request_context
    }
}

/// The signature and the request context (which carries the admin token under Netlify's CLI)
/// are credentials: only their lengths show. The body shows as its text, however it is kept.
impl fmt::Debug for Envelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("body", &self.body_string().ok().flatten())
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
            body: wire.body.map(|body| Body::Text(body.0)),
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
        Self::reading_body(event, |_| None::<()>).map(|(envelope, _)| envelope)
    }

    /// Parses the event, and reads the body's text with `read_body` where it stands in the
    /// event, before unescaping it, when it can (see [`scan::scan_with`]): `read_body`'s answer
    /// is then what it would answer for the body's text.
    ///
    /// # Errors
    /// As [`from_slice`](Self::from_slice).
    pub(crate) fn reading_body<T>(
        event: &'e [u8],
        read_body: impl FnOnce(&mut Scanner<'e, true>) -> Option<T>,
    ) -> Result<(Envelope<'e>, Option<T>), InvocationError> {
        if !crate::request::starts_with_object(event) {
            return Err(InvocationError::NotAnEvent(
                "expected a JSON object with `httpMethod`, `headers` and `body`".into(),
            ));
        }
        let text = crate::error::utf8(event).map_err(InvocationError::NotAnEvent)?;
        match scan::scan_with(text, read_body) {
            Some(scanned) => Ok(scanned),
            None => Self::read_with_serde(text).map(|envelope| (envelope, None)),
        }
    }

    /// The event read by serde_json: every answer the scan leaves, and every error.
    pub(crate) fn read_with_serde(event: &'e str) -> Result<Envelope<'e>, InvocationError> {
        crate::error::parse_json_str::<Wire<'e>>(event)
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
        let string = self.body_string()?;
        let decoded = match decode_body(string.as_deref(), self.is_base64_encoded)? {
            Cow::Borrowed(_) => None,
            Cow::Owned(bytes) => Some(bytes),
        };
        Ok((string.unwrap_or_default(), decoded))
    }

    /// The body string's value, if sent.
    fn body_string(&self) -> Result<Option<Cow<'_, str>>, InvocationError> {
        match &self.body {
            None => Ok(None),
            Some(Body::Text(text)) => Ok(Some(Cow::Borrowed(text))),
            Some(Body::InString(raw)) => crate::scanner::unquote(raw).map(Some).ok_or_else(|| {
                // The payload's read in place found no other escapes: never seen.
                InvocationError::NotAnEvent("the body's escapes could not be read".into())
            }),
        }
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

/// Whether the direct scan and serde_json agree on `event`: `Ok(true)` when the scan answered
/// and serde_json read the same, `Ok(false)` when the scan left it to serde_json. For the tests
/// and the `envelope` fuzz target.
///
/// # Errors
/// What differs, when the scan answered and serde_json read something else or refused.
pub(crate) fn scan_agrees(event: &[u8]) -> Result<bool, String> {
    let Ok(text) = std::str::from_utf8(event) else {
        return Ok(false);
    };
    crate::scanner::agrees(scan::scan(text), || {
        Envelope::read_with_serde(text).map_err(|err| err.to_string())
    })
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
    fn the_scan_reads_the_events_netlify_sends() {
        let payload = crate::testing::sample_payload(crate::EventKind::Signup);
        for event in [
            crate::testing::lambda_event(&payload),
            crate::testing::Signer::new("s3cret").signed_event(&payload),
            serde_json::json!({
                "path": "/.netlify/functions/identity-signup", "httpMethod": "POST",
                "headers": {"content-type": "application/json", "x-nf-account-id": null},
                "multiValueHeaders": {"accept": ["*/*"]}, "queryStringParameters": {},
                "multiValueQueryStringParameters": {}, "body": payload, "isBase64Encoded": false,
                "rawUrl": "https://example.netlify.app/.netlify/functions/identity-signup",
                "rawQuery": "", "requestContext": {"identity": {"url": "u", "token": "t"}}
            })
            .to_string()
            .into_bytes(),
        ] {
            assert_eq!(
                scan_agrees(&event),
                Ok(true),
                "{}",
                String::from_utf8_lossy(&event)
            );
        }
    }

    #[test]
    fn the_scan_agrees_with_serde_json_or_leaves_the_event_to_it() {
        let cases = [
            r#"{}"#,
            r#" { "body" : null , "isBase64Encoded" : null } "#,
            r#"{"body": "{\"a\":\"\u00e9\ud83d\ude00\"}\n\t\/\b\f\r"}"#,
            r#"{"body": "\ud83d"}"#,
            r#"{"body": "\ude00"}"#,
            r#"{"body": "\ud83d\u0041"}"#,
            r#"{"body": "\x"}"#,
            "{\"body\": \"a\u{1}b\"}",
            r#"{"body": "é ü 😀", "bo\u0064y": "x"}"#,
            r#"{"body": "a", "body": "b"}"#,
            r#"{"headers": {"X-Webhook-Signature": null, "x-webhook-signature": "s"}}"#,
            r#"{"headers": {"x-webhook-signature": "s", "X-WEBHOOK-SIGNATURE": null}}"#,
            r#"{"headers": {"x-webhook-signature": "s", "X-WEBHOOK-SIGNATURE": "t"}}"#,
            r#"{"headers": {"a": 1}}"#,
            r#"{"headers": []}"#,
            r#"{"queryStringParameters": {"a": "b", "c": null}}"#,
            r#"{"requestContext": null, "x": [1, -0.5e+3, 0, -0, 1E9, true, false, null, {"k": "\u12Ab"}]}"#,
            r#"{"requestContext": {"a": [[[[]]]]}}"#,
            r#"{"x": 01}"#,
            r#"{"x": 1.}"#,
            r#"{"x": -}"#,
            r#"{"x": .5}"#,
            r#"{"x": 1e}"#,
            r#"{"x": tru}"#,
            r#"{"x": "\u12G4"}"#,
            r#"{"x": [1,]}"#,
            r#"{"x": {"a" 1}}"#,
            r#"{"body": "a",}"#,
            r#"{"body": "a"} x"#,
            r#"{"body": "a"}  "#,
            r#"[]"#,
            r#""#,
            r#"{"isBase64Encoded": "true"}"#,
            r#"{"path": 1}"#,
        ];
        for case in cases {
            assert!(
                scan_agrees(case.as_bytes()).is_ok(),
                "{case}: {:?}",
                scan_agrees(case.as_bytes())
            );
        }
        for case in [
            cases[1], cases[2], cases[10], cases[11], cases[16], cases[17], cases[29],
        ] {
            assert_eq!(
                scan_agrees(case.as_bytes()),
                Ok(true),
                "the scan should read {case}"
            );
        }
        let deep = format!(r#"{{"x": {}1{}}}"#, "[".repeat(200), "]".repeat(200));
        assert_eq!(
            scan_agrees(deep.as_bytes()),
            Ok(false),
            "deep nesting is serde_json's"
        );
    }

    /// Events put together from fragments, valid and not, in many orders: wherever the scan
    /// answers, serde_json answers the same.
    #[test]
    fn the_scan_agrees_with_serde_json_on_generated_events() {
        const KEYS: [&str; 12] = [
            "body",
            "isBase64Encoded",
            "headers",
            "requestContext",
            "path",
            "httpMethod",
            "rawUrl",
            "queryStringParameters",
            "multiValueHeaders",
            "other",
            "Body",
            "bo\\dy",
        ];
        const VALUES: [&str; 24] = [
            r#""plain""#,
            r#""{\"event\":\"signup\"}""#,
            r#""\u00e9\ud83d\ude00""#,
            r#""\ud800""#,
            r#""tab\there""#,
            r#""\q""#,
            "null",
            "true",
            "false",
            "0",
            "-1.5e3",
            "01",
            r#"{"x-webhook-signature": "sig"}"#,
            r#"{"X-Webhook-Signature": null}"#,
            r#"{"a": "b", "c": null}"#,
            r#"{"a": 1}"#,
            "[]",
            "[1, [2, {\"k\": []}]]",
            "{}",
            r#"{"identity": {"url": "u", "token": "t"}}"#,
            r#""ctl\u0001""#,
            "[1,]",
            r#""é😀""#,
            r#"{"x-webhook-signature": "a", "x-webhook-signature": "b"}"#,
        ];
        const SPACES: [&str; 4] = ["", " ", "\n\t", "\r "];
        let mut next = crate::picker::picker(0x9e37_79b9_7f4a_7c15);
        let (mut scanned, mut total) = (0, 0);
        for _ in 0..20_000 {
            let mut event = String::from("{");
            for member in 0..next(5) {
                if member > 0 {
                    event.push(',');
                }
                event.push_str(SPACES[next(4)]);
                event.push_str(&format!(r#""{}""#, KEYS[next(KEYS.len())]));
                event.push_str(SPACES[next(4)]);
                event.push(':');
                event.push_str(VALUES[next(VALUES.len())]);
            }
            event.push('}');
            if next(20) == 0 {
                event.push_str([" x", ",", "}"][next(3)]);
            }
            total += 1;
            match scan_agrees(event.as_bytes()) {
                Ok(true) => scanned += 1,
                Ok(false) => {}
                Err(err) => panic!("{event}: {err}"),
            }
        }
        assert!(
            scanned * 4 > total,
            "the scan answered only {scanned} of {total}"
        );
    }

    /// Long bodies, where the scan unescapes 64 bytes at a time: escapes at every offset of a
    /// block and across its end, escaped backslashes before quotes, `\u` escapes, bytes its
    /// quick test flags falsely (`#` after a quote, `]` after a backslash), control characters
    /// and invalid escapes. Valid ones the scan must read, each as serde_json does.
    #[test]
    fn the_scan_unescapes_long_bodies_as_serde_json_does() {
        // As they appear inside the event's body string, escaped once more.
        const PIECES: [&str; 14] = [
            "a",
            "plain text ",
            "\\\"",
            "\\\\",
            "\\\\\\\"",
            "\\n\\t\\/",
            "\\\"#",
            "\\\\]n",
            "\\u00e9",
            "\\ud83d\\ude00",
            "é",
            "😀",
            "]]]",
            "#\\\"",
        ];
        const INVALID: [&str; 4] = ["\u{1}", "\\x", "\\ud800", "\u{1f}"];
        let mut next = crate::picker::picker(0x2545_f491_4f6c_dd1d);
        let mut scanned = 0;
        for round in 0..4_000 {
            let mut body = String::new();
            while body.len() < 40 + round % 300 {
                body.push_str(PIECES[next(PIECES.len())]);
            }
            let invalid = round % 5 == 0;
            if invalid {
                let at = next(body.len());
                let at = (at..=body.len())
                    .find(|&i| body.is_char_boundary(i) && !body[..i].ends_with('\\'))
                    .unwrap_or(body.len());
                body.insert_str(at, INVALID[next(INVALID.len())]);
            }
            let event = format!(r#"{{"path": "/", "body": "{body}", "isBase64Encoded": false}}"#);
            match scan_agrees(event.as_bytes()) {
                Ok(true) => scanned += 1,
                Ok(false) => {}
                Err(err) => panic!("{event}: {err}"),
            }
        }
        assert!(
            scanned > 3_000,
            "the scan read only {scanned} of 4000 bodies"
        );
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
