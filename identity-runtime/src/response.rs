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
