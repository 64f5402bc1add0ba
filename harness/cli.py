"""The `nfvct` command line."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path

from harness import __version__


def _cmd_run(args: argparse.Namespace) -> int:
    from harness.compare import load_results, with_baseline
    from harness.events import TerminalProgress
    from harness.model import RunResult
    from harness.profile import ProfileError, load_profile
    from harness.runner import run
    from reports import write_partial_reports, write_reports

    try:
        out = writable_folder(Path(args.out), "--out")
        profile = load_profile(Path(args.profile)) if args.profile else None
        if profile is not None and not args.no_preflight:
            from harness.preflight import gate
            if not gate(profile):  # one line per problem; no scenario run, no report written
                return 2
        baseline = load_results(args.baseline) if args.baseline else None  # read and checked before the run
        progress = TerminalProgress()

        def on_sigterm(signum: int, frame: object) -> None:  # stop as Ctrl-C does; a second SIGTERM is ignored
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            raise KeyboardInterrupt("SIGTERM")

        def partial(so_far: RunResult) -> None:  # crash-safe: a SIGKILL still leaves what finished
            try:
                write_partial_reports(so_far, out)
            except OSError as exc:
                print(f"nfvct: --out {out}: cannot write the partial results: {exc.strerror or exc}", file=sys.stderr)

        in_main = threading.current_thread() is threading.main_thread()
        old_term = signal.signal(signal.SIGTERM, on_sigterm) if in_main else None
        try:
            result = run(profile, faults=args.fault, pattern=args.k, requirements=args.requirement,
                         checks=args.check, seed=args.seed, emit=progress, role=args.role, on_scenario=partial,
                         render_ahead=True, overlap=not args.no_overlap)
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, old_term)
    except (ProfileError, ValueError) as exc:
        print(f"nfvct: {exc}", file=sys.stderr)
        return 2
    if baseline is not None:
        result = with_baseline(result, baseline)
    try:
        paths = write_reports(result, out)
    except OSError as exc:
        print(f"nfvct: --out {out}: cannot write the report: {exc.strerror or exc}", file=sys.stderr)
        return 2
    summary = ", ".join(f"{count} {verdict}" for verdict, count in result.summary().items() if count)
    outcome = result.outcome()
    print(f"requirements: {summary}", file=sys.stderr)
    gated = " without the baseline" if result.comparison is not None else ""
    print(f"{outcome.text} (exit {outcome.exit_code}{gated})", file=sys.stderr)
    if result.comparison is not None:  # the gate: no new FAIL against the baseline
        differ = [f"  the runs differ: {d}" for d in result.comparison.differences]
        print("\n".join([result.comparison.gate_text(), *differ]), file=sys.stderr)
    print(f"report: {paths['html']}", file=sys.stderr)
    if result.comparison is not None:
        return result.comparison.exit_code()
    return outcome.exit_code


def writable_folder(path: Path, option: str) -> Path:
    """``path`` as a folder the reports can be written to (made if missing), checked before the run."""
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {path}: exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".nfvct-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ValueError(f"{option} {path}: cannot write there: {exc.strerror or exc}") from None
    return path


def _cmd_check(args: argparse.Namespace) -> int:
    from harness.preflight import preflight, report
    from harness.profile import ProfileError, load_profile

    try:
        profile = load_profile(Path(args.profile))
    except ProfileError as exc:
        print(f"nfvct: {exc}", file=sys.stderr)
        return 2
    out, err = report(preflight(profile, connect=min(3.0, args.timeout), total=args.timeout), profile)
    if err:
        print("\n".join(err), file=sys.stderr)
    if out:
        print("\n".join(out))
    return 0 if out else 2


def _cmd_list(args: argparse.Namespace) -> int:
    from harness.checks import REGISTRY
    from harness.checks.profile_checks import CHECKS as PER_CERTIFICATE
    from harness.runner import select
    from scenarios import scenarios_for

    chosen = select(scenarios_for(args.role), args.k)
    if not chosen:
        print(f"nfvct: -k {args.k!r} matches no scenario id or title", file=sys.stderr)
        return 2
    items = [
        {"id": s.id, "title": s.title, "source": s.flow.source,
         "checks": [{"name": c, "requirements": list(REGISTRY[c].requirements),
                     "per_certificate": c in PER_CERTIFICATE} for c in s.checks]}
        for s in chosen
    ]
    if args.json:
        print(json.dumps(items, indent=2))
        return 0
    for item in items:
        print(f"{item['id']}  {item['title']}  ({item['source']})")
        for c in item["checks"]:
            each = "  (on each certificate obtained)" if c["per_certificate"] else ""
            print(f"    {c['name']:36} {', '.join(c['requirements'])}{each}")
    return 0


def _show_check(name: str) -> int:
    from harness.checks import REGISTRY
    from harness.faults import faults_for
    from scenarios import all_scenarios, sm_scenarios

    spec = REGISTRY[name]
    print(f"check {name}")
    print("requirements: " + ", ".join(spec.requirements))
    if spec.scope:
        print(f"scope: {spec.scope}")
    if spec.func.__doc__:
        print(f"\n{' '.join(spec.func.__doc__.split())}\n")
    scenarios = [s.id for s in all_scenarios() + sm_scenarios() if name in s.checks]
    print("scenarios: " + (", ".join(scenarios) if scenarios else "none"))
    faults = [f.name for role in ("cmf", "sm") for f in faults_for(role)
              if set(f.requirements) & set(spec.requirements)]
    print("faults violating its requirements: " + (", ".join(faults) if faults else "none"))
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from harness.catalogue import SIDE_LABELS, load_catalogue, load_sides
    from harness.checks import REGISTRY
    from harness.faults import faults_for
    from scenarios import all_scenarios, sm_scenarios

    if args.id in REGISTRY:
        return _show_check(args.id)
    catalogue = load_catalogue()
    try:
        req = catalogue.get(args.id)
    except KeyError as exc:
        print(f"nfvct: {exc.args[0]} (nor a check name: `nfvct list` shows both)", file=sys.stderr)
        return 2
    print(f"{req.id}  ({catalogue.documents.get(req.document, req.document)}, clause {req.clause}"
          f"{', ' + req.table if req.table else ''})")
    for label, value in (("applies to", req.applies_to), ("mode", req.mode), ("PSF", req.psf),
                         ("IFA026 reference", req.reference)):
        if value:
            print(f"{label}: {value}")
    side = load_sides().get(req.id)
    if side:
        print(f"SM run: {SIDE_LABELS[side[0]]}: {side[1]}")
    print(f"\n{req.text}\n")
    checks = [c for c in REGISTRY.values() if req.id in c.requirements]
    print("checks: " + (", ".join(c.name for c in checks) if checks else "none (NOT TESTED)"))
    names = {c.name for c in checks}
    scenarios = [s.id for s in all_scenarios() + sm_scenarios() if names & set(s.checks)]
    print("scenarios: " + (", ".join(scenarios) if scenarios else "none"))
    who = "SM" if side else "CMF"
    faults = [f.name for f in faults_for("sm" if side else "cmf") if req.id in f.requirements]
    print(f"reference {who} faults violating it: " + (", ".join(faults) if faults else "none"))
    return 0


def _cmd_faults(args: argparse.Namespace) -> int:
    from harness.faults import faults_for

    FAULTS = faults_for(args.role)

    if args.json:
        print(json.dumps([{"name": f.name, "requirements": list(f.requirements), "description": f.description}
                          for f in FAULTS], indent=2))
        return 0
    for f in FAULTS:
        print(f"{f.name:32} {f.description}\n{'':32} violates: {', '.join(f.requirements)}")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from harness.compare import compare, load_results, summary_lines

    try:
        comparison = compare(load_results(args.old), load_results(args.new))
    except ValueError as exc:
        print(f"nfvct diff: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(comparison.to_json(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(summary_lines(comparison)))
    return comparison.exit_code()


def _cmd_init(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if directory.exists() and not directory.is_dir():
        print(f"nfvct: {directory}: exists and is not a folder", file=sys.stderr)
        return 2
    try:
        if args.role == "sm":
            from harness.env_sm import init_sm
            profile = init_sm(directory, host=args.host)
        else:
            from harness.env_cmf import init_cmf
            profile = init_cmf(directory, host=args.host)
    except OSError as exc:
        print(f"nfvct: {directory}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print((directory / "IMPORT.txt").read_text())
    print(f"profile: {profile}\n  rehearse: nfvct serve-reference --role {args.role} --profile {profile}"
          f"\n  run:      nfvct run --profile {profile}")
    return 0


def _cmd_serve_reference(args: argparse.Namespace) -> int:
    from harness.profile import ProfileError, load_profile
    from harness.faults import split

    if args.profile:
        profile_path = Path(args.profile)
    else:  # --state DIR: an environment made there on first use
        profile_path = Path(args.state) / "profile.toml"
        if not profile_path.exists():
            from harness.env_cmf import init_cmf
            from harness.env_sm import init_sm
            (init_sm if args.role == "sm" else init_cmf)(Path(args.state))
    try:
        profile = load_profile(profile_path)
        role = profile.pics.role.lower()
        if role != args.role:
            raise ProfileError(f"{profile_path}: sut.role is {profile.pics.role}, not {args.role.upper()} (--role)")
        sut_faults, actor_faults = split(role, args.fault)
        if actor_faults:
            raise ValueError(f"--fault {', '.join(sorted(actor_faults))}: a fault of the harness's own actors; give "
                             "it to `nfvct run --fault`")
        if role == "sm":
            from reference.sm.serve import serve_sm, settings_for as sm_settings
            return serve_sm(sm_settings(profile_path), faults=sorted(sut_faults))
        from reference.cmf.standalone import serve_cmf, settings_for
        print(f"profile:       {profile_path}   ->  nfvct run --profile {profile_path}")
        return serve_cmf(settings_for(profile_path), faults=sorted(sut_faults))
    except (ProfileError, ValueError, OSError) as exc:
        print(f"nfvct: {exc}", file=sys.stderr)
        return 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nfvct", description="ETSI NFV certificate and security management conformance harness")
    p.add_argument("--version", action="version", version=f"nfvct {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the conformance scenarios and write the report")
    r.add_argument("--profile", help="SUT profile (TOML); default: the embedded reference CMF (or SM)")
    r.add_argument("--role", choices=("cmf", "sm"), default="cmf",
                   help="the SUT's role without a profile: cmf (reference CMF) or sm (reference Security Manager)")
    r.add_argument("--out", default="out", help="report folder (default: out)")
    r.add_argument("--fault", action="append", default=[], metavar="NAME",
                   help="start the embedded reference CMF/SM with this fault (repeatable; see `nfvct faults [--role sm]`)")
    r.add_argument("-k", metavar="PATTERN",
                   help="only scenarios whose id or title contains PATTERN (literal, case-insensitive; * and ? "
                        "make it a glob); 'A|B' either, 'not X' all but")
    r.add_argument("--requirement", action="append", default=[], metavar="ID",
                   help="only what judges this requirement ID, or every ID it prefixes (repeatable)")
    r.add_argument("--check", action="append", default=[], metavar="NAME",
                   help="only this check, in the scenarios that run it (repeatable; `nfvct list` names them)")
    r.add_argument("--seed", type=int, help="seed for generated identifiers (recorded in the report)")
    r.add_argument("--baseline", metavar="OLD", help="compare with an earlier results.json (or its report "
                                                      "folder); exit 1 only on a FAIL that is new since it")
    r.add_argument("--no-preflight", action="store_true",
                   help="with --profile: skip the pre-flight of the SUT's endpoints (`nfvct check`)")
    r.add_argument("--no-overlap", action="store_true",
                   help="run the scenarios strictly one after another; by default, while a scenario waits for what "
                        "only time brings (a certificate's expiry, a key retention), later scenarios that do not "
                        "depend on what it holds run meanwhile (the wait itself is never shortened)")
    r.set_defaults(func=_cmd_run)

    ls = sub.add_parser("list", help="list scenarios, their checks and requirement IDs")
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--role", choices=("cmf", "sm"), default="cmf")
    ls.add_argument("-k", metavar="PATTERN", help="only scenarios matching PATTERN (as `nfvct run -k`)")
    ls.set_defaults(func=_cmd_list)

    sh = sub.add_parser("show", help="show one requirement (text, clause, checks, scenarios, faults) or one check")
    sh.add_argument("id", help="a requirement ID or a check name")
    sh.set_defaults(func=_cmd_show)

    fa = sub.add_parser("faults", help="list the reference CMF's (or SM's) named faults")
    fa.add_argument("--json", action="store_true")
    fa.add_argument("--role", choices=("cmf", "sm"), default="cmf")
    fa.set_defaults(func=_cmd_faults)

    df = sub.add_parser("diff", help="compare two runs' results.json: regressions, fixes, changes (exit 1 on a "
                                     "regression, 2 on a new INCONCLUSIVE/ERROR or an unreadable file)")
    df.add_argument("old", metavar="OLD", help="the baseline results.json (or the report folder holding it)")
    df.add_argument("new", metavar="NEW", help="the results.json to judge against it")
    df.add_argument("--json", action="store_true", help="print the comparison as JSON")
    df.error = lambda message: df.exit(2, f"nfvct diff: {message} (see nfvct diff --help)\n")  # type: ignore
    df.set_defaults(func=_cmd_diff)

    it = sub.add_parser("init", help="write a persistent test environment: profile skeleton, test PKI, what the "
                                     "product must import")
    it.add_argument("directory")
    it.add_argument("--role", choices=("cmf", "sm"), default="cmf")
    it.add_argument("--host", default="127.0.0.1",
                    help="the harness host's address as the product reaches it (advertised URLs, certificate SANs)")
    it.set_defaults(func=_cmd_init)

    sr = sub.add_parser("serve-reference", help="serve the reference CMF or SM in this process, from an "
                                                "`nfvct init` environment, until Ctrl-C")
    sr.add_argument("--role", choices=("cmf", "sm"), default="cmf")
    sr.add_argument("--profile", help="the environment's profile.toml (its reference/ folder holds the settings)")
    sr.add_argument("--state", default="nfvct-reference",
                    help="without --profile: the environment folder (made on first use)")
    sr.add_argument("--fault", action="append", default=[], metavar="NAME",
                    help="start the reference with this fault (repeatable; see `nfvct faults`)")
    sr.set_defaults(func=_cmd_serve_reference)

    ck = sub.add_parser("check", help="pre-flight: probe every SUT endpoint of a profile (TCP, TLS, server "
                                      "certificate, client certificate, API answer) without running scenarios")
    ck.add_argument("profile")
    ck.add_argument("--timeout", type=float, default=5.0, metavar="S", help="per endpoint, in seconds (default 5)")
    ck.set_defaults(func=_cmd_check)

    from harness.load.cli import add_load_parser  # `nfvct load` (issue 15): Locust, in processes of its own
    add_load_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Exit codes: 0 conformant so far, 1 something FAILs, 2 everything else (usage errors included). A harness
    defect prints its traceback but still exits 2: exit 1 is reserved for a FAIL of the SUT."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("nfvct: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `nfvct list | head`: the reader left; nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:  # a harness bug: say so, keep the traceback for the report, never exit 1
        traceback.print_exc()
        print("nfvct: internal error (a harness defect, not a verdict on the SUT): please report it with the "
              "traceback above", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
