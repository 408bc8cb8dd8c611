//! The answer Netlify relays to GoTrue.

use std::collections::BTreeMap;

use serde::Serialize;

/// The answer of one invocation, in the Lambda proxy shape
/// `{statusCode, headers, multiValueHeaders, body, isBase64Encoded}`.
///
/// ```
/// use identity_runtime::testing::{lambda_event, sample_payload};
/// use identity_runtime::{Deny, EventKind, User, identity_event};
///
/// #[identity_event(validate)]
/// fn refuse(_user: &User) -> Deny {
///     Deny::new("closed")
/// }
///
/// let response = IDENTITY_FUNCTION.invoke_blocking(&lambda_event(&sample_payload(EventKind::Validate)));
/// assert_eq!(response.status_code, 403);
/// assert!(!response.is_success());
/// assert_eq!(response.body, r#"{"error":"denied","message":"closed"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The HTTP status: 200 (change), 204 (no change), 4xx/5xx (denied).
    pub status_code: u16,
    /// Response headers.
    pub headers: BTreeMap<String, String>,
    /// Always empty; present because the proxy shape has it.
    pub multi_value_headers: BTreeMap<String, Vec<String>>,
    /// The body: JSON text, or empty for 204.
    pub body: String,
    /// Always `false`: bodies are JSON text.
    pub is_base64_encoded: bool,
}

impl Response {
    pub(crate) fn json(status_code: u16, body: String) -> Response {
        let mut headers = BTreeMap::new();
        headers.insert("content-type".to_owned(), "application/json".to_owned());
        Response {
            status_code,
            headers,
            multi_value_headers: BTreeMap::new(),
            body,
            is_base64_encoded: false,
        }
    }

    pub(crate) fn no_content() -> Response {
        Response {
            status_code: 204,
            headers: BTreeMap::new(),
            multi_value_headers: BTreeMap::new(),
            body: String::new(),
            is_base64_encoded: false,
        }
    }

    /// Whether GoTrue counts this answer as success (200, 202 or 204).
    pub fn is_success(&self) -> bool {
        matches!(self.status_code, 200 | 202 | 204)
    }

    /// The body parsed as JSON; `None` for an empty body.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// What the handler's outcome became, before it takes the public [`Response`] shape: a 204, or
/// a status with a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    NoContent,
    Json { status: u16, body: String },
}

impl From<Reply> for Response {
    fn from(reply: Reply) -> Response {
        match reply {
            Reply::NoContent => Response::no_content(),
            Reply::Json { status, body } => Response::json(status, body),
        }
    }
}

/// The 204's Lambda proxy JSON, as serde_json writes [`Response::no_content`] (a test checks).
const NO_CONTENT_JSON: &[u8] =
    br#"{"statusCode":204,"headers":{},"multiValueHeaders":{},"body":"","isBase64Encoded":false}"#;

/// One invocation's answer as the Lambda runner posts it, and the log line (a denial, bad input,
/// a fault) it writes once the answer is posted, so that GoTrue does not wait on the log.
///
/// [`IdentityFunction::invoke`](crate::IdentityFunction::invoke) and its siblings write the
/// line at once and hand back the [`Response`]; this is for the runner and the benchmarks.
#[doc(hidden)]
#[derive(Debug)]
pub struct Answer {
    pub(crate) reply: Reply,
    pub(crate) log: Option<String>,
}

impl Answer {
    pub(crate) fn quiet(reply: Reply) -> Answer {
        Answer { reply, log: None }
    }

    pub(crate) fn logged(reply: Reply, line: String) -> Answer {
        Answer {
            reply,
            log: Some(line),
        }
    }

    /// Appends the answer's Lambda proxy JSON to `out`: the bytes serde_json makes of the
    /// [`Response`], written directly. Building the `Response`'s maps and serializing it was
    /// twice the work.
    ///
    /// # Errors
    /// Never for a `Vec`; serde_json's string writer is fallible in its signature only.
    pub fn write_lambda_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        use serde::Serializer as _;
        let (status, body) = match &self.reply {
            Reply::NoContent => {
                out.extend_from_slice(NO_CONTENT_JSON);
                return Ok(());
            }
            Reply::Json { status, body } => (*status, body),
        };
        out.extend_from_slice(br#"{"statusCode":"#);
        out.extend_from_slice(itoa::Buffer::new().format(status).as_bytes());
        out.extend_from_slice(
            br#","headers":{"content-type":"application/json"},"multiValueHeaders":{},"body":"#,
        );
        serde_json::Serializer::new(&mut *out).serialize_str(body)?;
        out.extend_from_slice(br#","isBase64Encoded":false}"#);
        Ok(())
    }

    /// The line to log for this answer, if any.
    pub fn log_line(&self) -> Option<&str> {
        self.log.as_deref()
    }

    /// Writes the answer's log line, if any, to stderr.
    pub fn write_log(&self) {
        if let Some(line) = &self.log {
            crate::log::write(line);
        }
    }

    /// The answer as a [`Response`], its log line dropped (write it first).
    pub fn into_response(self) -> Response {
        self.reply.into()
    }

    /// The answer as the in-process calls give it: its line logged at once, then the
    /// [`Response`].
    pub(crate) fn logged_response(self) -> Response {
        self.write_log();
        self.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda_json(reply: Reply) -> Vec<u8> {
        let mut out = b"kept".to_vec();
        Answer::quiet(reply).write_lambda_json(&mut out).unwrap();
        assert_eq!(&out[..4], b"kept", "appends");
        out.split_off(4)
    }

    #[test]
    fn the_lambda_json_is_serde_jsons_serialization_of_the_response() {
        let mut bodies = vec![
            String::new(),
            r#"{"app_metadata":{"roles":["a\"b"]}}"#.to_owned(),
            r#"{"error":"denied","message":"no"}"#.to_owned(),
            "ünïcode ✓ 𝄞 \u{2028}\u{2029}".to_owned(),
            "x".repeat(70_000),
        ];
        // Every ASCII character, alone and among text.
        for byte in 0..=0x7fu8 {
            let c = char::from(byte);
            bodies.push(c.to_string());
            bodies.push(format!("{{\"k\":\"a{c}b\"}}"));
        }
        for status in [200, 204, 400, 401, 403, 413, 422, 500, 599, 1000, u16::MAX] {
            for body in &bodies {
                let reply = Reply::Json {
                    status,
                    body: body.clone(),
                };
                let expected = serde_json::to_vec(&Response::from(reply.clone())).unwrap();
                assert_eq!(lambda_json(reply), expected, "{status} {body:?}");
            }
        }
        let no_content = serde_json::to_vec(&Response::no_content()).unwrap();
        assert_eq!(lambda_json(Reply::NoContent), no_content);
        assert_eq!(NO_CONTENT_JSON, no_content.as_slice());
    }

    #[test]
    fn the_answer_keeps_its_status_and_its_line() {
        let denied = Answer::logged(
            Reply::Json {
                status: 403,
                body: "{}".to_owned(),
            },
            "[f] denied (403): no\n".to_owned(),
        );
        assert_eq!(denied.log_line(), Some("[f] denied (403): no\n"));
        let denied = denied.into_response();
        assert_eq!(denied.status_code, 403);
        assert_eq!(denied, Response::json(403, "{}".to_owned()));
        let allowed = Answer::quiet(Reply::NoContent);
        assert_eq!(allowed.log_line(), None);
        let allowed = allowed.into_response();
        assert_eq!(allowed.status_code, 204);
        assert_eq!(allowed, Response::no_content());
    }
}
