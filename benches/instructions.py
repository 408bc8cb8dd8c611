"""Counts instructions per invocation with callgrind for every case, framework and floor:
`benches/benches/instructions.rs` runs a case's invocations inside `measured`, the one function
callgrind counts. Prints JSON {case: {"framework": n, "floor": n}} (instructions per invocation).

Usage: python3 benches/instructions.py <instructions binary> [iterations]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

binary = sys.argv[1]
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 200
cases = [f"{d}-{s}" for d in ("allow", "change", "deny") for s in ("small", "typical", "large")]


def count(case, side):
    runs = iterations if not case.endswith("large") else max(iterations // 20, 5)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             "--toggle-collect=*instructions::measured*", binary, case, side, str(runs)],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            sys.exit(f"{case} {side}: {result.stderr[-2000:]}")
        match = re.search(r"^summary:\s+(\d+)", open(out).read(), re.MULTILINE)
        if not match or int(match.group(1)) == 0:
            sys.exit(f"{case} {side}: callgrind counted nothing (is `measured` inlined?)")
        return int(match.group(1)) / runs


print(json.dumps({case: {side: count(case, side) for side in ("framework", "floor")} for case in cases}))
