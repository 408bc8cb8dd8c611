//! The end-to-end benchmark: a Lambda Runtime API emulator that spawns each function as a
//! process, as the platform does, and times what a site owner feels.
//!
//! - **warm**: from handing an event to a waiting `GET …/invocation/next` until the answer's
//!   `POST` has been read whole (median, p99, p99.9);
//! - **cold start**: from spawning the process, with the first event already queued, until
//!   its answer's `POST` has been read;
//! - **peak memory**: the process's `VmHWM` after its cold start and after all its invocations.
//!
//! Usage: `e2e [--rounds R] [--invocations N] [--warmup W] LABEL=COMMAND…`, where COMMAND is a
//! program and its arguments separated by spaces. Rounds are interleaved: each round starts
//! every function once (in an order that rotates), so a change in the machine's speed touches
//! them all alike. Every answer is checked against the first function's for the same event
//! (status and body JSON), except for a label starting with `floor`, whose answer is fixed.
//! Prints JSON.
//!
//! The server is hyper on one current-thread tokio runtime: the timer, the server and the
//! driver share one thread, so no hand-off between threads sits inside the timed window.

use std::convert::Infallible;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use identity_benches::events::{Case, cases, client_context_header, netlify_context};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

/// How long one answer may take before the run fails: a hung function must not hang the run.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

struct Options {
    rounds: usize,
    invocations: usize,
    warmup: usize,
    functions: Vec<Function>,
}

struct Function {
    label: String,
    command: Vec<String>,
}

/// An event handed to a waiting `GET …/next`.
struct Next {
    request_id: String,
    event: Bytes,
}

/// What a function posted.
struct Posted {
    request_id: String,
    error: bool,
    body: Bytes,
    at: Instant,
}

/// What the server shares between connections: where a waiting `GET …/next` leaves its slot,
/// where posts go, and the client-context header every invocation carries.
struct Shared {
    waiting: mpsc::UnboundedSender<oneshot::Sender<Next>>,
    posted: mpsc::UnboundedSender<Posted>,
    client_context: String,
}

/// One process's figures: a cold start, memory, and the warm samples of each event.
struct Run {
    cold: Duration,
    rss_cold_kb: u64,
    rss_peak_kb: u64,
    warm: Vec<Vec<u64>>,
}

