"""Times the framework and node on each case side by side, several rounds, for the ratio of the
two: on a shared machine the speed moves by a third between minutes, and the full criterion run
and node's run are minutes apart. Each round runs, for every case, a short criterion run of the
framework alone and then node on the same event; the ratio of that pair is the round's. Prints
JSON {case: {"framework_ns": [...], "node_ns": [...], "ratios": [...]}}, one entry a round.
Denials have four rows: `<case>`, the framework's whole invocation (its log line written)
against the seed docs' handler, which logs nothing; `<case>-logged`, the same against node
writing the same line; `<case>-answered`, the framework up to the answer it posts (its line is
written after posting) against the seed docs' handler; `<case>-floor`, the hand-written floor's
whole invocation (it writes the same line) against the seed docs' handler. A denial's own entry
also has "line_ns": the line's write alone, timed in the same round.

Usage: python3 benches/paired.py <invocation bench binary> <events dir> <out dir> [rounds]
"""
import json
import os
import subprocess
import sys

binary, events, out = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
log = os.path.join(out, "paired.stderr")
cases = [(d, s) for d in ("allow", "change", "deny") for s in ("small", "typical", "large")]


def criterion_ns(round_dir, decision, size, side="framework"):
    # Criterion's own directory for these runs, so that the full run's estimates stay.
    env = dict(os.environ, CRITERION_HOME=round_dir)
    with open(log, "a") as stderr:
        subprocess.run(
            [binary, "--bench", "--warm-up-time", "1", "--measurement-time", "2", "--noplot",
             f"^{decision}/{side}/{size}$"],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr, check=True,
        )
    path = os.path.join(round_dir, decision, side, size, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def node_ns(name):
    env = dict(os.environ, QUICK="1")
    with open(log, "a") as stderr:
        result = subprocess.run(
            ["node", os.path.join(here, "node", "bench.mjs"), events, name],
            env=env, stdout=subprocess.PIPE, stderr=stderr, check=True,
            text=True,
        )
    return {case: r["median_ns"] for case, r in json.loads(result.stdout).items()}


results = {}
for r in range(rounds):
    round_dir = os.path.join(out, "paired", f"round-{r}")
    for decision, size in cases:
        name = f"{decision}-{size}"
        ours = criterion_ns(round_dir, decision, size)
        pairs = [(case, ours, theirs) for case, theirs in node_ns(name).items()]
        line = None
        if decision == "deny":
            answered = criterion_ns(round_dir, decision, size, "answered")
            floor = criterion_ns(round_dir, decision, size, "floor")
            line = criterion_ns(round_dir, decision, size, "line")
            seed = next(theirs for case, _, theirs in pairs if case == name)
            pairs.append((f"{name}-answered", answered, seed))
            pairs.append((f"{name}-floor", floor, seed))
        for case, ours_ns, theirs in pairs:
            entry = results.setdefault(case, {"framework_ns": [], "node_ns": [], "ratios": []})
            entry["framework_ns"].append(ours_ns)
            entry["node_ns"].append(theirs)
            entry["ratios"].append(theirs / ours_ns)
        if line is not None:
            results[name].setdefault("line_ns", []).append(line)
print(json.dumps(results))
