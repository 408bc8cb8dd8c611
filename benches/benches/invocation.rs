//! Per-invocation cost of the whole in-process path (the Lambda event as Netlify sends it in,
//! the serialized answer out) against the best hand-written Rust doing the same work with
//! serde_json and base64 directly: the floor. Timed with the system allocator, as a deployed
//! function runs; `allocations.rs` counts the allocations.
//!
//! `bash benches/run` runs this, the Node.js handler on the same events, and writes
//! BENCHMARKS.md. The events are written to `target/bench-events/` for the Node.js side.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

mod support;

use support::{
    DECISIONS, answered, cases, check_alike, client_context_header, floor, framework, function,
    install_log, netlify_context, out_dir, report,
};

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _context = runtime.enter();
    install_log();
    let netlify = netlify_context();
    let header = client_context_header(&netlify);
    let events_dir = out_dir("bench-events");
    for (decision, kind, floor_decision) in DECISIONS {
        let function = function(decision);
        let _ = function.set_verification(identity_runtime::Verification::off());
        let mut group = c.benchmark_group(decision);
        for case in cases(kind) {
            let name = format!("{decision}-{}", case.size);
            // The events and the context, for the Node.js side.
            std::fs::write(events_dir.join(format!("{name}.json")), &case.event).unwrap();
            std::fs::write(events_dir.join("client-context.txt"), &netlify).unwrap();
            let ours = framework(&runtime, function, &case.event, &header);
            let theirs = floor::invoke(&case.event, &header, floor_decision);
            check_alike(&ours, &theirs, &name);
            group.bench_with_input(
                BenchmarkId::new("framework", case.size),
                &case.event,
                |b, event| {
                    b.iter(|| framework(&runtime, function, std::hint::black_box(event), &header));
                },
            );
            if decision == "deny" {
                // A denial's log line is written after the answer is posted: what GoTrue
                // waits on ends before it.
                group.bench_with_input(
                    BenchmarkId::new("answered", case.size),
                    &case.event,
                    |b, event| {
                        b.iter(|| {
                            answered(&runtime, function, std::hint::black_box(event), &header)
                        });
                    },
                );
                // The line alone, as the runner logs it after posting: in the invocation's
                // span, through the same subscriber, to the same stderr.
                let (span, report) = report(&runtime, function, &case.event, &header)
                    .unwrap_or_else(|| panic!("{name} has a log line"));
                group.bench_function(BenchmarkId::new("line", case.size), |b| {
                    b.iter(|| span.in_scope(|| std::hint::black_box(&report).emit()));
                });
            }
            group.bench_with_input(
                BenchmarkId::new("floor", case.size),
                &case.event,
                |b, event| {
                    b.iter(|| floor::invoke(std::hint::black_box(event), &header, floor_decision));
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
