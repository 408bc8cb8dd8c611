"""Writes BENCHMARKS.md from the results of `benches/run`: what users feel first (the end-to-end
harness, the deploy's build), then the handler's own work in process (criterion, node, callgrind)."""
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
cpu = next((line.split(":", 1)[1].strip() for line in run("lscpu").splitlines() if line.startswith("Model name")), "?")

e2e = load("e2e.json")
deploy = load("deploy.json")

print("# Benchmarks\n")
print("Made by `bash benches/run`, all in one run on one machine. Regenerate rather than edit.\n")
print(f"- machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
print(f"- {run('rustc', '--version')}; node {run('node', '--version')}")
print("- events: the Lambda event as Netlify sends it in production (body = the payload), the client")
print("  context beside it as the `Lambda-Runtime-Client-Context` header carries it; `small` is the")
print("  CLI's sample user, `typical` a hosted user with roles and a few metadata keys, `large` the")
print("  same with 100 KB of `user_metadata`.\n")

fns = {f["label"]: f for f in e2e["functions"]}
sizes = [e["size"] for e in e2e["functions"][0]["events"]]


def warm(label, size):
    return next(e for e in fns[label]["events"] if e["size"] == size)


def us(ns):
    return f"{ns / 1000:.0f} µs" if ns >= 10_000 else f"{ns / 1000:.1f} µs"


def ranged(e):
    return f"{us(e['median_ns'])} ({us(e['round_medians_ns']['min'])}–{us(e['round_medians_ns']['max'])})"


order = [l for l in ["framework", "by-hand-current-thread", "by-hand-multi-thread", "node", "floor"] if l in fns]
befores = [l for l in fns if l.startswith("before-")]
print("## What users feel\n")
print("### A warm invocation, through the Runtime API\n")
print("`benches/e2e` (`benches/src/bin/e2e.rs`): a Lambda Runtime API emulator (hyper, one")
print("current-thread runtime) spawns each function as a process with the Lambda environment and")
print("times each invocation from handing the event to its waiting `GET …/invocation/next` until the")
print(f"answer's `POST` has been read; {e2e['rounds']} interleaved rounds of {e2e['warmup']} warm-up and {e2e['invocations']} timed invocations per")
print("event, every answer checked against the framework's. The emulator and the functions share one")
print("CPU: on this 2-core VM a wake-up across cores adds about 60 µs to every function alike, by the")
print("scheduler's choice (`E2E_CPUS=0,1` measures with it). Functions: `framework` is")
print("`examples/signup_roles.rs`; `by-hand` the same handler on `lambda_runtime` + serde structs")
print("(`benches/by-hand`, tokio's current-thread and default multi-thread runtimes); `node` the seed")
print("docs' handler under a minimal Runtime API loop (`benches/node/runtime.mjs`); `floor` a fixed")
print("answer on a blocking socket, which reads nothing: the loopback round trip itself.\n")
print("Medians of the rounds' medians, with the range of the rounds:\n")
print("| event | " + " | ".join(order + befores) + " |")
print("|---|" + "---|" * len(order + befores))
for size in sizes:
    print(f"| {size} | " + " | ".join(ranged(warm(l, size)) for l in order + befores) + " |")
print("\n| event | by-hand (current-thread) / framework | node / framework | p99: framework, by-hand, node | p99.9: framework, by-hand, node |")
print("|---|---|---|---|---|")
for size in sizes:
    f, h, n = (warm(l, size) for l in ("framework", "by-hand-current-thread", "node"))
    print(f"| {size} | {h['median_ns'] / f['median_ns']:.2f}x | {n['median_ns'] / f['median_ns']:.2f}x | "
          f"{us(f['p99_ns'])}, {us(h['p99_ns'])}, {us(n['p99_ns'])} | {us(f['p999_ns'])}, {us(h['p999_ns'])}, {us(n['p999_ns'])} |")
print("\nTargets: no slower than the hand-written function in its faster flavour (ratio at least")
print("1.00x), and at least 1.8x faster than node on small and typical events, 2x on `large`.\n")
if befores:
    b = befores[0]
    print(f"`{b}` is the same example built from that earlier commit, measured in the same rounds:")
    print("framework / before: " + ", ".join(
        f"{size} {warm('framework', size)['median_ns'] / warm(b, size)['median_ns']:.2f}x" for size in sizes) + ".\n")

print("### A cold start\n")
print("The same harness: from spawning the process, its first event already queued, until that")
print("answer's `POST` has been read; peak resident memory (`VmHWM`) after that first answer and")
print("after all the process's invocations (the 100 KB events included). Medians of the rounds, with")
print("their range.\n")
print("| function | cold start | peak memory after the first answer | peak memory at the end |")
print("|---|---|---|---|")
for l in order + befores:
    c = sorted(fns[l]["cold_start_ns"])
    rc = sorted(fns[l]["rss_cold_kb"])
    rp = sorted(fns[l]["rss_peak_kb"])
    print(f"| {l} | {median(c) / 1e6:.2f} ms ({c[0] / 1e6:.2f}–{c[-1] / 1e6:.2f}) | {median(rc) / 1024:.1f} MiB | {median(rp) / 1024:.1f} MiB |")
fc, nc = median(fns["framework"]["cold_start_ns"]), median(fns["node"]["cold_start_ns"])
fm, nm = median(fns["framework"]["rss_cold_kb"]), median(fns["node"]["rss_cold_kb"])
print(f"\nnode / framework: {nc / fc:.0f}x the cold start, {nm / fm:.1f}x the memory at the first answer "
      "(targets: at least 40x, and at most a tenth of node's memory).\n")

print("### The build every deploy pays\n")
print("`benches/deploy_build.py`: cold release builds, each in a fresh target directory of its own as")
print(f"Netlify builds a function, for `{deploy['target']}`, crates already fetched, in interleaved rounds")
print("(median, with the range). `framework` is the example site's `identity-signup` built in its folder;")
print("`by-hand` the hand-written `lambda_runtime` function; `site-per-function` the site's four")
print("functions each built from clean, as Netlify's source builds do; `site-one-build` the site's own")
print("build command (`build-functions.sh`: the workspace once, binaries placed as prebuilt functions).\n")
print("| build | time | crates compiled | binary |")
print("|---|---|---|---|")
for name, row in deploy["subjects"].items():
    print(f"| {name} | {row['median_seconds']:.1f} s ({row['min_seconds']:.1f}–{row['max_seconds']:.1f}) | {row['crates']} | {row['binary_bytes'] / 1e6:.2f} MB |")
d = deploy["subjects"]
line = f"\nframework / by-hand: {d['framework']['median_seconds'] / d['by-hand']['median_seconds']:.2f}x the time, " \
       f"{d['framework']['binary_bytes'] / d['by-hand']['binary_bytes']:.2f}x the binary"
if "site-one-build" in d:
    line += (f"; the four-function site in one build takes {d['site-one-build']['median_seconds'] / d['framework']['median_seconds']:.2f}x "
             f"one function's build, against {d['site-per-function']['median_seconds'] / d['framework']['median_seconds']:.2f}x built per function")
print(line + " (targets: no slower, no larger, a site in about the time of one function).\n")

print("## In process: the handler's own work\n")
print("What the framework does between the event's bytes and the answer's, without the HTTP: the")
print("check that a change does not make the handler's own work worse. `allow` answers 204, `change`")
print("adds a role (200), `deny` answers 403; every handler takes the user and the decoded client")
print("context.\n")
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

print("### Per invocation (medians)\n")
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

print("\nThe limit first set for this table was 1.10x the floor; it is missed, for the reasons in the notes at the end.\n")

compare_path = os.path.join(results, "compare.json")
if os.path.exists(compare_path):
    compare = load("compare.json")
    print(f"### Before and after: this build against `{compare['before']}`, in one run\n")
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
print("### Against node, case by case\n")
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
print()
compile_times = load("compile.json")
n = compile_times["functions"]
print("\n## Compile time of the macro\n")
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
