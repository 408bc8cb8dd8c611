//! What the framework logs of an invocation: why it was denied, rejected or failed.
//!
//! Everything goes through `tracing`, so the framework's lines and the handler's own reach one
//! subscriber and carry the invocation's span (its request id). A report never carries the
//! admin token, the signing secret or header credentials: it is built only from reasons and
//! error descriptions, whose quoted values are already redacted.

use tracing::Level;

/// The target of every line the framework writes: the crate, not the module that happens to
/// write it, so that `RUST_LOG=identity_runtime=warn` reads as it says.
pub(crate) const TARGET: &str = "identity_runtime";

/// The target of the span each invocation runs in: kept enabled by the framework's own
/// subscriber whatever `RUST_LOG` says, so that every line written during an invocation names
/// its request.
pub(crate) const INVOCATION_SPAN_TARGET: &str = "identity_runtime::invocation";

/// The span an invocation runs in: its request id, the function's name and the event.
pub(crate) fn invocation_span(request_id: &str, function: &str, event: &str) -> tracing::Span {
    tracing::info_span!(
        target: INVOCATION_SPAN_TARGET,
        "invocation",
        requestId = %request_id,
        function = %function,
        event = %event,
    )
}

/// The line an invocation logs once it is answered (a denial, a rejected payload, a fault),
/// written after the answer is posted so that GoTrue, which waits on the answer, does not wait
/// on the log.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    level: Level,
    message: String,
}

impl Report {
    /// A decision the handler made: a denial.
    pub(crate) fn info(message: String) -> Report {
        Report {
            level: Level::INFO,
            message,
        }
    }

    /// Input the framework refused: a malformed or unauthenticated payload.
    pub(crate) fn warn(message: String) -> Report {
        Report {
            level: Level::WARN,
            message,
        }
    }

    /// A fault of the function: a panic, a missed deadline, a failed setup.
    pub(crate) fn error(message: String) -> Report {
        Report {
            level: Level::ERROR,
            message,
        }
    }

    /// Logs it, in whatever span is entered (the runner enters the invocation's).
    pub fn emit(&self) {
        let message = &self.message;
        match self.level {
            Level::ERROR => tracing::error!(target: TARGET, "{message}"),
            Level::WARN => tracing::warn!(target: TARGET, "{message}"),
            _ => tracing::info!(target: TARGET, "{message}"),
        }
    }
}
