//! The answer Netlify relays to GoTrue.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::body_writer::BodyWriter;
use crate::change::MetadataChange;
use crate::error::ErrorBody;

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

/// What the handler's outcome became, before it takes the public [`Response`] shape or is
/// written as the Lambda answer: its body is written once, into whichever it becomes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    /// 204, allowed unchanged.
    NoContent,
    /// 200 with the edited objects of a change that has edits, its refusal already asked. Boxed:
    /// a change is large, and an answer is moved a few times on its way out.
    Changed(Box<MetadataChange>),
    /// A denial, bad input or a fault: the status and `{"error": error, "message": message}`.
    Error {
        status: u16,
        error: &'static str,
        message: String,
    },
}

impl Reply {
    fn status(&self) -> u16 {
        match self {
            Reply::NoContent => 204,
            Reply::Changed(_) => 200,
            Reply::Error { status, .. } => *status,
        }
    }

    /// Writes the body JSON to `out` (plain or escaped); nothing for a 204.
    fn write_body(&self, out: &mut BodyWriter<'_>) -> Result<(), serde_json::Error> {
        let written = match self {
            Reply::NoContent => Some(()),
            Reply::Changed(change) => change.write_body(out),
            Reply::Error { error, message, .. } => out.value(&ErrorBody { error, message }),
        };
        written.ok_or_else(|| serde::ser::Error::custom(UNWRITABLE))
    }
}

/// Why a body could not be written: only a change's refused `user_metadata` fails to, and the
/// function refuses such a change before it answers.
const UNWRITABLE: &str = "the answer's body could not be written";