fn main() -> ExitCode {
    let options = match parse_options(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("e2e: {message}");
            eprintln!(
                "usage: e2e [--rounds R] [--invocations N] [--warmup W] LABEL=COMMAND [LABEL=COMMAND…]"
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("e2e: cannot start tokio: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(measure(&options)) {
        Ok(report) => {
            println!("{report:#}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("e2e: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_options(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        rounds: 5,
        invocations: 2000,
        warmup: 200,
        functions: Vec::new(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let count = |args: &mut std::iter::Peekable<_>, name: &str| -> Result<usize, String> {
            let value: Option<String> = args.next();
            value
                .as_deref()
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{name} needs a positive number"))
        };
        match arg.as_str() {
            "--rounds" => options.rounds = count(&mut args, "--rounds")?,
            "--invocations" => options.invocations = count(&mut args, "--invocations")?,
            "--warmup" => options.warmup = count(&mut args, "--warmup")?,
            _ => {
                let (label, command) = arg
                    .split_once('=')
                    .ok_or_else(|| format!("`{arg}` is not LABEL=COMMAND"))?;
                let command: Vec<String> = command.split_whitespace().map(String::from).collect();
                if label.is_empty() || command.is_empty() {
                    return Err(format!("`{arg}` needs a label and a command"));
                }
                options.functions.push(Function {
                    label: label.to_owned(),
                    command,
                });
            }
        }
    }
    if options.functions.is_empty() {
        return Err("no function to measure".into());
    }
    Ok(options)
}

async fn measure(options: &Options) -> Result<Value, String> {
    let client_context = client_context_header(&netlify_context());
    let cases = cases("signup");
    // The reference answer of each event: the first function's, checked against every other.
    let mut reference: Vec<Option<Value>> = vec![None; cases.len()];
    let mut runs: Vec<Vec<Run>> = options.functions.iter().map(|_| Vec::new()).collect();
    for round in 0..options.rounds {
        let count = options.functions.len();
        for turn in 0..count {
            let index = (turn + round) % count;
            let function = &options.functions[index];
            let run = run_process(
                function,
                index == 0,
                &cases,
                &client_context,
                options,
                &mut reference,
            )
            .await
            .map_err(|message| format!("{}: {message}", function.label))?;
            runs[index].push(run);
        }
    }
    let sizes: Vec<&str> = cases.iter().map(|case| case.size).collect();
    let functions: Vec<Value> = options
        .functions
        .iter()
        .zip(&runs)
        .map(|(function, runs)| summary(function, runs, &sizes))
        .collect();
    Ok(json!({
        "rounds": options.rounds,
        "invocations": options.invocations,
        "warmup": options.warmup,
        "event_bytes": cases.iter().map(|case| json!({"size": case.size, "bytes": case.event.len()})).collect::<Vec<_>>(),
        "functions": functions,
    }))
}

/// Starts the function against a fresh server of its own (a killed process's pending request
/// can then never take a later process's event), and measures it.
async fn run_process(
    function: &Function,
    is_reference: bool,
    cases: &[Case],
    client_context: &str,
    options: &Options,
    reference: &mut [Option<Value>],
) -> Result<Run, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    let (waiting_tx, mut waiting) = mpsc::unbounded_channel();
    let (posted_tx, mut posted) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        waiting: waiting_tx,
        posted: posted_tx,
        client_context: client_context.to_owned(),
    });
    let server = tokio::spawn(serve(listener, shared));
    let stderr = std::env::temp_dir().join(format!("e2e-{}.stderr", std::process::id()));
    let mut child = spawn(function, &address.to_string(), &stderr)?;
    let outcome = drive(
        function,
        is_reference,
        cases,
        options,
        reference,
        &mut child,
        &mut waiting,
        &mut posted,
    )
    .await;
    let _ = child.kill();
    let _ = child.wait();
    server.abort();
    let logged = std::fs::read_to_string(&stderr).unwrap_or_default();
    let _ = std::fs::remove_file(&stderr);
    outcome.map_err(|message| {
        let tail: Vec<&str> = logged.lines().rev().take(5).collect();
        if tail.is_empty() {
            message
        } else {
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            format!("{message}; its stderr ended:\n{}", tail.join("\n"))
        }
    })
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site, each argument named"
)]
async fn drive(
    function: &Function,
    is_reference: bool,
    cases: &[Case],
    options: &Options,
    reference: &mut [Option<Value>],
    child: &mut Child,
    waiting: &mut mpsc::UnboundedReceiver<oneshot::Sender<Next>>,
    posted: &mut mpsc::UnboundedReceiver<Posted>,
) -> Result<Run, String> {
    let pid = child.id();
    let started = Instant::now();
    let mut sequence = 0u64;
    let mut invoke = async |case: usize| -> Result<(Duration, Posted), String> {
        sequence += 1;
        let request_id = format!("8476a536-e9f4-11e8-9739-{sequence:012x}");
        let slot = tokio::time::timeout(ANSWER_TIMEOUT, waiting.recv())
            .await
            .map_err(|_| "no GET …/invocation/next within 30 s".to_owned())?
            .ok_or("the server stopped")?;
        let handed = Instant::now();
        slot.send(Next {
            request_id: request_id.clone(),
            event: Bytes::from(cases[case].event.clone()),
        })
        .map_err(|_| "the waiting request went away".to_owned())?;
        let answer = tokio::time::timeout(ANSWER_TIMEOUT, posted.recv())
            .await
            .map_err(|_| "no answer within 30 s".to_owned())?
            .ok_or("the server stopped")?;
        if answer.request_id != request_id {
            return Err(format!(
                "answered request {} instead of {request_id}",
                answer.request_id
            ));
        }
        if answer.error {
            return Err(format!(
                "posted an error: {}",
                String::from_utf8_lossy(&answer.body)
            ));
        }
        Ok((answer.at.duration_since(handed), answer))
    };

    // The cold start: the first event is handed over as soon as the process asks for it.
    let (_, first) = invoke(0).await?;
    let cold = first.at.duration_since(started);
    let rss_cold_kb = peak_rss_kb(pid)?;
    let check = !function.label.starts_with("floor");
    let mut warm = Vec::with_capacity(cases.len());
    for (index, case) in cases.iter().enumerate() {
        for _ in 0..options.warmup {
            let (_, answer) = invoke(index).await?;
            if check {
                check_answer(&answer.body, &mut reference[index], is_reference, case.size)?;
            }
        }
        let mut samples = Vec::with_capacity(options.invocations);
        for _ in 0..options.invocations {
            let (took, _) = invoke(index).await?;
            samples.push(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX));
        }
        warm.push(samples);
    }
    let rss_peak_kb = peak_rss_kb(pid)?;
    Ok(Run {
        cold,
        rss_cold_kb,
        rss_peak_kb,
        warm,
    })
}

/// The answer must be a response with the same status and body JSON as the reference's; the
/// reference function sets it.
fn check_answer(
    body: &[u8],
    reference: &mut Option<Value>,
    is_reference: bool,
    size: &str,
) -> Result<(), String> {
    let answer: Value = serde_json::from_slice(body)
        .map_err(|e| format!("its answer to the {size} event is not JSON: {e}"))?;
    let status = answer.get("statusCode").cloned().unwrap_or(Value::Null);
    let body = match answer.get("body").and_then(Value::as_str) {
        Some("") | None => Value::Null,
        Some(text) => serde_json::from_str(text)
            .map_err(|e| format!("its answer's body to the {size} event is not JSON: {e}"))?,
    };
    let answer = json!({"status": status, "body": body});
    match reference {
        Some(expected) if *expected != answer => Err(format!(
            "answered the {size} event {answer} where the first function answered {expected}"
        )),
        Some(_) => Ok(()),
        None if is_reference => {
            *reference = Some(answer);
            Ok(())
        }
        None => Err("the first function has no answer to compare with".into()),
    }
}

fn spawn(function: &Function, api: &str, stderr: &std::path::Path) -> Result<Child, String> {
    let log =
        std::fs::File::create(stderr).map_err(|e| format!("cannot create {stderr:?}: {e}"))?;
    Command::new(&function.command[0])
        .args(&function.command[1..])
        .env("AWS_LAMBDA_RUNTIME_API", api)
        .env("AWS_LAMBDA_FUNCTION_NAME", "identity-signup")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/identity-signup")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/06/[$LATEST]e2e")
        .env("_HANDLER", "bootstrap")
        .env("LAMBDA_TASK_ROOT", "/var/task")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", function.command))
}

