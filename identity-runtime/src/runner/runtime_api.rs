//! The AWS Lambda Runtime API, spoken directly: fetch the next invocation, post its answer, or
//! report an error the Lambda service should know of.
//!
//! The requests go through `lambda_runtime_api_client`, the HTTP client the `lambda_runtime`
//! crate uses. The loop is ours: it hands the event's bytes to the function as they arrived,
//! reads the client context header only when a handler asks for it, writes the answer's JSON
//! directly, and writes the log line after the answer is posted.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::BodyExt as _;
use lambda_runtime_api_client::body::Body;
use lambda_runtime_api_client::{Client, build_request};

const NEXT: &str = "/2018-06-01/runtime/invocation/next";
const INIT_ERROR: &str = "/2018-06-01/runtime/init/error";
const REQUEST_ID: &str = "lambda-runtime-aws-request-id";
const CLIENT_CONTEXT: &str = "lambda-runtime-client-context";
const DEADLINE: &str = "lambda-runtime-deadline-ms";
const ERROR_TYPE: &str = "lambda-runtime-function-error-type";

/// A client of the Runtime API at `AWS_LAMBDA_RUNTIME_API`.
pub(crate) struct RuntimeApi {
    client: Client,
}

/// One invocation as `…/invocation/next` hands it out.
pub(crate) struct NextInvocation {
    /// `Lambda-Runtime-Aws-Request-Id`, which names the invocation in the answer's path.
    pub(crate) request_id: String,
    /// `Lambda-Runtime-Client-Context`, as sent.
    pub(crate) client_context: Option<HeaderValue>,
    /// `Lambda-Runtime-Deadline-Ms`: when the platform stops waiting; `None` when absent or not
    /// a number of milliseconds since the epoch.
    pub(crate) deadline: Option<SystemTime>,
    /// The event's JSON, as sent.
    pub(crate) event: Bytes,
}

/// What went wrong talking to the Runtime API.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// The request could not be made or its answer read.
    Transport(String),
    /// The Runtime API answered with a status other than the one expected.
    Status { status: StatusCode, body: String },
    /// An invocation came without a usable request id: it cannot be answered.
    RequestId(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Transport(err) => write!(f, "{err}"),
            ApiError::Status { status, body } => write!(f, "it answered {status}: {body}"),
            ApiError::RequestId(why) => write!(f, "{why}"),
        }
    }
}

impl RuntimeApi {
    /// A client for the Runtime API at `address`, the value of `AWS_LAMBDA_RUNTIME_API`
    /// (`host:port`, as the Lambda service sets it).
    pub(crate) fn new(address: &str) -> Result<RuntimeApi, String> {
        let endpoint = format!("http://{address}");
        let uri: Uri = endpoint.parse().map_err(|err| {
            format!("AWS_LAMBDA_RUNTIME_API is not a host and port (`{address}`): {err}")
        })?;
        if uri.host().is_none_or(str::is_empty)
            || uri.port_u16().is_none()
            || address.contains('@')
            || uri.path() != "/"
            || uri.query().is_some()
        {
            return Err(format!(
                "AWS_LAMBDA_RUNTIME_API is not a host and port (`{address}`)"
            ));
        }
        let client = Client::builder()
            .with_endpoint(uri)
            .build()
            .map_err(|err| format!("cannot make a Runtime API client: {err}"))?;
        Ok(RuntimeApi { client })
    }

    /// Waits for the next invocation.
    pub(crate) async fn next(&self) -> Result<NextInvocation, ApiError> {
        let request = build_request()
            .method(Method::GET)
            .uri(NEXT)
            .body(Body::empty());
        let (parts, event) = self.send(request, StatusCode::OK).await?;
        let request_id = match parts.headers.get(REQUEST_ID).map(HeaderValue::to_str) {
            Some(Ok(id)) if is_request_id(id) => id.to_owned(),
            Some(Ok(id)) => {
                return Err(ApiError::RequestId(format!(
                    "an invocation's request id is not a path segment: `{}`",
                    id.escape_debug()
                )));
            }
            Some(Err(_)) => {
                return Err(ApiError::RequestId(
                    "an invocation's request id is not visible ASCII".into(),
                ));
            }
            None => {
                return Err(ApiError::RequestId(format!(
                    "an invocation came without the `{REQUEST_ID}` header"
                )));
            }
        };
        let deadline = parts
            .headers
            .get(DEADLINE)
            .and_then(|value| value.to_str().ok()?.trim().parse::<u64>().ok())
            .and_then(|ms| UNIX_EPOCH.checked_add(Duration::from_millis(ms)));
        Ok(NextInvocation {
            request_id,
            client_context: parts.headers.get(CLIENT_CONTEXT).cloned(),
            deadline,
            event,
        })
    }

