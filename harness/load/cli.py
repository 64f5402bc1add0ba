"""`nfvct load`: its command-line options (harness/cli.py adds the subcommand from here)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_load_parser(sub: Any) -> None:
    ld = sub.add_parser("load", help="drive many simulated VNFCIs against a CMF on Locust, check every answer, "
                                     "and write a load report (load.html, load.json, Locust's CSV)")
    ld.add_argument("--profile", help="SUT profile (TOML); default: the reference CMF, started out of process")
    ld.add_argument("--workload", default="scale-out", metavar="NAME",
                    help="a workload of harness/data/workloads.toml: steady, scale-out, renewal, revocation, acme, "
                         "direct-scale-out")
    ld.add_argument("--vnfcis", type=int, metavar="N", help="how many simulated VNFCIs, or ACME orders for acme (the count bound)")
    ld.add_argument("--concurrency", type=int, metavar="C", help="simulated VNFMs working at once (Locust users)")
    ld.add_argument("--workers", type=int, default=0, metavar="W",
                    help="Locust's distributed mode: one master and W worker processes on this host")
    ld.add_argument("--remote-workers", type=int, default=0, metavar="R",
                    help="also wait for R workers started on other hosts (README, 'Load'); needs --master-bind")
    ld.add_argument("--master-bind", default="127.0.0.1", metavar="ADDR",
                    help="where the Locust master listens for workers (default 127.0.0.1)")
    ld.add_argument("--seconds", type=float, metavar="S", help="the run's wall-time bound")
    ld.add_argument("--fault", action="append", default=[], metavar="NAME",
                    help="without --profile: start the reference CMF with this fault (repeatable)")
    ld.add_argument("--out", default="out/load", help="report folder (default: out/load)")
    ld.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from harness.cli import writable_folder
    from harness.faults import split
    from harness.load.run import LoadArgs, run_load
    from harness.load.workloads import WorkloadError, workload
    from harness.profile import ProfileError

    try:
        chosen = workload(args.workload, vnfcis=args.vnfcis, concurrency=args.concurrency, seconds=args.seconds)
        if args.workers < 0 or args.remote_workers < 0:
            raise ValueError("--workers and --remote-workers must be 0 or more")
        if args.remote_workers and args.master_bind in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("--remote-workers: give --master-bind an address the other hosts reach")
        _, actor_faults = split("cmf", args.fault)
        if actor_faults:
            raise ValueError(f"--fault {', '.join(sorted(actor_faults))}: a fault of the harness's CA-1, which "
                             "`nfvct load` runs clean")
        out = writable_folder(Path(args.out), "--out")
        if args.profile and not Path(args.profile).is_file():
            raise ValueError(f"--profile {args.profile}: no such file")
        return run_load(LoadArgs(chosen, out, Path(args.profile) if args.profile else None, args.workers,
                                 tuple(args.fault), args.master_bind, 0, args.remote_workers))
    except (WorkloadError, ProfileError, ValueError) as exc:
        print(f"nfvct: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # the Locust process died: what it said is in the message
        print(f"nfvct load: {exc}", file=sys.stderr)
        return 2
