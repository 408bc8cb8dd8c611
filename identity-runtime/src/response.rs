//! The answer Netlify relays to GoTrue.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

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

    /// Whether this is [`Response::no_content`]'s answer, field by field (comparing with one
    /// built for the purpose cost 200 instructions an invocation).
    fn is_no_content(&self) -> bool {
        self.status_code == 204
            && self.headers.is_empty()
            && self.multi_value_headers.is_empty()
            && self.body.is_empty()
            && !self.is_base64_encoded
    }
}

/// The answer as a deployed function hands it to `lambda_runtime`, which serializes it with
/// serde_json and posts it to the Runtime API: exactly the JSON serde_json makes of the
/// [`Response`]. Most answers are the same 204, whose JSON is written once per process rather
/// than serialized on every invocation (the serialization was 5% of a typical allow's
/// instructions).
///
/// Its `Serialize` is for serde_json only: the 204 is a serde_json `RawValue`, which another
/// serializer writes as a struct of its own. Use [`Response`] for anything else.
#[doc(hidden)]
#[derive(Debug)]
pub struct RuntimeAnswer(Wire);

#[derive(Debug)]
enum Wire {
    NoContent(&'static RawValue),
    Response(Response),
}

impl From<Response> for RuntimeAnswer {
    fn from(response: Response) -> RuntimeAnswer {
        static NO_CONTENT: LazyLock<Option<Box<RawValue>>> = LazyLock::new(|| {
            serde_json::to_string(&Response::no_content())
                .ok()
                .and_then(|json| RawValue::from_string(json).ok())
        });
        match &*NO_CONTENT {
            Some(json) if response.is_no_content() => RuntimeAnswer(Wire::NoContent(json)),
            // A 204's JSON that could not be made is serialized as any other answer.
            _ => RuntimeAnswer(Wire::Response(response)),
        }
    }
}

impl Serialize for RuntimeAnswer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Wire::NoContent(json) => json.serialize(serializer),
            Wire::Response(response) => response.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_answer_is_serde_jsons_serialization_of_the_response() {
        let answers = [
            Response::no_content(),
            Response::json(200, r#"{"app_metadata":{"roles":["a\"b"]}}"#.to_owned()),
            Response::json(403, r#"{"error":"denied","message":"no"}"#.to_owned()),
            // Not the 204 of no content, for all its status.
            Response {
                body: "x".to_owned(),
                ..Response::no_content()
            },
        ];
        for response in answers {
            let expected = serde_json::to_string(&response).unwrap();
            let answer = RuntimeAnswer::from(response.clone());
            assert_eq!(
                matches!(answer.0, Wire::NoContent(_)),
                response == Response::no_content(),
                "{expected}"
            );
            assert_eq!(serde_json::to_string(&answer).unwrap(), expected);
            assert_eq!(serde_json::to_vec(&answer).unwrap(), expected.as_bytes());
        }
    }
}