    /// Posts the answer of invocation `request_id`: the Lambda proxy JSON.
    pub(crate) async fn respond(&self, request_id: &str, json: Vec<u8>) -> Result<(), ApiError> {
        let request = build_request()
            .method(Method::POST)
            .uri(format!(
                "/2018-06-01/runtime/invocation/{request_id}/response"
            ))
            .body(Body::from(json));
        self.send(request, StatusCode::ACCEPTED).await.map(drop)
    }

    /// Reports that invocation `request_id` could not be answered: its answer was not written,
    /// or the Runtime API refused it.
    pub(crate) async fn fail(&self, request_id: &str, message: &str) -> Result<(), ApiError> {
        let path = format!("/2018-06-01/runtime/invocation/{request_id}/error");
        self.report(path, "Runtime.AnswerNotPosted", message).await
    }

    /// Reports that the function could not start (its setup failed).
    pub(crate) async fn init_error(&self, message: &str) -> Result<(), ApiError> {
        self.report(INIT_ERROR.to_owned(), "Runtime.InitError", message)
            .await
    }

    async fn report(&self, path: String, kind: &str, message: &str) -> Result<(), ApiError> {
        let diagnostic = serde_json::json!({"errorType": kind, "errorMessage": message});
        let request = build_request()
            .method(Method::POST)
            .uri(path)
            .header(ERROR_TYPE, kind)
            .body(Body::from(diagnostic.to_string()));
        self.send(request, StatusCode::ACCEPTED).await.map(drop)
    }

    async fn send(
        &self,
        request: http::Result<Request<Body>>,
        expected: StatusCode,
    ) -> Result<(http::response::Parts, Bytes), ApiError> {
        let request = request
            .map_err(|err| ApiError::Transport(format!("cannot make the request: {err}")))?;
        let response = self
            .client
            .call(request)
            .await
            .map_err(|err| ApiError::Transport(err.to_string()))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|err| ApiError::Transport(format!("cannot read its answer: {err}")))?
            .to_bytes();
        if parts.status != expected {
            return Err(ApiError::Status {
                status: parts.status,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        Ok((parts, body))
    }
}

/// Whether `id` can stand in the answer's path as it is: the Lambda service's request ids are
/// UUIDs; anything else that is one URL path segment, and not `.` or `..`, is taken too.
fn is_request_id(id: &str) -> bool {
    id.bytes().any(|byte| byte.is_ascii_alphanumeric())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_a_host_and_port() {
        assert!(RuntimeApi::new("127.0.0.1:9001").is_ok());
        assert!(RuntimeApi::new("localhost:9001").is_ok());
        for bad in [
            "",
            "localhost",
            ":9001",
            "127.0.0.1:9001/path",
            "a b",
            "host:port",
            "127.0.0.1:9001?x",
            "user@127.0.0.1:9001",
        ] {
            let err = RuntimeApi::new(bad)
                .err()
                .unwrap_or_else(|| panic!("took {bad:?}"));
            assert!(err.contains("AWS_LAMBDA_RUNTIME_API"), "{err}");
        }
    }

    #[test]
    fn request_ids_are_single_path_segments() {
        assert!(is_request_id("8476a536-e9f4-11e8-9739-2dfe598c3fcd"));
        assert!(is_request_id("local~1.x_y"));
        for bad in ["", ".", "..", "a/b", "a?b", "a b", "a%2fb", "ü"] {
            assert!(!is_request_id(bad), "{bad:?}");
        }
    }
}
