"""The build every deploy pays, as a benchmark: cold release builds, each in a fresh target
directory of its own, as Netlify builds a function, in interleaved rounds. Prints JSON.

Subjects (each a `cargo build --release --target <target>` from clean):
- `framework`: the example site's `identity-signup`, built in its folder as Netlify builds it;
- `by-hand`: the same handler by hand on `lambda_runtime` (`benches/by-hand`);
- `site-per-function` (with --site): the site's four functions, each from clean in its own
  target directory, as Netlify builds a site's Rust functions from source: the sum of four builds;
- `site-one-build` (with --site, musl only): the site's own build command (`build-functions.sh`:
  its workspace built once, each binary placed as a prebuilt function), as `netlify build` runs it.

The target is `x86_64-unknown-linux-musl`, Netlify's, when rustup can add it; otherwise the
native target, and the JSON says which. Crates are fetched before the first round, so the time
is compiling only. For each build: wall time, the number of crates compiled (cargo's `Compiling`
lines) and the size of the binary.

Usage: python3 benches/deploy_build.py <scratch dir> [rounds] [--site]
"""
import json
import os
import shutil
import subprocess
import sys
import time
from statistics import median

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
scratch = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 3
with_site = "--site" in sys.argv
site = os.path.join(root, "examples", "netlify-site")
functions = ["identity-validate", "identity-signup", "identity-login", "identity-signup-background"]

MUSL = "x86_64-unknown-linux-musl"
added = subprocess.run(["rustup", "target", "add", MUSL], capture_output=True, text=True)
target = MUSL if added.returncode == 0 else None


def cargo_build(cwd, target_dir, command=None):
    """One cold build; returns (seconds, crates compiled)."""
    shutil.rmtree(target_dir, ignore_errors=True)
    args = command or ["cargo", "build", "--release", "--offline"] + (["--target", target] if target else [])
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir, CARGO_TERM_COLOR="never")
    start = time.monotonic()
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.monotonic() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} in {cwd} failed:\n{out.stderr[-3000:]}")
    crates = sum(1 for line in out.stderr.splitlines() if line.strip().startswith("Compiling "))
    return took, crates


def binary(target_dir, name):
    profile = os.path.join(target_dir, target, "release") if target else os.path.join(target_dir, "release")
    return os.path.getsize(os.path.join(profile, name))


def framework():
    d = os.path.join(scratch, "framework")
    took, crates = cargo_build(os.path.join(site, "netlify", "functions", "identity-signup"), d)
    return {"seconds": took, "crates": crates, "binary_bytes": binary(d, "identity-signup")}


def by_hand():
    d = os.path.join(scratch, "by-hand")
    took, crates = cargo_build(os.path.join(root, "benches", "by-hand"), d)
    return {"seconds": took, "crates": crates, "binary_bytes": binary(d, "by-hand")}


def site_per_function():
    total, crates = 0.0, 0
    for name in functions:
        d = os.path.join(scratch, "per-function")
        took, n = cargo_build(os.path.join(site, "netlify", "functions", name), d)
        total += took
        crates += n
    return {"seconds": total, "crates": crates, "binary_bytes": binary(d, functions[-1])}


def site_one_build():
    """The site's own build command, as `netlify build` runs it (musl only: the script is
    Netlify's build)."""
    d = os.path.join(scratch, "one-build")
    took, crates = cargo_build(site, d, ["bash", "build-functions.sh"])
    return {"seconds": took, "crates": crates, "binary_bytes": binary(d, "identity-signup")}


subjects = {"framework": framework, "by-hand": by_hand}
if with_site and target:
    subjects.update({"site-per-function": site_per_function, "site-one-build": site_one_build})

for cwd in (site, os.path.join(root, "benches", "by-hand")):
    subprocess.run(["cargo", "fetch", "--quiet"] + (["--target", target] if target else []), cwd=cwd, check=True)

os.makedirs(scratch, exist_ok=True)
runs = {name: [] for name in subjects}
names = list(subjects)
for r in range(rounds):
    for i in range(len(names)):
        name = names[(i + r) % len(names)]
        runs[name].append(subjects[name]())
        print(f"round {r + 1}: {name} {runs[name][-1]['seconds']:.1f} s", file=sys.stderr)
shutil.rmtree(scratch, ignore_errors=True)


def summary(samples):
    seconds = [s["seconds"] for s in samples]
    return {"median_seconds": median(seconds), "min_seconds": min(seconds), "max_seconds": max(seconds),
            "crates": samples[-1]["crates"], "binary_bytes": samples[-1]["binary_bytes"], "rounds": len(samples)}


print(json.dumps({"target": target or "native (rustup could not add x86_64-unknown-linux-musl)",
                  "subjects": {name: summary(samples) for name, samples in runs.items()}}, indent=2))
