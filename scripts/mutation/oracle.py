"""The oracle of one mutant: ``nfvct run`` of an area's scenarios against the embedded reference, run from the
mutated copy's root (``python scripts/mutation/oracle.py --role cmf -k PATTERN --module reference.cmf.rest``).

It first imports the mutated modules and checks they come from this copy (never from the project tree the venv
was installed from), then runs the selection with the checkAfter waits off (reference_check_after=0, as the fault
tests do). Exit: the run's own exit code (0 / 1 FAIL / 2 INCONCLUSIVE-ERROR only), 3 when the mutated reference
cannot be imported or started, 4 when the copy is not what got imported. The last stdout line is a JSON summary."""

from __future__ import annotations

import argparse
import builtins
import importlib
import json
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _say(summary: dict[str, object], code: int) -> int:
    print(json.dumps(summary), flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", default="cmf")
    parser.add_argument("-k", default="")
    parser.add_argument("--module", action="append", default=[])
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--exclude", action="append", default=[], help="leave out scenario ids holding this")
    args = parser.parse_args(argv)
    from cosmic_ray.exceptions import CosmicRayTestingException  # what ExceptionReplacer's mutants catch

    builtins.CosmicRayTestingException = CosmicRayTestingException  # type: ignore[attr-defined]
    try:
        modules = [importlib.import_module(name) for name in ["harness", *args.module]]
    except Exception as exc:  # the mutant breaks the import: the reference cannot start
        return _say({"phase": "import", "error": f"{type(exc).__name__}: {exc}"[:400]}, 3)
    foreign = [f"{m.__name__}={m.__file__}" for m in modules if not Path(str(m.__file__)).resolve().is_relative_to(ROOT)]
    if foreign:
        return _say({"phase": "import", "error": f"not imported from the copy {ROOT}: {foreign}"}, 4)

    try:
        from harness.model import Verdict
        from harness.runner import RunSession

        session = RunSession(None, pattern=args.k or None, seed=args.seed, reference_check_after=0, role=args.role)
        session.selected = [s for s in session.selected if not any(x in s.id for x in args.exclude)]
        session.__enter__()
    except Exception as exc:
        return _say({"phase": "startup", "error": "".join(traceback.format_exception_only(exc)).strip()[:400]}, 3)
    try:
        for scenario in session.selected:
            session.run_one(scenario)
    finally:
        session.__exit__(None, None, None)
    result = session.result()
    outcomes = [c for s in result.scenarios for c in s.checks]
    summary = {
        "phase": "run",
        "exit": result.outcome().exit_code,
        "fail": sorted({c.check for c in outcomes if c.verdict is Verdict.FAIL}),
        "unsure": sorted({c.check for c in outcomes if c.verdict in (Verdict.INCONCLUSIVE, Verdict.ERROR)}),
        "reasons": sorted({c.reason[:160] for c in outcomes if c.verdict in (Verdict.INCONCLUSIVE, Verdict.ERROR)})[:3],
    }
    return _say(summary, result.outcome().exit_code)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # never exit 1 (a FAIL) for an oracle that broke mid-run
        print(json.dumps({"phase": "oracle", "error": f"{type(exc).__name__}: {exc}"[:400]}))
        sys.exit(5)
