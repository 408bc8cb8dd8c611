//! Errors in what the platform sent: each answers with a defined status and a JSON body that
//! names what was wrong.

use crate::model::event::EventKind;
use crate::model::text::redact_quoted;

/// Something wrong with an invocation's input. The handler does not run; the answer is
/// [`InvocationError::status`] with the JSON body `{"error": <code>, "message": <text>}`.
///
/// ```
/// use identity_runtime::InvocationError;
///
/// let err = InvocationError::BodyMissing;
/// assert_eq!(err.status(), 400);
/// assert_eq!(err.code(), "body_missing");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvocationError {
    /// The Lambda event itself is malformed.
    #[error("the Lambda event is malformed: {0}")]
    NotAnEvent(String),
    /// The request has no body, or an empty one.
    #[error("the request has no body; expected the identity event payload {{\"event\", \"user\"}}")]
    BodyMissing,
    /// The body is larger than the platform's 6 MB limit for a synchronous invocation.
    #[error("the body is {size} bytes, above the platform's limit of {limit} bytes")]
    BodyTooLarge {
        /// The body's size in bytes (as sent, before base64 decoding when it is encoded).
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not UTF-8, so it cannot be JSON.
    #[error("the body is not UTF-8: invalid byte at offset {offset}")]
    BodyNotUtf8 {
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// The body is flagged base64 but does not decode.
    #[error("the body is flagged base64 but is not valid base64: {0}")]
    InvalidBase64(String),
    /// The body is not the identity event payload.
    #[error("the body is not an identity event payload: {0}")]
    InvalidPayload(String),
    /// The payload's event is not the one this function handles.
    #[error("event `{got}` was sent to {function}, which handles `{expected}` events")]
    WrongEvent {
        /// The event in the payload.
        got: EventKind,
        /// The event this function handles.
        expected: EventKind,
        /// This function's Netlify name.
        function: String,
    },
    /// The `X-Netlify-Event` header names another event than the payload's `event`. GoTrue
    /// sends both from the same event, so they never differ in a request it made.
    #[error(
        "the `X-Netlify-Event` header {} but the payload's event is `{payload}`",
        header_names(header.as_ref())
    )]
    EventHeaderMismatch {
        /// The event the header names, when it names one (`identity_<event>`).
        header: Option<EventKind>,
        /// The event in the payload.
        payload: EventKind,
    },
    /// Signature verification is on and the request's signature is missing or wrong.
    #[error("{0}")]
    Signature(#[from] crate::wire::signature::SignatureError),
    /// The client context is present but cannot be decoded.
    #[error("the client context cannot be decoded: {0}")]
    ClientContext(String),
}

impl InvocationError {
    /// The status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            InvocationError::BodyTooLarge { .. } => 413,
            InvocationError::Signature(_) => 401,
            _ => 400,
        }
    }

    /// A stable, machine-readable name of the error.
    pub fn code(&self) -> &'static str {
        match self {
            InvocationError::NotAnEvent(_) => "malformed_event",
            InvocationError::BodyMissing => "body_missing",
            InvocationError::BodyTooLarge { .. } => "payload_too_large",
            InvocationError::BodyNotUtf8 { .. } => "body_not_utf8",
            InvocationError::InvalidBase64(_) => "invalid_base64",
            InvocationError::InvalidPayload(_) => "invalid_payload",
            InvocationError::WrongEvent { .. } | InvocationError::EventHeaderMismatch { .. } => {
                "wrong_event"
            }
            InvocationError::ClientContext(_) => "invalid_client_context",
            InvocationError::Signature(_) => "invalid_signature",
        }
    }
}

/// What the `X-Netlify-Event` header names, for a message; a value that names no event is not
/// echoed.
fn header_names(header: Option<&EventKind>) -> String {
    match header {
        Some(event) => format!("names `identity_{event}`"),
        None => "names no identity event".to_owned(),
    }
}

/// The JSON body of every non-success answer, `{"error": …, "message": …}`.
#[derive(serde::Serialize)]
pub(crate) struct ErrorBody<'a> {
    pub(crate) error: &'a str,
    pub(crate) message: &'a str,
}

/// Parses JSON bytes. The common case pays nothing for error paths: only when parsing fails is
/// the input parsed again with path tracking, to say where (`at user.created_at`).
///
/// The bytes are checked to be UTF-8 once, as a whole, then parsed as text: serde_json checks
/// each string it borrows from bytes, and the call per string costs more than the one pass.
pub(crate) fn parse_json<'de, T: serde::Deserialize<'de>>(json: &'de [u8]) -> Result<T, String> {
    parse_json_str(utf8(json)?)
}

/// JSON bytes as text, or what is wrong with them.
pub(crate) fn utf8(json: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(json)
        .map_err(|err| format!("not UTF-8: invalid byte at offset {}", err.valid_up_to()))
}

/// [`parse_json`] for text already known to be UTF-8.
pub(crate) fn parse_json_str<'de, T: serde::Deserialize<'de>>(json: &'de str) -> Result<T, String> {
    serde_json::from_str(json)
        .map_err(|first| explain::<_, T>(serde_json::Deserializer::from_str(json), &first))
}

fn explain<'de, R, T>(mut de: serde_json::Deserializer<R>, first: &serde_json::Error) -> String
where
    R: serde_json::de::Read<'de>,
    T: serde::Deserialize<'de>,
{
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(err) => describe_json_error(&err),
        Ok(_) => redact_quoted(&first.to_string()),
    }
}

/// Describes a JSON error with the path where it happened, without echoing values: serde quotes
/// offending strings in its messages, and a misplaced token must not reach a log.
pub(crate) fn describe_json_error(err: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let message = redact_quoted(&err.inner().to_string());
    let path = err.path().to_string();
    if path == "." || path.is_empty() {
        message
    } else {
        format!("at `{path}`: {message}")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_error_body_reads_back_as_its_two_strings() {
        // Every ASCII byte alone and between plain text, and text beyond ASCII.
        let mut messages: Vec<String> = (0u8..0x80)
            .map(|b| char::from(b).to_string())
            .chain((0u8..0x80).map(|b| format!("ab{}cd\"é\\", char::from(b))))
            .collect();
        messages.extend(
            [
                "",
                "logins are closed",
                "\u{7f}\u{80}\u{2028}😀",
                "\"\"\\\\\n\n",
            ]
            .map(String::from),
        );
        // As the answer writes it.
        let body = |message: &str| crate::Response::error(403, "denied", message).body;
        for message in &messages {
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&body(message)).unwrap(),
                serde_json::json!({"error": "denied", "message": message}),
                "{message:?}"
            );
        }
        assert_eq!(
            body("logins are closed"),
            r#"{"error":"denied","message":"logins are closed"}"#
        );
    }
}
