//! Local mode: answer one event from a file, stdin, or the built-in sample, and print the answer.

use std::ffi::OsString;
use std::io::Read;
use std::process::ExitCode;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::logs;
use crate::handler::function::IdentityFunction;
use crate::handler::log::TARGET;
use crate::testing;
use crate::wire::response::Response;

const USAGE: &str = "\
usage: {bin} [EVENT | -]
       {bin} --spec | --sample | --help

Answers one identity event the way Netlify would call this function, prints the status and body,
and exits 0 when the answer allows the user, 1 when it denies, 2 on a usage error.

  EVENT     a file with a Lambda event as Netlify sends it, or a bare {\"event\", \"user\"} payload
  -         read the event from standard input
  (nothing) answer the built-in sample user, as Netlify's CLI sends it
  --spec    print this function's Netlify name, event and background flag as JSON
  --sample  print the built-in sample payload

With AWS_LAMBDA_RUNTIME_API set, the binary serves the Lambda Runtime API instead.";

enum Input {
    Sample,
    Stdin,
    File(OsString),
}

pub(crate) fn run(function: &'static IdentityFunction, args: Vec<OsString>) -> ExitCode {
    let bin = std::env::args()
        .next()
        .unwrap_or_else(|| function.name().to_owned());
    let usage = || USAGE.replace("{bin}", &bin);
    let mut input = None;
    for arg in args {
        match arg.to_str() {
            Some("--help" | "-h") => {
                println!("{}", usage());
                return ExitCode::SUCCESS;
            }
            Some("--spec") => {
                println!("{}", function.spec_json());
                return ExitCode::SUCCESS;
            }
            Some("--sample") => {
                println!("{}", testing::sample_payload(function.event()));
                return ExitCode::SUCCESS;
            }
            Some("-") if input.is_none() => input = Some(Input::Stdin),
            Some(flag) if flag.starts_with("--") => {
                eprintln!("error: unknown option `{flag}`\n\n{}", usage());
                return ExitCode::from(2);
            }
            _ if input.is_none() => input = Some(Input::File(arg)),
            _ => {
                eprintln!("error: more than one event given\n\n{}", usage());
                return ExitCode::from(2);
            }
        }
    }
    let bytes = match input.unwrap_or(Input::Sample) {
        Input::Sample => testing::sample_payload(function.event()).into_bytes(),
        Input::Stdin => {
            let mut bytes = Vec::new();
            if let Err(err) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("error: cannot read standard input: {err}");
                return ExitCode::from(2);
            }
            bytes
        }
        Input::File(path) => match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("error: cannot read `{}`: {err}", path.to_string_lossy());
                return ExitCode::from(2);
            }
        },
    };
    let event = if is_lambda_event(&bytes) {
        bytes
    } else {
        testing::lambda_event_bytes(&bytes)
    };
    let (ours, problem) = logs::from_env();
    logs::report_panics();
    let problem = problem.as_deref();
    let response = match crate::handler::function::runtime() {
        Ok(runtime) => runtime.block_on(async {
            // A failed setup is answered by the invocation, as a fault; nothing to do here.
            let _ = logs::install_around_setup(function, ours, problem).await;
            function.invoke(&event).await
        }),
        Err(err) => {
            logs::install_unless_present(ours, problem);
            tracing::error!(target: TARGET, function = function.name(), "cannot start a runtime: {err}");
            return ExitCode::from(2);
        }
    };
    print_response(function, &response);
    if response.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A Lambda event has `httpMethod` or `body` and no `user`; anything else is taken as a payload,
/// so that a malformed payload is reported as one.
fn is_lambda_event(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        http_method: Option<IgnoredAny>,
        body: Option<IgnoredAny>,
        user: Option<IgnoredAny>,
    }
    match serde_json::from_slice::<Probe>(bytes) {
        Ok(probe) => (probe.http_method.is_some() || probe.body.is_some()) && probe.user.is_none(),
        Err(_) => false,
    }
}

fn print_response(function: &IdentityFunction, response: &Response) {
    let status = response.status_code;
    let verdict = match status {
        200 => "allowed, with a metadata change",
        202 | 204 => "allowed, no change",
        _ => "denied",
    };
    println!("{} answered {status} ({verdict})", function.name());
    if function.is_background() {
        println!(
            "(Netlify answers 202 at once for a background function; shown is the function's own result)"
        );
    }
    match response.body_json() {
        Some(json) => match serde_json::to_string_pretty(&json) {
            Ok(pretty) => println!("{pretty}"),
            Err(_) => println!("{}", response.body),
        },
        None if response.body.is_empty() => {}
        None => println!("{}", response.body),
    }
}
