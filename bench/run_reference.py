"""Benchmark: one full conformance run against the embedded reference CMF (or, with --role sm, the reference SM).

The embedded run is what `nfvct run` without a profile does: a fresh `nfvct init` environment on free loopback
ports, the reference started in-process from its own settings file (with the --fault faults), and the harness's
actors started from the environment's profile (CA-1, ACME entities, direct-mode actors).
Measures wall time per scenario and in total, the time outside the scenarios (environment, reference and harness
actors started and stopped), number of traced messages, and peak RSS.
Usage: .venv/bin/python bench/run_reference.py [--repeat N] [--fault NAME] [--role cmf|sm]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

from harness.events import Event, ScenarioFinished
from harness.runner import run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--role", choices=("cmf", "sm"), default="cmf")
    args = parser.parse_args()
    totals: list[float] = []
    outside: list[float] = []  # per run: wall time not spent in a scenario
    per_scenario: dict[str, list[float]] = {}
    in_scenarios = 0.0

    def collect(event: Event) -> None:
        nonlocal in_scenarios
        if isinstance(event, ScenarioFinished):
            per_scenario.setdefault(event.result.id, []).append(event.seconds)
            in_scenarios += event.seconds

    for i in range(args.repeat):
        in_scenarios = 0.0
        t0 = time.perf_counter()
        result = run(None, faults=args.fault, seed=i, emit=collect, role=args.role)
        totals.append(time.perf_counter() - t0)
        outside.append(totals[-1] - in_scenarios)
    print(f"runs: {args.repeat}, messages traced per run: {len(result.trace)}")
    print(f"total wall time: median {statistics.median(totals):.2f}s, min {min(totals):.2f}s, max {max(totals):.2f}s")
    print(f"  outside the scenarios (environment, reference, harness actors): median {statistics.median(outside):.2f}s")
    for scenario, times in per_scenario.items():
        print(f"  {scenario:45} median {statistics.median(times):.3f}s")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