/// The process's peak resident memory so far (`VmHWM`), in KiB.
fn peak_rss_kb(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read its /proc status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "its /proc status has no VmHWM".to_owned())
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // As Lambda's own endpoint: no Nagle delay on the small answers.
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, Arc::clone(&shared)));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type Reply = Response<Full<Bytes>>;

async fn answer(request: Request<Incoming>, shared: Arc<Shared>) -> Result<Reply, Infallible> {
    let path = request.uri().path().to_owned();
    let Some(rest) = path.strip_prefix("/2018-06-01/runtime/") else {
        return Ok(status(StatusCode::NOT_FOUND));
    };
    match (request.method(), rest) {
        (&Method::GET, "invocation/next") => {
            let (slot, event) = oneshot::channel();
            if shared.waiting.send(slot).is_err() {
                return Ok(status(StatusCode::SERVICE_UNAVAILABLE));
            }
            let Ok(next) = event.await else {
                return Ok(status(StatusCode::SERVICE_UNAVAILABLE));
            };
            let deadline = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |now| now.as_millis() + 60_000);
            let reply = Response::builder()
                .header("content-type", "application/json")
                .header("lambda-runtime-aws-request-id", &next.request_id)
                .header("lambda-runtime-deadline-ms", deadline.to_string())
                .header(
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:identity-signup",
                )
                .header(
                    "lambda-runtime-trace-id",
                    "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
                )
                .header("lambda-runtime-client-context", &shared.client_context)
                .body(Full::new(next.event));
            Ok(reply.unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)))
        }
        (&Method::POST, rest) => {
            let (request_id, error) = if rest == "init/error" {
                ("init".to_owned(), true)
            } else if let Some(id) = rest
                .strip_prefix("invocation/")
                .and_then(|r| r.strip_suffix("/response"))
            {
                (id.to_owned(), false)
            } else if let Some(id) = rest
                .strip_prefix("invocation/")
                .and_then(|r| r.strip_suffix("/error"))
            {
                (id.to_owned(), true)
            } else {
                return Ok(status(StatusCode::NOT_FOUND));
            };
            let body = match request.into_body().collect().await {
                Ok(body) => body.to_bytes(),
                Err(_) => return Ok(status(StatusCode::BAD_REQUEST)),
            };
            let at = Instant::now();
            let _ = shared.posted.send(Posted {
                request_id,
                error,
                body,
                at,
            });
            Ok(status(StatusCode::ACCEPTED))
        }
        _ => Ok(status(StatusCode::NOT_FOUND)),
    }
}

fn status(code: StatusCode) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::new()));
    *reply.status_mut() = code;
    reply
}

/// A function's figures over its rounds: per event, the median of each round's median (with the
/// range of the rounds) and p99 / p99.9 of all samples; the cold starts and memory per round.
fn summary(function: &Function, runs: &[Run], sizes: &[&str]) -> Value {
    let events: Vec<Value> = sizes
        .iter()
        .enumerate()
        .map(|(index, size)| {
            let mut round_medians: Vec<u64> = runs
                .iter()
                .map(|run| percentile(&mut run.warm[index].clone(), 50.0))
                .collect();
            let mut all: Vec<u64> = runs
                .iter()
                .flat_map(|run| run.warm[index].iter().copied())
                .collect();
            json!({
                "size": size,
                "median_ns": percentile(&mut round_medians.clone(), 50.0),
                "round_medians_ns": { "min": round_medians.iter().min(), "max": round_medians.iter().max() },
                "p99_ns": percentile(&mut all, 99.0),
                "p999_ns": percentile(&mut all, 99.9),
                "samples": all.len(),
                "rounds": { "medians_ns": std::mem::take(&mut round_medians) },
            })
        })
        .collect();
    let cold: Vec<u64> = runs
        .iter()
        .map(|run| u64::try_from(run.cold.as_nanos()).unwrap_or(u64::MAX))
        .collect();
    json!({
        "label": function.label,
        "command": function.command.join(" "),
        "events": events,
        "cold_start_ns": cold,
        "rss_cold_kb": runs.iter().map(|run| run.rss_cold_kb).collect::<Vec<_>>(),
        "rss_peak_kb": runs.iter().map(|run| run.rss_peak_kb).collect::<Vec<_>>(),
    })
}

/// The nearest-rank percentile of `samples` (sorted in place).
fn percentile(samples: &mut [u64], percent: f64) -> u64 {
    if samples.is_empty() {
        return 0;
    }
    samples.sort_unstable();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((percent / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}
