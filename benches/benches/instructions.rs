//! Instructions per invocation, for `benches/instructions.py`: run under callgrind, this runs
//! one case a given number of times inside `measured`, the only function callgrind counts
//! (`--toggle-collect`). Instruction counts do not move with the machine's load, so their ratio
//! checks the timed ratio of `invocation.rs`.
//!
//! Usage: `instructions <decision>-<size> framework|floor <iterations>`. Without arguments (as
//! `cargo test --benches` runs it in CI) it answers every case once on both sides and checks
//! that they answer alike, so that a case that no longer runs is found before a benchmark run.

use std::process::ExitCode;

mod support;

use support::{
    DECISIONS, cases, check_alike, client_context_header, floor, framework, function, install_log,
    netlify_context,
};

/// The measured loop; its name is what callgrind is told to count.
#[inline(never)]
fn measured(iterations: usize, mut invoke: impl FnMut() -> Vec<u8>) -> usize {
    (0..iterations).map(|_| invoke().len()).sum()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The framework's lines go through the subscriber a running function installs.
    install_log();
    if args.is_empty() {
        return check_every_case();
    }
    let [case, side, iterations] = args.as_slice() else {
        eprintln!("usage: instructions <decision>-<size> framework|floor <iterations>");
        return ExitCode::from(2);
    };
    let Some((decision, size)) = case.split_once('-') else {
        eprintln!("a case is <decision>-<size>, as allow-small");
        return ExitCode::from(2);
    };
    let Some((_, kind, floor_decision)) = DECISIONS.into_iter().find(|(d, ..)| *d == decision)
    else {
        eprintln!("no decision {decision}");
        return ExitCode::from(2);
    };
    let Some(case) = cases(kind).into_iter().find(|c| c.size == size) else {
        eprintln!("no size {size}");
        return ExitCode::from(2);
    };
    let Ok(iterations) = iterations.parse::<usize>() else {
        eprintln!("iterations is a number");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cannot start a runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let _context = runtime.enter();
    let function = function(decision);
    let _ = function.set_verification(identity_runtime::Verification::off());
    let netlify = netlify_context();
    let header = client_context_header(&netlify);
    let event = case.event;
    check_alike(
        &framework(&runtime, function, &event, &header),
        &floor::invoke(&event, &header, floor_decision),
        &format!("{decision}-{size}"),
    );
    let mut invoke: Box<dyn FnMut() -> Vec<u8>> = match side.as_str() {
        "framework" => {
            Box::new(|| framework(&runtime, function, std::hint::black_box(&event), &header))
        }
        "floor" => {
            Box::new(|| floor::invoke(std::hint::black_box(&event), &header, floor_decision))
        }
        _ => {
            eprintln!("the side is framework or floor");
            return ExitCode::from(2);
        }
    };
    // Once outside the count: one-time setup is not per invocation.
    invoke();
    let bytes = measured(iterations, &mut invoke);
    println!("{bytes}");
    ExitCode::SUCCESS
}

/// Every case once, framework and floor, checked to answer alike (`check_alike` panics, naming
/// the case, when they do not).
fn check_every_case() -> ExitCode {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    else {
        eprintln!("cannot start a runtime");
        return ExitCode::FAILURE;
    };
    let _context = runtime.enter();
    let header = client_context_header(&netlify_context());
    let mut checked = 0;
    for (decision, kind, floor_decision) in DECISIONS {
        let function = function(decision);
        let _ = function.set_verification(identity_runtime::Verification::off());
        for case in cases(kind) {
            check_alike(
                &framework(&runtime, function, &case.event, &header),
                &floor::invoke(&case.event, &header, floor_decision),
                &format!("{decision}-{}", case.size),
            );
            checked += 1;
        }
    }
    println!("instructions: {checked} cases answer alike on both sides");
    ExitCode::SUCCESS
}
