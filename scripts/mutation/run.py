"""``make mutation``: a fixed, seeded sample of mutants of the reference CMF and SM, each judged by the harness.

Mutants are made by cosmic-ray's operators (scripts/mutation/mutants.py) in private copies of the working tree
(/tmp/nfvct-mutation-*/wN, one per worker: never in the project tree), and the oracle of each is `nfvct run` of
its area's scenarios from that copy (scripts/mutation/oracle.py). Per area it prints the score and the survivors,
and ends with ``mutation score: K/N (X%)`` over the mutants not triaged equivalent in docs/mutation-triage.md.
Exit 0 when every survivor is triaged, 1 when one is not, 2 when the clean reference does not PASS its own
selection, the time budget ran out, or the copy was not what got imported."""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.mutation import triage  # noqa: E402
from scripts.mutation.areas import AREAS, SMOKE, Area, area_named  # noqa: E402
from scripts.mutation.mutants import Mutant, describe, enumerate_area, sample  # noqa: E402
from scripts.mutation.score import MutantResult, classify, report_lines, score, summary_of  # noqa: E402

SKIP = shutil.ignore_patterns(".venv", ".git", "out", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis",
                              "mutants", "reports-out", "build", "*.pyc")


def copy_tree(dst: Path) -> Path:
    shutil.copytree(ROOT, dst, ignore=SKIP)
    return dst


def module_of(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def oracle(copy: Path, area: Area, timeout: float) -> tuple[int | None, bool, str, float]:
    cmd = [sys.executable, "scripts/mutation/oracle.py", "--role", area.role, "-k", area.pattern]
    for path in area.files:
        cmd += ["--module", module_of(path)]
    for text in area.exclude:
        cmd += ["--exclude", text]
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, False, out, time.monotonic() - t0
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the oracle's own process group (start_new_session)
        out, _ = proc.communicate()
        return None, True, out, time.monotonic() - t0


def run_mutant(copy: Path, mutant: Mutant, area: Area, timeout: float) -> MutantResult:
    target = copy / mutant.path
    original = target.read_text(encoding="utf-8")
    mutated = mutant.apply(original)
    where = f"{mutant.path}:{mutant.line}"
    if mutated is None:
        return MutantResult(mutant.id, area.name, where, f"({mutant.operator} #{mutant.occurrence})", "no-mutation", 0)
    try:
        target.write_text(mutated, encoding="utf-8")
        code, timed_out, out, seconds = oracle(copy, area, timeout)
    finally:
        target.write_text(original, encoding="utf-8")
    detail = summary_of(out)
    if code == 4:
        raise SystemExit(f"mutation: {detail.get('error', out[-400:])}")
    return MutantResult(mutant.id, area.name, where, describe(original, mutated), classify(code, timed_out), seconds,
                        detail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make mutation", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a handful of mutants (scripts/mutation/areas.py SMOKE)")
    parser.add_argument("--area", action="append", default=[], help="only these areas (repeatable)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget", type=float, default=2700.0, help="seconds; no new mutant is started after it")
    parser.add_argument("--triage", type=Path, default=ROOT / "docs" / "mutation-triage.md")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "mutation" / "results.json")
    parser.add_argument("--list", action="store_true", help="print the sample and stop")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        areas = [area_named(a) for a in args.area] or list(AREAS)
        triage.load(args.triage)  # a broken triage file is one line now, not after the run
    except (ValueError, OSError) as exc:
        print(f"mutation: {exc}", file=sys.stderr)
        return 2
    counts = {a.name: (SMOKE.get(a.name, 0) if args.smoke else a.sample) for a in areas}
    areas = [a for a in areas if counts[a.name]]
    work = Path(tempfile.mkdtemp(prefix="nfvct-mutation-"))
    try:
        copies: queue.Queue[Path] = queue.Queue()
        for n in range(max(1, args.workers)):
            copies.put(copy_tree(work / f"w{n}"))
        snapshot = work / "w0"
        chosen = [(m, a) for a in areas for m in sample(enumerate_area(snapshot, a), counts[a.name], args.seed)]
        print(f"mutation: {len(chosen)} mutants (seed {args.seed}) over {', '.join(a.name for a in areas)}; "
              f"copies in {work}; {args.workers} workers", file=sys.stderr)
        if args.list:
            for m, a in chosen:
                print(f"{a.name:14} {m.path}:{m.line}  {m.id}")
            return 0

        def borrowed(fn, *fn_args):  # run fn in a free copy
            copy = copies.get()
            try:
                return fn(copy, *fn_args)
            finally:
                copies.put(copy)

        with ThreadPoolExecutor(max(1, args.workers)) as pool:  # the clean selection of each area, timed
            baselines = dict(zip([a.name for a in areas],
                                 pool.map(lambda a: borrowed(oracle, a, 600.0), areas)))
        bounds: dict[str, float] = {}
        unclean: list[str] = []
        for a in areas:
            code, timed_out, out, seconds = baselines[a.name]
            print(f"baseline {a.name}: exit {code} in {seconds:.1f} s (role {a.role}, -k {a.pattern!r}, without "
                  f"{', '.join(a.exclude) or 'nothing'})", file=sys.stderr)
            if code != 0:  # the oracle is no oracle here: the area is not judged, and the run exits 2
                print(f"mutation: the clean reference does not PASS the {a.name} selection, area not judged: "
                      f"{out[-600:]}", file=sys.stderr)
                unclean.append(a.name)
            bounds[a.name] = max(90.0, 4 * seconds)
        chosen = [(m, a) for m, a in chosen if a.name not in unclean]

        results: list[MutantResult] = []
        skipped = 0

        def one(item: tuple[Mutant, Area]) -> MutantResult | None:
            mutant, area = item
            if time.monotonic() - started > args.budget:
                return None
            result = borrowed(run_mutant, mutant, area, bounds[area.name])
            print(f"[{area.name}] {result.where} {mutant.operator.removeprefix('core/')} -> {result.kind} "
                  f"({result.seconds:.1f} s) {','.join(map(str, result.detail.get('fail', [])))[:120]}",
                  file=sys.stderr, flush=True)
            return result

        with ThreadPoolExecutor(max(1, args.workers)) as pool:
            for result in pool.map(one, chosen):
                if result is None:
                    skipped += 1
                else:
                    results.append(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    try:
        rows = triage.load(args.triage)  # read again: it may have been edited during the run
    except (ValueError, OSError) as exc:
        print(f"mutation: {exc}", file=sys.stderr)
        rows = {}
    equivalent = triage.equivalents(rows)
    print("\n".join(report_lines(results, equivalent, frozenset(rows), [a.name for a in areas])))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([r.__dict__ for r in results], indent=1, default=str), encoding="utf-8")
    total = score(results, equivalent)
    untriaged = [r for r in results if not r.killed and r.kind != "no-mutation" and r.id not in rows]
    minutes = (time.monotonic() - started) / 60
    print(f"{len(results)} mutants run in {minutes:.1f} min, {total.equivalent} triaged equivalent, "
          f"{len(untriaged)} survivors not triaged; results: {args.out}")
    if skipped:
        print(f"time budget of {args.budget:g} s reached: {skipped} mutants not run")
    if unclean:
        print(f"not judged (the clean reference does not PASS their selection): {', '.join(unclean)}")
    print(f"mutation score: {total.text()}")
    return 2 if skipped or unclean else (1 if untriaged else 0)


if __name__ == "__main__":
    sys.exit(main())
