//! Allocations per invocation, framework and floor, for `benches/report.py`: counted here,
//! through a counting global allocator, and not in `invocation.rs`, whose times must be those
//! of the allocator a deployed function runs with (the counting one adds four atomic operations
//! to every allocation and its release: 0.14 µs of a small invocation's 1.49 µs).
//!
//! Writes `bench-results/allocations.json` in the target directory; `bash benches/run` runs it.

use std::alloc::System;

use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

mod support;

use support::{
    DECISIONS, cases, check_alike, client_context_header, floor, framework, function, install_log,
    netlify_context,
};

/// Counts allocations.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations (and reallocations) per run of `run`, over 100 runs after a first one (one-time
/// setup is not per invocation).
fn allocations(mut run: impl FnMut()) -> f64 {
    run();
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        run();
    }
    let stats = region.change();
    (stats.allocations + stats.reallocations) as f64 / 100.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a Tokio runtime");
    let _context = runtime.enter();
    // The framework's lines go through the subscriber a running function installs.
    install_log();
    let netlify = netlify_context();
    let header = client_context_header(&netlify);
    let mut counted = serde_json::Map::new();
    for (decision, kind, floor_decision) in DECISIONS {
        let function = function(decision);
        let _ = function.set_verification(identity_runtime::Verification::off());
        for case in cases(kind) {
            let name = format!("{decision}-{}", case.size);
            let ours = framework(&runtime, function, &case.event, &header);
            let theirs = floor::invoke(&case.event, &header, floor_decision);
            check_alike(&ours, &theirs, &name);
            counted.insert(
                name,
                json!({
                    "framework": allocations(|| { framework(&runtime, function, &case.event, &header); }),
                    "floor": allocations(|| { floor::invoke(&case.event, &header, floor_decision); }),
                }),
            );
        }
    }
    let results = support::out_dir("bench-results");
    std::fs::write(
        results.join("allocations.json"),
        Value::Object(counted).to_string(),
    )
    .expect("allocations.json written");
}
