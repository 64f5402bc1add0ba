"""`nfvct load`: the orchestration outside Locust. Starts what the run needs (the reference CMF out of process
without --profile; CA-1; the notification endpoint and subscriptions), runs Locust in its own process
(harness/load/engine.py; with --workers, one master and W worker processes), then judges what only the whole run
can show (serial numbers unique, every notification delivered exactly once, revocations effective at the CA) and
writes D/load.json, D/load.html and Locust's CSV.

Exit: 0 every answer correct and the workload done; 1 an incorrect answer (a FAIL); 2 otherwise (errors, the
workload not done in time, a usage error)."""

from __future__ import annotations

import json
import os
import resource
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.listeners import free_port
from harness.load.acme_ops import answerable
from harness.load.actors import Actors, harness_actors, served_reference
from harness.load.direct_ops import direct_load, judge_direct
from harness.load.judge import judge_run
from harness.load.report import write_report
from harness.load.workloads import Workload
from harness.profile import load_profile

MARGIN_SECONDS = 420.0  # beyond the workload's bound: waiting for the SUT, connecting workers, stopping


@dataclass(frozen=True)
class LoadArgs:
    workload: Workload
    out: Path
    profile: Path | None = None
    workers: int = 0
    faults: tuple[str, ...] = ()
    master_bind: str = "127.0.0.1"
    master_port: int = 0
    expect_remote: int = 0  # workers started elsewhere (`python -m harness.load.engine PLAN worker ...`)


def run_load(args: LoadArgs) -> int:
    if args.workers and args.workload.concurrency < args.workers:
        raise ValueError(f"--concurrency {args.workload.concurrency}: give each of the {args.workers} workers at "
                         "least one user")
    if args.workload.acme and (args.workers or args.expect_remote):
        raise ValueError(f"--workload {args.workload.name}: runs in one Locust process (its tls-alpn-01 responder "
                         "listens on the one port of pixit.harness.alpn): drop --workers/--remote-workers")
    if args.workload.direct and args.expect_remote:
        raise ValueError(f"--workload {args.workload.name}: its users drive the harness's VNFM through a loopback "
                         "control API: drop --remote-workers")
    if args.faults and args.profile is not None:
        raise ValueError("--fault starts the reference CMF with a fault: only without --profile")
    work = args.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    run_id = secrets.token_hex(4)
    with ExitStack() as stack:
        ready: Callable[[], None] = lambda: None
        if args.profile is not None:
            profile_path = args.profile
        else:
            reference = stack.enter_context(served_reference(list(args.faults), work))
            profile_path, ready = reference.profile, reference.wait_ready
        load_before = os.getloadavg()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.time()
        process = stack.enter_context(_engine_process(args, profile_path, run_id, work))  # imports meanwhile
        ready()
        profile = load_profile(profile_path)
        if args.workload.acme:
            answerable(profile)  # a profile without [pixit.acme] or a challenge to answer: one line, before the run
        direct = stack.enter_context(direct_load(profile, args.workload, run_id, work)) \
            if args.workload.direct else None
        actors = Actors() if direct is not None else \
            stack.enter_context(harness_actors(profile, args.workload.subscribers, run_id))
        (work / "go").write_text(str(time.time()))
        print(f"nfvct load: ready after {time.time() - wall:.1f} s", file=sys.stderr)
        engine = _engine_result(process, args, work)
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine = {"cpus": os.cpu_count(), "loadavg_before": list(load_before), "loadavg_after": list(os.getloadavg()),
                   "load_generator_cpu_seconds": round(cpu_after.ru_utime + cpu_after.ru_stime
                                                       - cpu_before.ru_utime - cpu_before.ru_stime, 2),
                   "wall_seconds": round(time.time() - wall, 2)}
        verdict = judge_run(args.workload, engine, actors)
        if direct is not None:
            machine["direct"] = judge_direct(direct, verdict)
    params = {"workload": args.workload.to_json(), "workers": args.workers, "run_id": run_id,
              "sut": profile.name, "profile": str(args.profile) if args.profile else "embedded reference CMF, out "
              "of process (nfvct serve-reference)", "faults": list(args.faults)}
    paths = write_report(args.out, params, machine, engine, verdict)
    print(verdict.summary_line(), file=sys.stderr)
    print(f"report: {paths['html']}", file=sys.stderr)
    return verdict.exit_code


@contextmanager
def _engine_process(args: LoadArgs, profile: Path, run_id: str, work: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The Locust process (local runner, or master spawning the workers), killed if the run ends without it."""
    workers = args.workers + args.expect_remote
    plan = {"profile": str(profile.resolve()), "workload": args.workload.to_json(), "run_id": run_id,
            "workers": max(1, workers), "work": str(work.resolve()), "master_bind": args.master_bind,
            "master_port": args.master_port or free_port(args.master_bind), "spawn_workers": args.workers,
            "go": str((work / "go").resolve()), "csv_prefix": str(args.out.resolve() / "locust")}
    for stale in ("go", "engine.json"):
        (work / stale).unlink(missing_ok=True)
    (work / "plan.json").write_text(json.dumps(plan, indent=1))
    if args.expect_remote:
        print(f"nfvct load: waiting for {args.expect_remote} remote worker(s): on each, run  python -m "
              f"harness.load.engine PLAN.json worker --master-host <this host> --master-port "
              f"{plan['master_port']}  (PLAN.json: a copy of {work / 'plan.json'})", file=sys.stderr)
    command = [sys.executable, "-m", "harness.load.engine", str(work / "plan.json"), "master" if workers else "local"]
    with (work / "engine.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _engine_result(process: subprocess.Popen[bytes], args: LoadArgs, work: Path) -> dict[str, Any]:
    try:
        code = process.wait(timeout=args.workload.seconds + MARGIN_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        code = -9
    result = work / "engine.json"
    if code != 0 or not result.exists():
        tail = (work / "engine.log").read_text(errors="replace")[-1500:]
        raise RuntimeError(f"the Locust process ended with exit {code} and no results ({work / 'engine.log'}):\n{tail}")
    data: dict[str, Any] = json.loads(result.read_text())
    return data
