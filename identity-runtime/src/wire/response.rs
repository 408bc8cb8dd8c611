//! The answer Netlify relays to GoTrue.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::change::MetadataChange;
use crate::wire::error::ErrorBody;

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
    /// A JSON answer.
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

    /// 204, allowed with no change.
    pub(crate) fn no_content() -> Response {
        Response {
            status_code: 204,
            headers: BTreeMap::new(),
            multi_value_headers: BTreeMap::new(),
            body: String::new(),
            is_base64_encoded: false,
        }
    }

    /// 200 with the edited objects of a change, or 204 when it has no edits.
    pub(crate) fn change(change: &MetadataChange) -> Response {
        match change.body() {
            // Maps with string keys and JSON values always serialize.
            Some(body) => Response::json(200, serde_json::to_string(&body).unwrap_or_default()),
            None => Response::no_content(),
        }
    }

    /// A denial, bad input or a fault: `status` and `{"error": error, "message": message}`.
    pub(crate) fn error(status: u16, error: &str, message: &str) -> Response {
        // Two strings always serialize.
        let body = serde_json::to_string(&ErrorBody { error, message }).unwrap_or_default();
        Response::json(status, body)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::sample_user;

    #[test]
    fn a_changes_body_is_its_to_body() {
        let user = sample_user();
        for change in [
            user.change().add_role("a\"b"),
            user.change().set_user("k", "\u{2028}é😀").set_app("n", 1.5),
        ] {
            let response = Response::change(&change);
            assert_eq!(response.status_code, 200);
            assert_eq!(response.body_json(), change.to_body(), "{change:?}");
        }
        assert_eq!(Response::change(&user.change()), Response::no_content());
    }

    #[test]
    fn a_response_is_written_in_the_lambda_proxy_shape() {
        let denied = Response::error(403, "denied", "no");
        assert_eq!(
            serde_json::to_string(&denied).unwrap(),
            r#"{"statusCode":403,"headers":{"content-type":"application/json"},"multiValueHeaders":{},"body":"{\"error\":\"denied\",\"message\":\"no\"}","isBase64Encoded":false}"#
        );
        assert_eq!(
            serde_json::to_string(&Response::no_content()).unwrap(),
            r#"{"statusCode":204,"headers":{},"multiValueHeaders":{},"body":"","isBase64Encoded":false}"#
        );
    }
}