impl From<Reply> for Response {
    fn from(reply: Reply) -> Response {
        if matches!(reply, Reply::NoContent) {
            return Response::no_content();
        }
        let mut body = Vec::with_capacity(128);
        match reply.write_body(&mut BodyWriter::plain(&mut body)) {
            // The writer writes whole UTF-8 text.
            Ok(()) => Response::json(reply.status(), String::from_utf8(body).unwrap_or_default()),
            Err(err) => Response::from(Reply::Error {
                status: 500,
                error: "fault",
                message: err.to_string(),
            }),
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
    /// twice the work, and writing the body and then escaping it into the `body` string went
    /// over it twice: it is written once, escaped as it is written
    /// ([`BodyWriter`]).
    ///
    /// # Errors
    /// When the body cannot be written: only a change's refused `user_metadata` fails to be,
    /// and the function refuses such a change (400) before it answers.
    pub fn write_lambda_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        if matches!(self.reply, Reply::NoContent) {
            out.extend_from_slice(NO_CONTENT_JSON);
            return Ok(());
        }
        out.extend_from_slice(br#"{"statusCode":"#);
        out.extend_from_slice(itoa::Buffer::new().format(self.reply.status()).as_bytes());
        out.extend_from_slice(
            br#","headers":{"content-type":"application/json"},"multiValueHeaders":{},"body":""#,
        );
        self.reply.write_body(&mut BodyWriter::escaped(out))?;
        out.extend_from_slice(br#"","isBase64Encoded":false}"#);
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
    use crate::scanner::Scanner;
    use crate::testing::sample_user;
    use crate::{AppMetadata, UserMetadata};

    fn lambda_json(reply: Reply) -> Vec<u8> {
        let mut out = b"kept".to_vec();
        Answer::quiet(reply).write_lambda_json(&mut out).unwrap();
        assert_eq!(&out[..4], b"kept", "appends");
        out.split_off(4)
    }

    /// Text with every ASCII character, alone and among other text, and more.
    fn texts() -> Vec<String> {
        let mut texts = vec![
            String::new(),
            r#"{"app_metadata":{"roles":["a\"b"]}}"#.to_owned(),
            "ünïcode ✓ 𝄞 \u{2028}\u{2029}".to_owned(),
            "x".repeat(70_000),
        ];
        for byte in 0..=0x7fu8 {
            let c = char::from(byte);
            texts.push(c.to_string());
            texts.push(format!("a{c}b\\{c}\"{c}"));
        }
        texts
    }

    /// `app_metadata` as the payload scan reads it from `json` as it came (`in_string` false)
    /// or as it stands inside the event's body string, its own keys kept as text where the
    /// scan keeps them; `None` where the scan leaves the payload to serde_json.
    fn scanned(json: &str, in_string: bool) -> Option<AppMetadata> {
        if in_string {
            let quoted = serde_json::to_string(json).unwrap();
            AppMetadata::scan(&mut Scanner::in_string(&quoted[1..quoted.len() - 1], 0))
        } else {
            AppMetadata::scan(&mut Scanner::new(json))
        }
    }

    fn changes() -> Vec<MetadataChange> {
        let user = sample_user();
        let mut changes = vec![];
        for text in texts().iter().step_by(7) {
            changes.push(user.change().add_role(text.clone()));
            changes.push(user.change().set_user(text.clone(), text.clone()));
            changes.push(user.change().set_app("k", text.clone()).set_user("k", 1.5));
        }
        let own = " { \"provider\" : \"email\",\n\t\"plan\":{\"a\\\"b\":\"c\\\\n\\u00e9\"},\r\"n\" : [1, -2, {}] } ";
        let mut kept = [0, 0];
        let spaced =
            r#"{ "provider": "email", "plan": {"ab": "c d", "é": "✓"}, "n" : [1, -2, {}]}"#;
        for json in [
            own,
            own.trim(),
            spaced,
            r#"{"a/b":"\u0001","c":"\/"}"#,
            r#"{"plan":"pro"}"#,
        ] {
            for in_string in [false, true] {
                let Some(meta) = scanned(json, in_string) else {
                    continue;
                };
                kept[usize::from(in_string)] += usize::from(meta.other.is_kept());
                changes.push(user.change().replace_app_metadata(meta.clone()));
                changes.push(user.change().replace_app_metadata(meta).add_role("r"));
            }
        }
        assert!(kept[0] >= 2 && kept[1] >= 2, "kept as text: {kept:?}");
        changes
    }

    #[test]
    fn the_lambda_json_is_serde_jsons_serialization_of_the_response() {
        let mut replies: Vec<Reply> = changes()
            .into_iter()
            .map(|c| Reply::Changed(Box::new(c)))
            .collect();
        for status in [200, 400, 401, 403, 413, 422, 500, 599, 1000, u16::MAX] {
            for message in texts() {
                replies.push(Reply::Error {
                    status,
                    error: "denied",
                    message,
                });
            }
        }
        for reply in replies {
            let expected = serde_json::to_vec(&Response::from(reply.clone())).unwrap();
            let written = lambda_json(reply.clone());
            assert_eq!(
                String::from_utf8_lossy(&written),
                String::from_utf8_lossy(&expected),
                "{reply:?}"
            );
        }
        let no_content = serde_json::to_vec(&Response::no_content()).unwrap();
        assert_eq!(lambda_json(Reply::NoContent), no_content);
        assert_eq!(NO_CONTENT_JSON, no_content.as_slice());
    }

    #[test]
    fn a_changes_body_is_its_to_body() {
        for change in changes() {
            let response = Response::from(Reply::Changed(Box::new(change.clone())));
            assert_eq!(response.status_code, 200);
            assert_eq!(response.body_json(), change.to_body(), "{change:?}");
        }
    }

    #[test]
    fn a_body_that_cannot_be_written_is_a_fault_in_either_shape() {
        let refused = UserMetadata::received(r#"{"a":1,"a":2}"#.into()).unwrap();
        let reply = Reply::Changed(Box::new(
            sample_user().change().replace_user_metadata(refused),
        ));
        let response = Response::from(reply.clone());
        assert_eq!(response.status_code, 500);
        assert_eq!(
            response.body_json(),
            Some(serde_json::json!({"error": "fault", "message": UNWRITABLE}))
        );
        let err = Answer::quiet(reply)
            .write_lambda_json(&mut Vec::new())
            .unwrap_err();
        assert_eq!(err.to_string(), UNWRITABLE);
    }

    #[test]
    fn the_answer_keeps_its_status_and_its_line() {
        let denied = Answer::logged(
            Reply::Error {
                status: 403,
                error: "denied",
                message: "no".to_owned(),
            },
            "[f] denied (403): no\n".to_owned(),
        );
        assert_eq!(denied.log_line(), Some("[f] denied (403): no\n"));
        let denied = denied.into_response();
        assert_eq!(
            denied,
            Response::json(403, r#"{"error":"denied","message":"no"}"#.to_owned())
        );
        let allowed = Answer::quiet(Reply::NoContent);
        assert_eq!(allowed.log_line(), None);
        let allowed = allowed.into_response();
        assert_eq!(allowed.status_code, 204);
        assert_eq!(allowed, Response::no_content());
    }
}
