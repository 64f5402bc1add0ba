"""The Locust process of `nfvct load` (never imported by the harness: Locust monkey-patches with gevent).

    python -m harness.load.engine PLAN.json local
    python -m harness.load.engine PLAN.json master            # spawns plan["spawn_workers"] local workers
    python -m harness.load.engine PLAN.json worker --master-host H [--master-port P]

The plan (written by harness/load/run.py) names the profile, the workload, the run id and the worker count; the
process starts (imports, workers connecting) while the SUT starts, and begins the load when the file plan["go"]
appears (bounded by GO_SECONDS); the workload's time bound counts from then. The master (or the local runner) writes Locust's CSV (``locust_*.csv``) and ``engine.json``
(Locust's per-operation statistics plus every process's collected judgements) into plan["work"].
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
from gevent.event import Event  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.log import setup_logging  # noqa: E402
from locust.runners import WORKER_REPORT_INTERVAL  # noqa: E402
from locust.stats import PERCENTILES_TO_REPORT, StatsCSVFileWriter  # noqa: E402

from harness.load.direct_users import user_class  # noqa: E402
from harness.load.users import Collector, Share, paced, wait_finished  # noqa: E402
from harness.load.workloads import Workload  # noqa: E402
from harness.profile import load_profile  # noqa: E402

CONNECT_SECONDS = 120.0  # how long the master waits for its workers (they import while the SUT starts)
STOP_SECONDS = 30.0  # users finish the exchange they are in when the run stops
GO_SECONDS = 180.0  # how long the load process waits for the SUT and the harness actors to be ready


def _workload(plan: dict[str, Any]) -> Workload:
    data = dict(plan["workload"])
    data["operations"] = tuple(data["operations"])
    data["vdus"] = tuple(data.get("vdus", ("vdu-app",)))
    return Workload(**data)


def _environment(plan: dict[str, Any]) -> tuple[Environment, Collector]:
    workload = _workload(plan)
    paced(workload)
    user = user_class(workload)
    user.collector = collector = Collector()  # type: ignore[attr-defined]
    user.work = Path(plan["work"])  # type: ignore[attr-defined]  # direct: the control API's URL is there
    return Environment(user_classes=[user], stop_timeout=STOP_SECONDS), collector


def _wait_go(plan: dict[str, Any]) -> float:
    """Until the SUT and the harness's actors are ready (plan["go"] exists): the run's deadline from then."""
    go, until = Path(plan["go"]), time.monotonic() + GO_SECONDS
    while not go.exists():
        if time.monotonic() > until:
            raise SystemExit(f"nfvct load: {go} did not appear within {GO_SECONDS:g} s")
        gevent.sleep(0.1)
    print(f"nfvct load: go at {time.time():.2f}", flush=True)
    return time.time() + float(plan["workload"]["seconds"])


def _share(plan: dict[str, Any], worker: int, workers: int, deadline: float) -> Share:
    workload = _workload(plan)
    share = Share(workload, load_profile(Path(plan["profile"])), plan["run_id"], worker, workers, deadline)
    user_class(workload).share = share  # type: ignore[attr-defined]
    return share


def _stats(env: Environment) -> list[dict[str, Any]]:
    out = []
    for (name, method), e in sorted(env.stats.entries.items()):
        out.append({"name": name, "method": method, "count": e.num_requests, "failures": e.num_failures,
                    "p50_ms": e.get_response_time_percentile(0.5), "p95_ms": e.get_response_time_percentile(0.95),
                    "p99_ms": e.get_response_time_percentile(0.99), "max_ms": round(e.max_response_time or 0, 2),
                    "avg_ms": round(e.avg_response_time, 2), "rps": round(e.total_rps, 3)})
    return out


def _csv(env: Environment, plan: dict[str, Any]) -> tuple[StatsCSVFileWriter, gevent.Greenlet]:
    writer = StatsCSVFileWriter(env, PERCENTILES_TO_REPORT, str(plan["csv_prefix"]), full_history=True)
    return writer, gevent.spawn(writer.stats_writer)


def _finish(env: Environment, writer: StatsCSVFileWriter, greenlet: gevent.Greenlet, result: dict[str, Any],
            work: Path) -> None:
    gevent.sleep(1.2)  # one more round of Locust's CSV writer (every second) with the final numbers
    greenlet.kill(block=True)
    writer.close_files()
    result["stats"] = _stats(env)
    (work / "engine.json").write_text(json.dumps(result))
    print(f"nfvct load: results written at {time.time():.2f}", flush=True)


def run_local(plan: dict[str, Any]) -> int:
    env, collector = _environment(plan)
    runner = env.create_local_runner()
    deadline = _wait_go(plan)
    share = _share(plan, 0, 1, deadline)
    work = Path(plan["work"])
    writer, greenlet = _csv(env, plan)
    started = time.time()
    concurrency = int(plan["workload"]["concurrency"])
    runner.start(concurrency, spawn_rate=concurrency)
    finished = wait_finished(share, deadline - time.time())
    runner.quit()
    result = {"mode": "local", "started": started, "finished": time.time(), "complete": finished,
              "collected": collector.drain(), "workers": [], "cpu_warning": bool(runner.cpu_warning_emitted)}
    _finish(env, writer, greenlet, result, work)
    return 0


def run_master(plan: dict[str, Any]) -> int:
    env, collector = _environment(plan)
    workers = int(plan["workers"])
    runner = env.create_master_runner(master_bind_host=plan["master_bind"], master_bind_port=int(plan["master_port"]))
    done: dict[str, bool] = {}

    def on_report(client_id: str, data: dict[str, Any]) -> None:
        mine = data.get("nfvct")
        if mine:
            collector.merge(mine)
            done[client_id] = bool(mine.get("finished"))

    env.events.worker_report.add_listener(on_report)
    finals: dict[str, bool] = {}

    def on_final(environment: Environment, msg: Any, **_: Any) -> None:
        collector.merge(msg.data)
        finals[msg.node_id] = True

    runner.register_message("nfvct_final", on_final)
    work = Path(plan["work"])
    spawned = [_spawn_worker(plan, i, work) for i in range(int(plan.get("spawn_workers", 0)))]
    try:
        deadline = time.monotonic() + CONNECT_SECONDS
        while len(runner.clients.ready) < workers and time.monotonic() < deadline:
            gevent.sleep(0.2)
        if len(runner.clients.ready) < workers:
            print(f"nfvct load: only {len(runner.clients.ready)} of {workers} workers connected within "
                  f"{CONNECT_SECONDS:g} s", file=sys.stderr)
            runner.quit()
            return 2
        run_deadline = _wait_go(plan)
        writer, greenlet = _csv(env, plan)
        started = time.time()
        concurrency = int(plan["workload"]["concurrency"])
        runner.start(concurrency, spawn_rate=concurrency)
        while time.time() < run_deadline and not (len(done) >= workers and all(done.values())):
            gevent.sleep(0.25)
        complete = len(done) >= workers and all(done.values())
        finished = time.time()
        # not Locust's stop: a stopped worker's reports are discarded; each worker stops itself and reports last
        runner.send_message("nfvct_stop")
        until = time.monotonic() + STOP_SECONDS + 30
        while len(finals) < workers and time.monotonic() < until:
            gevent.sleep(0.2)
        gevent.sleep(WORKER_REPORT_INTERVAL + 0.5)  # Locust's own last periodic report of each worker
        cpu = [{"id": c.id, "cpu_percent": c.cpu_usage} for c in runner.clients.values()]
        cpu_warning = bool(runner.worker_cpu_warning_emitted or runner.cpu_warning_emitted)
        runner.quit()
        result = {"mode": "master", "started": started, "finished": finished, "complete": complete,
                  "collected": collector.drain(), "workers": cpu, "cpu_warning": cpu_warning,
                  "final_reports": len(finals)}
        _finish(env, writer, greenlet, result, work)
    finally:
        for process in spawned:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
    return 0


def _spawn_worker(plan: dict[str, Any], index: int, work: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "harness.load.engine", str(work / "plan.json"), "worker",
            "--master-host", "127.0.0.1", "--master-port", str(plan["master_port"])]
    with (work / f"worker-{index}.log").open("wb") as log:
        return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)


def run_worker(plan: dict[str, Any], master_host: str, master_port: int) -> NoReturn:
    env, collector = _environment(plan)
    runner = env.create_worker_runner(master_host, master_port)
    holder: dict[str, Share] = {}

    def on_test_start(environment: Environment, **_: Any) -> None:
        if "share" not in holder:
            holder["share"] = _share(plan, max(0, runner.worker_index), int(plan["workers"]),
                                     time.time() + float(plan["workload"]["seconds"]))

    def on_report(client_id: str, data: dict[str, Any]) -> None:
        share = holder.get("share")
        data["nfvct"] = {**collector.drain(), "finished": bool(share and share.finished.is_set())}

    final = Event()

    def on_stop(environment: Environment, msg: Any, **_: Any) -> None:
        runner.stop()  # users finish the exchange they are in (stop_timeout)
        share = holder.get("share")
        runner.send_message("nfvct_final", {**collector.drain(), "finished": bool(share and share.finished.is_set())})
        final.set()

    env.events.test_start.add_listener(on_test_start)
    env.events.report_to_master.add_listener(on_report)
    runner.register_message("nfvct_stop", on_stop, concurrent=True)
    bound = float(plan["workload"]["seconds"]) + GO_SECONDS + CONNECT_SECONDS + STOP_SECONDS + 30
    final.wait(timeout=max(1.0, bound))
    gevent.sleep(WORKER_REPORT_INTERVAL + 1.0)  # Locust's own last periodic report reaches the master
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the master quits on its own; nothing of this process is left to close


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m harness.load.engine")
    p.add_argument("plan")
    p.add_argument("mode", choices=("local", "master", "worker"))
    p.add_argument("--master-host", default="127.0.0.1")
    p.add_argument("--master-port", type=int, default=0)
    args = p.parse_args(argv)
    plan = json.loads(Path(args.plan).read_text())
    print(f"nfvct load: {args.mode} started at {time.time():.2f} ({time.process_time():.2f} s CPU in imports)",
          flush=True)
    setup_logging(os.environ.get("NFVCT_LOAD_LOG", "WARNING"))
    if args.mode == "local":
        return run_local(plan)
    if args.mode == "master":
        return run_master(plan)
    return run_worker(plan, args.master_host, args.master_port or int(plan["master_port"]))


if __name__ == "__main__":
    raise SystemExit(main())
