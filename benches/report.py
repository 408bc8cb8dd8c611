"""Writes BENCHMARKS.md from the results of `benches/run` (criterion, node, hyperfine, GNU time)."""
import json
import os
import platform
import subprocess
import sys
from statistics import median

target = sys.argv[1]
results = os.path.join(target, "bench-results")
criterion = os.path.join(target, "criterion")


def median_ns(group, side, size):
    path = os.path.join(criterion, group, side, size, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def load(name):
    with open(os.path.join(results, name)) as f:
        return json.load(f)


def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def fmt_us(ns):
    return f"{ns / 1000:.2f} µs"


paired = load("paired.json")
allocations = load("allocations.json")
instructions = load("instructions.json")
cold = load("coldstart.json")["results"]
memory = load("memory.json")
cpu = next((line.split(":", 1)[1].strip() for line in run("lscpu").splitlines() if line.startswith("Model name")), "?")

print("# Benchmarks\n")
print("Made by `bash benches/run` (criterion, node's `process.hrtime`, hyperfine and GNU time, all in one")
print("run on one machine). Regenerate rather than edit.\n")
print(f"- machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
print(f"- {run('rustc', '--version')}; node {run('node', '--version')}; {run('hyperfine', '--version')}")
print("- events: the Lambda event as Netlify sends it in production (body = the payload), the client")
print("  context beside it as the `Lambda-Runtime-Client-Context` header carries it; `small` is the")
print("  CLI's sample user, `typical` a hosted user with roles and a few metadata keys, `large` the")
print("  same with 100 KB of `user_metadata`. `allow` answers 204, `change` adds a role (200),")
print("  `deny` answers 403. Every handler takes the user and the decoded client context.")
print("- framework: `IDENTITY_FUNCTION.respond_lambda`, what the Lambda runner calls, on the event and")
print("  the client-context header as the Runtime API hands them over, polled inside a running Tokio")
print("  runtime as the runner's loop polls it, then the response's JSON written and its log line, as")
print("  the runner does (everything but the HTTP). floor: the same answers written by hand with serde_json")
print("  and base64, borrowing and skipping what it does not need (it reads two of the user's fields and")
print("  none of `user_metadata`, where the framework reads and checks all of them), writing the same log line for a denial")
print("  (`benches/benches/support/mod.rs`, `mod floor`); both are checked to answer alike. node: the seed")
print("  docs' handler (`benches/node/handler.mjs`), JSON text in, JSON text out, timed inside node.")
print("- times are criterion's medians, with the system allocator as a deployed function has it;")
print("  allocations are counted in a run of their own through a counting allocator")
print("  (`benches/benches/allocations.rs`); instructions are callgrind's count of one invocation")
print("  (`benches/benches/instructions.rs`), which the machine's load does not move.\n")

print("## Per invocation (medians)\n")
print("| case | framework | floor | framework / floor | allocations (framework / floor) | instructions (framework / floor) |")
print("|---|---|---|---|---|---|")
for group in ["allow", "change", "deny"]:
    for size in ["small", "typical", "large"]:
        name = f"{group}-{size}"
        ours = median_ns(group, "framework", size)
        floor = median_ns(group, "floor", size)
        a = allocations[name]
        i = instructions[name]
        print(f"| {name} | {fmt_us(ours)} | {fmt_us(floor)} | {ours / floor:.2f}x | {a['framework']:.0f} / {a['floor']:.0f} | {i['framework'] / 1000:,.1f}k / {i['floor'] / 1000:,.1f}k = {i['framework'] / i['floor']:.2f}x |")

print("\nTarget: framework / floor at most 1.10x.\n")

compare_path = os.path.join(results, "compare.json")
if os.path.exists(compare_path):
    compare = load("compare.json")
    print(f"## Before and after: this build against `{compare['before']}`, in one run\n")
    print("`benches/compare.py`: each build's `instructions` binary runs each case many times, framework")
    print(f"and floor, timed from outside, in {compare['rounds']} interleaved rounds (medians; the ratio is each build's")
    print("framework against its own floor in the same round, its range over the rounds); instructions")
    print("are callgrind's count of one invocation.\n")
    print("| case | before | after | before / floor | after / floor (range) | instructions before → after (/ floor) |")
    print("|---|---|---|---|---|---|")
    for case, row in compare["cases"].items():
        b, a = row["before"], row["after"]
        lo, hi = a["ratio_range"]
        ib, ia = b["instructions"], a["instructions"]
        print(f"| {case} | {b['framework_s'] * 1e6:.2f} µs | {a['framework_s'] * 1e6:.2f} µs | {b['ratio']:.2f}x | "
              f"{a['ratio']:.2f}x ({lo:.2f}x–{hi:.2f}x) | {ib['framework'] / 1000:,.1f}k → {ia['framework'] / 1000:,.1f}k "
              f"({ib['framework'] / ib['floor']:.2f}x → {ia['framework'] / ia['floor']:.2f}x) |")
    print()

rounds = len(next(iter(paired.values()))["ratios"])
print("## Against node, case by case\n")
print(f"{rounds} rounds; in each, for every case, a short criterion run of the framework and then node on")
print("the same event (`benches/paired.py`), so that each pair is timed within seconds: this shared")
print("machine's speed moves by a third between minutes, and the full runs above are minutes apart.")
print("Times are the medians of the rounds; the ratio is the median of the rounds' ratios, with their")
print("range. A denial has four rows. Its own: the framework's whole invocation, its log line written,")
print("against the seed docs' handler, which logs nothing. `-logged`: node's handler also writes the")
print("framework's log line (`console.error`, to a file as the Rust side's stderr is), the one record")
print("of why a signup was refused, since GoTrue shows the user its own 422. `-answered`: the")
print("framework up to the answer it posts (the runner writes the line after posting), against the")
print("seed docs' handler: what GoTrue waits on. `-floor`: the hand-written floor's whole invocation,")
print("which writes the same line, against the seed docs' handler.\n")
print("| case | Rust (`-floor`: the floor) | node | node / Rust | range of the rounds |")
print("|---|---|---|---|---|")
for name, entry in paired.items():
    ratios = sorted(entry["ratios"])
    print(f"| {name} | {fmt_us(median(entry['framework_ns']))} | {fmt_us(median(entry['node_ns']))} | {median(ratios):.2f}x | {ratios[0]:.2f}x–{ratios[-1]:.2f}x |")
print("\nTarget: node / framework at least 3x.\n")

print("### A denial's log line against a third of node's handler\n")
print("For a denial's whole invocation to be 3x the seed docs' handler, it must take at most a third")
print("of that handler's time, its log line's `write` included. In the same rounds: the line's write")
print("alone (criterion `deny/line`: the framework's `write` of the same line to the same stderr, over")
print("and over); the line's cost inside an invocation (whole − answered), which can exceed its write")
print("alone, the system call leaving the caches colder for what follows; the framework up to its")
print("answer (`-answered`); and what that answer would have to come down to for the whole to be 3x")
print("(the third less the line's cost inside). Medians of the rounds; the small and typical events")
print("only, the large ones being far past 3x either way, their timings moving by more than the")
print("line costs.\n")
print("| case | node's handler / 3 | the line's write alone | the line inside the invocation | framework up to the answer | the answer at most, for 3x |")
print("|---|---|---|---|---|---|")
for name, entry in paired.items():
    if "line_ns" not in entry or name.endswith("-large"):
        continue
    third = [n / 3 for n in entry["node_ns"]]
    answered = paired[f"{name}-answered"]["framework_ns"]
    inside = [w - a for w, a in zip(entry["framework_ns"], answered)]
    most = [t - i for t, i in zip(third, inside)]
    cut = 1 - median(most) / median(answered)
    print(f"| {name} | {fmt_us(median(third))} | {fmt_us(median(entry['line_ns']))} | {fmt_us(median(inside))} | {fmt_us(median(answered))} | {fmt_us(median(most))} ({cut:.0%} less) |")
print()

rust = next(r for r in cold if r["command"] == "rust")
js = next(r for r in cold if r["command"] == "node")
print("## Whole process: one cold invocation\n")
print("The `signup_roles` example in local mode answering `change-small.json`, start to exit, against")
print("`node benches/node/cold.mjs` answering the same event (hyperfine; peak RSS from GNU time).\n")
print("| | median | mean ± σ | peak memory |")
print("|---|---|---|---|")
print(f"| rust | {rust['median'] * 1000:.2f} ms | {rust['mean'] * 1000:.2f} ± {rust['stddev'] * 1000:.2f} ms | {memory['rust_kb'] / 1024:.1f} MiB |")
print(f"| node | {js['median'] * 1000:.2f} ms | {js['mean'] * 1000:.2f} ± {js['stddev'] * 1000:.2f} ms | {memory['node_kb'] / 1024:.1f} MiB |")
print(f"\nnode / rust: {js['median'] / rust['median']:.1f}x the time, {memory['node_kb'] / memory['rust_kb']:.1f}x the memory (targets: 10x faster, a fraction of the memory).")
compile_times = load("compile.json")
n = compile_times["functions"]
print("\n## Compile time\n")
print(f"A library crate of {n} annotated functions against the same crate with the macro's expansion")
print("written out, as the macro prints it (`benches/compile_time.py`), each rebuilt alone with its dependencies built and")
print("incremental compilation off (hyperfine medians, dev profile), the two crates one after the")
print(f"other in each of {compile_times['rounds']} rounds (their rows: the median of the rounds' medians); and the macro")
print("crate's own build with syn and quote already built.\n")
print("| | median |")
print("|---|---|")
print(f"| {n} annotated functions | {compile_times['annotated_s'] * 1000:.0f} ms |")
print(f"| the same, expansion written out | {compile_times['handwritten_s'] * 1000:.0f} ms |")
print(f"| the macro crate | {compile_times['macro_crate_s'] * 1000:.0f} ms |")
added = sorted(x * 1000 for x in compile_times["added_per_function_s"])
print(f"\nWhat the macro adds per function: {median(added):+.2f} ms, the median of {compile_times['rounds']} rounds, each timing")
spans_zero = added[0] < 0 < added[-1]
print(f"both crates one after the other (range {added[0]:+.2f} to {added[-1]:+.2f} ms)"
      + (": the rounds disagree in sign, so it is less than this machine resolves." if spans_zero else "."))
notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
if os.path.exists(notes):
    print()
    with open(notes) as f:
        print(f.read().rstrip())
