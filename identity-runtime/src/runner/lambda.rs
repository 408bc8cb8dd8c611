//! Serving invocations through the AWS Lambda Runtime API, as Netlify does in production and
//! under its local tooling.

use std::process::ExitCode;
use std::time::Duration;

use http::HeaderValue;
use tracing::Instrument as _;

use super::logs;
use super::runtime_api::{ApiError, NextInvocation, RuntimeApi};
use crate::handler::function::IdentityFunction;
use crate::handler::log::TARGET;

/// After this many failures in a row to fetch an invocation, the process gives up and exits, so
/// that the Lambda service starts a fresh one.
const MAX_FAILURES_IN_A_ROW: u32 = 5;

/// How long to wait before fetching again after the `n`th failure in a row.
fn backoff(failures: u32) -> Duration {
    Duration::from_millis(50 * u64::from(failures))
}

/// Serves the Runtime API named by `AWS_LAMBDA_RUNTIME_API` until it can no longer be reached.
pub(crate) fn serve(function: &'static IdentityFunction) -> ExitCode {
    let (ours, problem) = logs::from_env();
    logs::report_panics();
    let api = match std::env::var("AWS_LAMBDA_RUNTIME_API")
        .map_err(|err| format!("AWS_LAMBDA_RUNTIME_API cannot be read: {err}"))
        .and_then(|address| RuntimeApi::new(&address))
    {
        Ok(api) => api,
        Err(reason) => {
            logs::install_unless_present(ours, problem.as_deref());
            tracing::error!(target: TARGET, function = function.name(), "{reason}");
            return ExitCode::from(2);
        }
    };
    let runtime = match crate::handler::function::runtime() {
        Ok(runtime) => runtime,
        Err(err) => {
            logs::install_unless_present(ours, problem.as_deref());
            tracing::error!(target: TARGET, function = function.name(), "cannot start a runtime: {err}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(serve_loop(function, &api, ours, problem))
}

async fn serve_loop(
    function: &'static IdentityFunction,
    api: &RuntimeApi,
    ours: tracing::Dispatch,
    problem: Option<String>,
) -> ExitCode {
    // Setup runs once per cold start, before the first invocation is fetched.
    if let Err(reason) = logs::install_around_setup(function, ours, problem.as_deref()).await {
        tracing::error!(target: TARGET, function = function.name(), "{reason}");
        if let Err(err) = api.init_error(&reason).await {
            tracing::error!(
                target: TARGET,
                function = function.name(),
                "cannot report the failed setup to the Runtime API: {err}"
            );
        }
        return ExitCode::FAILURE;
    }
    let mut failures = 0;
    loop {
        match api.next().await {
            Ok(invocation) => {
                failures = 0;
                serve_one(function, api, invocation).await;
            }
            Err(err) => {
                failures += 1;
                tracing::error!(
                    target: TARGET,
                    function = function.name(),
                    "cannot fetch the next invocation from the Runtime API: {err}"
                );
                if failures >= MAX_FAILURES_IN_A_ROW {
                    tracing::error!(
                        target: TARGET,
                        function = function.name(),
                        "giving up after {failures} failures in a row"
                    );
                    return ExitCode::FAILURE;
                }
                tokio::time::sleep(backoff(failures)).await;
            }
        }
    }
}

/// Answers one invocation inside its span: the response is posted first, then its report
/// logged, so that GoTrue, which waits on the response, does not wait on the log.
async fn serve_one(
    function: &'static IdentityFunction,
    api: &RuntimeApi,
    invocation: NextInvocation,
) {
    let id = &invocation.request_id;
    let span = function.span(id);
    let header = invocation
        .client_context
        .as_ref()
        .map(HeaderValue::as_bytes);
    let (response, report) = function
        .respond_lambda(id, &invocation.event, header, invocation.deadline)
        .instrument(span.clone())
        .await;
    let posted = match serde_json::to_vec(&response) {
        // A response the Runtime API refuses (a 413 above 6 MB) leaves the invocation open
        // until its timeout; it is failed at once instead, saying why.
        Ok(json) => match api.respond(id, json).await {
            Err(refused @ ApiError::Status { .. }) => {
                let reason = format!("the Runtime API refused the answer: {refused}");
                span.in_scope(|| tracing::error!(target: TARGET, "{reason}"));
                api.fail(id, &reason).await
            }
            posted => posted,
        },
        Err(err) => {
            let reason = format!("the answer could not be written: {err}");
            api.fail(id, &reason).await
        }
    };
    span.in_scope(|| {
        if let Some(report) = report {
            report.emit();
        }
        if let Err(err) = posted {
            tracing::error!(target: TARGET, "cannot post the answer to the Runtime API: {err}");
        }
    });
}
