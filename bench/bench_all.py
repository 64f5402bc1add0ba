"""Benchmark (not a test), issue 15 item 7: everything the issue measures, printed in one run on one machine load.

1. the reference CMF out of process at 1, 8 and 32 clients beside the crypto bound (bench/bench_cmf.py);
2. the harness's CPU per CMP transaction beside an `openssl cmp` process's (bench/bench_harness_cmp.py);
3. the full embedded conformance run as a user starts it (`nfvct run --out D`, report included): wall time, CPU of
   the process and of its children (the render-ahead worker), and the report's own share.
Each part runs in its own process, one after the other; the load (getloadavg) is printed before and after each.

Usage: .venv/bin/python bench/bench_all.py [--quick]   (--quick: fewer issuances and transactions)
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def part(title: str, argv: list[str]) -> str:
    print(f"\n=== {title} ({load()})", flush=True)
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    print(proc.stdout, end="")
    if proc.returncode != 0:
        print(f"[exit {proc.returncode}] {proc.stderr[-2000:]}")
    return proc.stdout


def full_run() -> dict[str, float]:
    print(f"\n=== full embedded conformance run, `nfvct run` ({load()})", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="nfvct-bench-") as out:
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "harness.cli", "run", "--out", out], cwd=ROOT,
                              capture_output=True, text=True, timeout=900)
        wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    scenarios = sum(float(m) for m in re.findall(r"\(([0-9.]+)s\)$", proc.stderr, re.M))
    print(f"exit {proc.returncode}; wall {wall:.1f} s, CPU {cpu:.1f} s (process and its worker); the scenarios' own "
          f"times add up to {scenarios:.1f} s (a scenario that let others run inside its wait counts their time too: "
          "harness/overlap.py)")
    print("\n".join(line for line in proc.stderr.splitlines() if line.startswith("requirements:")))
    return {"wall": wall, "cpu": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    python = sys.executable
    cmf = ["--count", "120", "--seconds", "8"] if args.quick else []
    cmp = ["--transactions", "8", "--openssl", "4"] if args.quick else []
    part("reference CMF throughput (bench/bench_cmf.py)", [python, "bench/bench_cmf.py", *cmf])
    part("harness CPU per CMP transaction vs openssl cmp (bench/bench_harness_cmp.py)",
         [python, "bench/bench_harness_cmp.py", *cmp])
    full_run()
    print(f"\n=== done ({load()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
