//! The two ways a binary runs: serving the Lambda Runtime API, or answering one event locally.

pub(crate) mod lambda;
pub(crate) mod local;
mod runtime_api;

/// One single-threaded runtime: an identity function answers one invocation at a time, and the
/// Lambda Runtime API hands out one at a time.
pub(crate) fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
