//! The runner: the two ways a binary runs, serving the Lambda Runtime API or answering one event
//! locally. It calls the handler layer; nothing below calls it.

use std::process::ExitCode;

use crate::handler::function::IdentityFunction;

mod lambda;
mod local;
mod logs;
mod runtime_api;

/// The binary's entry point, called by the generated `main`: serves the Lambda Runtime API when
/// `AWS_LAMBDA_RUNTIME_API` is set, else answers one event locally (see the README).
pub(crate) fn run(function: &'static IdentityFunction) -> ExitCode {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        lambda::serve(function)
    } else {
        local::run(function, std::env::args_os().skip(1).collect())
    }
}

/// Installs the log a running function installs, read from the environment, unless a
/// subscriber is installed already.
pub(crate) fn install_log() {
    let (ours, problem) = logs::from_env();
    logs::install_unless_present(ours, problem.as_deref());
}
