"""Compile time of the macro: a crate of 20 annotated functions against the same crate with the
macro's expansion written out (taken from the macro itself), and the macro crate's own build.
Prints JSON; `benches/run` calls it.

Both crates share the workspace's target directory, so dependencies are built once; each
measurement is hyperfine's median of rebuilding the crate alone after touching its source,
with incremental compilation off so that every run compiles the whole crate, in rounds that time
both crates each."""
import json
import os
import re
import subprocess
import sys
from statistics import median

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = sys.argv[1]
runs = sys.argv[2] if len(sys.argv) > 2 else "10"
work = os.path.join(target, "compile-bench")
FUNCTIONS = 20

HANDLER = """pub fn handle{i}(user: &User, context: Option<&ClientContext>) -> Result<MetadataChange, Deny> {{
        if user.has_role("banned") {{ return Err(Deny::new("banned")); }}
        let _ = context;
        Ok(user.change().add_role("role{i}"))
    }}"""

def make(name, bodies):
    """A crate with one module per function body."""
    crate = os.path.join(work, name)
    os.makedirs(os.path.join(crate, "src"), exist_ok=True)
    runtime = os.path.join(root, "identity-runtime")
    with open(os.path.join(crate, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\n\n'
                f'[dependencies]\nidentity-runtime = {{ path = "{runtime}" }}\n\n[workspace]\n')
    uses = "use identity_runtime::{ClientContext, Deny, MetadataChange, User, identity_event};"
    modules = [f"pub mod f{i} {{\n    #![allow(unused_imports)]\n    {uses}\n    {body}\n}}\n"
               for i, body in enumerate(bodies)]
    with open(os.path.join(crate, "src", "lib.rs"), "w") as f:
        f.write("#![allow(dead_code)]\n" + "\n".join(modules))
    subprocess.run(["cp", os.path.join(root, "Cargo.lock"), crate], check=True)
    return crate


def expansions(crate):
    """The macro's own expansion of each function, as it prints it with IDENTITY_MACROS_DEBUG:
    the hand-written crate is exactly what the macro generates, never a copy that drifts."""
    env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0", IDENTITY_MACROS_DEBUG="1")
    os.utime(os.path.join(crate, "src", "lib.rs"))
    out = subprocess.run(["cargo", "build", "--offline"], cwd=crate, env=env,
                         capture_output=True, text=True, check=True).stderr
    # Rebuilt without the variable next, or Cargo replays this build's output when it is fresh.
    os.utime(os.path.join(crate, "src", "lib.rs"))
    blocks, current = {}, None
    for line in out.splitlines():
        start = re.match(r"pub fn handle(\d+)\b", line)
        if start:
            current = int(start.group(1))
            blocks[current] = []
        elif re.match(r"\s+(Compiling|Finished|Building|Blocking)\b", line):
            current = None
        if current is not None:
            blocks[current].append(line)
    if sorted(blocks) != list(range(FUNCTIONS)):
        sys.exit(f"expected the expansion of {FUNCTIONS} functions, got {sorted(blocks)}:\n{out[-2000:]}")
    return ["\n".join(blocks[i]) for i in range(FUNCTIONS)]


def median_seconds(crate, label, prepare, runs):
    out = os.path.join(work, f"{label}.json")
    env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0")
    subprocess.run(["cargo", "build", "--quiet", "--offline"], cwd=crate, env=env, check=True)
    subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "1", "--runs", runs,
                    "--prepare", prepare, "--export-json", out,
                    "cargo build --quiet --offline"], cwd=crate, env=env, check=True)
    with open(out) as f:
        return json.load(f)["results"][0]["median"]


annotated = make("compile_annotated",
                 ["#[identity_event(signup)]\n    " + HANDLER.format(i=i) for i in range(FUNCTIONS)])
handwritten = make("compile_handwritten", expansions(annotated))
# In rounds, the two crates one after the other in each: this shared machine's speed moves
# between minutes, and the two crates timed minutes apart once differed by more than the macro
# costs. The difference is taken within each round.
ROUNDS = 5
per_round = str(max(int(runs) // ROUNDS, 3))
annotated_s, handwritten_s = [], []
for r in range(ROUNDS):
    annotated_s.append(median_seconds(annotated, f"annotated-{r}", f"touch {annotated}/src/lib.rs", per_round))
    handwritten_s.append(median_seconds(handwritten, f"handwritten-{r}", f"touch {handwritten}/src/lib.rs", per_round))


result = {
    "functions": FUNCTIONS,
    "rounds": ROUNDS,
    "annotated_s": median(annotated_s),
    "handwritten_s": median(handwritten_s),
    "added_per_function_s": [(a - h) / FUNCTIONS for a, h in zip(annotated_s, handwritten_s)],
}
env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0")
subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "1", "--runs", runs,
                "--prepare", "cargo clean --quiet -p identity-macros",
                "--export-json", os.path.join(work, "macros.json"),
                "cargo build --quiet -p identity-macros"], cwd=root, env=env, check=True)
with open(os.path.join(work, "macros.json")) as f:
    result["macro_crate_s"] = json.load(f)["results"][0]["median"]
print(json.dumps(result))
