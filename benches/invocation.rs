//! Per-invocation cost of the whole in-process path (the Lambda event as Netlify sends it in,
//! the serialized answer out) against the best hand-written Rust doing the same work with
//! serde_json and base64 directly: the floor. Also counts allocations per invocation.
//!
//! `bash benches/run` runs this, the Node.js handler on the same events, and writes
//! BENCHMARKS.md. The events are written to `target/bench-events/` for the Node.js side.

use std::alloc::System;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

mod support;

use support::{DECISIONS, cases, check_alike, floor, framework, function, netlify_context};

/// Counts allocations, for the allocations-per-invocation figures.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn out_dir(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let dir = target.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn allocations(mut run: impl FnMut()) -> f64 {
    run(); // warm: one-time setup is not per-invocation
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        run();
    }
    let stats = region.change();
    (stats.allocations + stats.reallocations) as f64 / 100.0
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _context = runtime.enter();
    let netlify = netlify_context();
    let events_dir = out_dir("bench-events");
    let mut counted = serde_json::Map::new();
    for (decision, kind, floor_decision) in DECISIONS {
        let function = function(decision);
        let _ = function.set_verification(identity_runtime::Verification::off());
        let mut group = c.benchmark_group(decision);
        for case in cases(kind) {
            let name = format!("{decision}-{}", case.size);
            // The events and the context, for the Node.js side.
            std::fs::write(events_dir.join(format!("{name}.json")), &case.event).unwrap();
            std::fs::write(events_dir.join("client-context.txt"), &netlify).unwrap();
            let ours = framework(&runtime, function, &case.event, &netlify);
            let theirs = floor::invoke(&case.event, &netlify, floor_decision);
            check_alike(&ours, &theirs, &name);
            counted.insert(
                name.clone(),
                json!({
                    "framework": allocations(|| { framework(&runtime, function, &case.event, &netlify); }),
                    "floor": allocations(|| { floor::invoke(&case.event, &netlify, floor_decision); }),
                }),
            );
            group.bench_with_input(
                BenchmarkId::new("framework", case.size),
                &case.event,
                |b, event| {
                    b.iter(|| framework(&runtime, function, std::hint::black_box(event), &netlify));
                },
            );
            group.bench_with_input(
                BenchmarkId::new("floor", case.size),
                &case.event,
                |b, event| {
                    b.iter(|| floor::invoke(std::hint::black_box(event), &netlify, floor_decision));
                },
            );
        }
        group.finish();
    }
    let results = out_dir("bench-results");
    std::fs::write(
        results.join("allocations.json"),
        Value::Object(counted).to_string(),
    )
    .unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);
