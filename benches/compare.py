"""Compares two builds of the framework in one run: this checkout's and an earlier commit's.

Each build's `instructions` benchmark binary runs every case many times, framework and floor,
in interleaved rounds (after, before, after, ...), timed from outside; and callgrind counts
one invocation of each. The floor is the same hand-written code in both builds, so each
build's framework / floor ratio is measured against its own floor, in the same minute.

Usage: python3 benches/compare.py <after binary> <before binary> <before name> [rounds]
Prints JSON; `benches/report.py` renders it when `bench-results/compare.json` exists.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from statistics import median

after, before, before_name = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
cases = [f"{d}-{s}" for d in ("allow", "change", "deny") for s in ("small", "typical", "large")]
builds = {"after": after, "before": before}
sides = ("framework", "floor")


def timed(binary, case, side, iterations):
    """Seconds per invocation: one process running the case `iterations` times."""
    start = time.perf_counter()
    subprocess.run([binary, case, side, str(iterations)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) / iterations


def instructions(binary, case, side):
    runs = 5 if case.endswith("large") else 100
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        "--toggle-collect=*instructions::measured*", binary, case, side, str(runs)],
                       check=True, capture_output=True)
        return int(re.search(r"^summary:\s+(\d+)", open(out).read(), re.MULTILINE).group(1)) / runs


# Enough iterations that a run takes about a quarter of a second, its start-up a few percent.
iterations = {}
for case in cases:
    probe = timed(after, case, "framework", 200)
    iterations[case] = max(200, int(0.25 / probe))

times = {b: {c: {s: [] for s in sides} for c in cases} for b in builds}
for _ in range(rounds):
    for case in cases:
        for build in ("after", "before"):
            for side in sides:
                times[build][case][side].append(timed(builds[build], case, side, iterations[case]))

result = {"before": before_name, "rounds": rounds, "cases": {}}
for case in cases:
    row = {}
    for build in builds:
        ratios = [f / g for f, g in zip(times[build][case]["framework"], times[build][case]["floor"])]
        row[build] = {
            "framework_s": median(times[build][case]["framework"]),
            "floor_s": median(times[build][case]["floor"]),
            "ratio": median(ratios),
            "ratio_range": [min(ratios), max(ratios)],
            "instructions": {side: instructions(builds[build], case, side) for side in sides},
        }
    result["cases"][case] = row
print(json.dumps(result))
