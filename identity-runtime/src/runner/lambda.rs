//! Serving invocations through the AWS Lambda Runtime API, as Netlify does in production and
//! under its local tooling.

use std::convert::Infallible;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::value::RawValue;

use crate::function::IdentityFunction;
use crate::log;

/// `lambda_runtime` panics when these are missing; say so plainly instead.
const REQUIRED_ENV: [&str; 3] = [
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// After this many loop failures in quick succession the process gives up.
const MAX_QUICK_FAILURES: u32 = 5;

pub(crate) fn serve(function: &'static IdentityFunction) -> ExitCode {
    let missing: Vec<&str> = REQUIRED_ENV
        .into_iter()
        .filter(|name| std::env::var_os(name).is_none())
        .collect();
    if !missing.is_empty() {
        log::line(
            function.name(),
            format_args!(
                "AWS_LAMBDA_RUNTIME_API is set but {} is not; the Lambda environment is incomplete",
                missing.join(", ")
            ),
        );
        return ExitCode::from(2);
    }
    let runtime = match super::runtime() {
        Ok(runtime) => runtime,
        Err(err) => {
            log::line(
                function.name(),
                format_args!("cannot start a runtime: {err}"),
            );
            return ExitCode::from(2);
        }
    };
    runtime.block_on(serve_loop(function))
}

async fn serve_loop(function: &'static IdentityFunction) -> ExitCode {
    // Setup runs once per cold start, before the first invocation is fetched.
    if let Err(reason) = function.state().await {
        log::line(function.name(), format_args!("{reason}"));
        return ExitCode::FAILURE;
    }
    let mut quick_failures = 0;
    loop {
        let started = Instant::now();
        let handler = service_fn(move |event: LambdaEvent<Box<RawValue>>| async move {
            let netlify = event
                .context
                .client_context
                .as_ref()
                .and_then(|context| context.custom.get("netlify"))
                .map(String::as_str);
            let answer = function
                .invoke_for_runtime(event.payload.get().as_bytes(), netlify)
                .await;
            Ok::<_, Infallible>(answer)
        });
        // `lambda_runtime` ends its loop on an invocation it cannot read (a malformed client
        // context header, say). That invocation is lost; the next one must still be served.
        match lambda_runtime::run(handler).await {
            Ok(()) => return ExitCode::SUCCESS,
            Err(err) => {
                log::line(
                    function.name(),
                    format_args!("the Runtime API loop failed: {err}"),
                );
                quick_failures = if started.elapsed() < Duration::from_secs(1) {
                    quick_failures + 1
                } else {
                    1
                };
                if quick_failures >= MAX_QUICK_FAILURES {
                    return ExitCode::FAILURE;
                }
            }
        }
    }
}
