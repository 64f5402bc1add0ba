"""Comparing two runs: what regressed, what was fixed, what changed, per requirement and per check.

`nfvct diff OLD NEW` compares two ``results.json`` files (``nfvct-results/1`` or ``/2``); `nfvct run --baseline
OLD` compares the run with a baseline and gates on it, so a vendor's CI fails on a *new* FAIL while known FAILs
are tracked. A check outcome is identified by (scenario id, check name, instance), with an ordinal when that
triple repeats in a scenario; ``nfvct-results/1`` has no instance, so against it checks match by (scenario, check,
ordinal). A requirement is identified by its id. Between OLD's verdict and NEW's (absent: not in that run):

* regression: NEW is FAIL and OLD was not (PASS, NOT APPLICABLE, absent or not run; also INCONCLUSIVE/ERROR,
  since the gate is "nothing FAILs that did not FAIL in the baseline");
* new inconclusive: NEW is INCONCLUSIVE or ERROR, OLD was PASS, NOT APPLICABLE, absent or not run;
* fix: FAIL -> PASS; still failing: FAIL both times (a known FAIL);
* appeared / disappeared: a check in one run only (and not one of the above);
* change: any other verdict change (FAIL -> NOT APPLICABLE, FAIL -> INCONCLUSIVE, ...).

A requirement NOT SELECTED or NOT TESTED (or absent) in either run is *not compared*: its checks tell what ran.
Exit rule (:meth:`Comparison.exit_code`): 1 on a regression; 2 on a new INCONCLUSIVE/ERROR or when NEW was
interrupted; else 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.model import CheckOutcome, RunResult, ScenarioResult, Verdict
from harness.redact import redact

SCHEMAS = ("nfvct-results/1", "nfvct-results/2")
REGRESSION, NEW_INCONCLUSIVE, FIX, CHANGE = "regression", "new_inconclusive", "fix", "change"
APPEARED, DISAPPEARED, STILL_FAILING = "appeared", "disappeared", "still_failing"
# kind -> (results.json list name, human label); the order is the order of every listing
KINDS: dict[str, tuple[str, str]] = {
    REGRESSION: ("regressions", "new FAIL"),
    NEW_INCONCLUSIVE: ("new_inconclusive", "newly INCONCLUSIVE/ERROR"),
    FIX: ("fixes", "fixed"),
    CHANGE: ("changes", "changed"),
    APPEARED: ("appeared", "appeared"),
    DISAPPEARED: ("disappeared", "disappeared"),
    STILL_FAILING: ("still_failing", "known FAIL still failing"),
}
REQUIREMENT_KINDS = (REGRESSION, NEW_INCONCLUSIVE, FIX, CHANGE, STILL_FAILING)
_TAGS = {REGRESSION: "REGRESSION", NEW_INCONCLUSIVE: "NEW INC/ERR", FIX: "FIXED", CHANGE: "CHANGED",
         APPEARED: "APPEARED", DISAPPEARED: "DISAPPEARED"}
_TITLES = {REGRESSION: "Regressions: new FAIL", NEW_INCONCLUSIVE: "Newly INCONCLUSIVE or ERROR",
           FIX: "Fixes: FAIL \N{RIGHTWARDS ARROW} PASS", CHANGE: "Other changes", APPEARED: "Checks only in this run",
           DISAPPEARED: "Checks only in the baseline", STILL_FAILING: "Known FAIL, still failing"}
_NOT_RUN = frozenset({Verdict.NOT_SELECTED, Verdict.NOT_TESTED})
_UNSURE = frozenset({Verdict.INCONCLUSIVE, Verdict.ERROR})
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
OBSERVED_LIMIT = 120

Key = tuple[str, str, str, int]  # scenario, check, instance, ordinal


@dataclass(frozen=True)
class RunRef:
    """Which run one side of the comparison is."""

    path: str  # the results.json read, "" for the run being made
    schema: str
    run_id: str
    sut: str
    version: str
    seed: int | None
    role: str = ""  # "" when not recorded (nfvct-results/1)
    selection: str = ""  # likewise
    interrupted: bool = False


@dataclass(frozen=True)
class Item:
    """One requirement or check outcome as one run saw it."""

    level: str  # "requirement" | "check"
    id: str  # requirement id, or "scenario/check[instance]"
    verdict: Verdict
    observed: str  # one line, redacted
    scenario: str = ""
    check: str = ""
    instance: str = ""
    ordinal: int = 1
    loose: int = 1  # ordinal among the scenario's outcomes of this check, whatever their instance

    @property
    def key(self) -> Key:
        return (self.scenario, self.check, self.instance, self.ordinal)


@dataclass(frozen=True)
class Results:
    """What a comparison needs of one results.json."""

    run: RunRef
    requirements: tuple[Item, ...]
    checks: tuple[Item, ...]
    instances: bool  # False for nfvct-results/1


@dataclass(frozen=True)
class Delta:
    """One compared item that is not unchanged-and-fine."""

    kind: str  # one of KINDS
    level: str  # "requirement" | "check"
    id: str
    old: Verdict | None  # None: absent from OLD
    new: Verdict | None  # None: absent from NEW
    observed: str  # NEW's observed text (OLD's when it disappeared), one line
    scenario: str = ""
    check: str = ""
    instance: str = ""
    ordinal: int = 1

    @property
    def key(self) -> Key:
        return (self.scenario, self.check, self.instance, self.ordinal)


def _one_line(text: str, limit: int = OBSERVED_LIMIT) -> str:
    flat = " ".join(_UNPRINTABLE.sub(" ", redact(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def check_label(scenario: str, check: str, instance: str = "", ordinal: int = 1) -> str:
    return f"{scenario}/{check}" + (f"[{instance}]" if instance else "") + (f" #{ordinal}" if ordinal > 1 else "")


def _ordinals(keys: Iterable[tuple[str, ...]]) -> list[int]:
    seen: dict[tuple[str, ...], int] = {}
    out = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(seen[key])
    return out


def check_keys(scenarios: Sequence[ScenarioResult]) -> dict[CheckOutcome, Key]:
    """The comparison key of every check outcome of a run's scenarios (for linking a Delta to the report)."""
    out: dict[CheckOutcome, Key] = {}
    for s in scenarios:
        for c, n in zip(s.checks, _ordinals((s.id, c.check, c.instance) for c in s.checks)):
            out.setdefault(c, (s.id, c.check, c.instance, n))
    return out


def _text(obj: Mapping[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise TypeError(f"{key!r} is {type(value).__name__}, not a string")
    return value


def _parse(data: Mapping[str, Any], origin: str, schema: str) -> Results:
    v2 = schema != "nfvct-results/1"
    run = data["run"]
    seed = run["seed"]
    ref = RunRef(origin, schema, _text(run, "id"), _text(run, "sut"), _text(run, "version"),
                 seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
                 _text(run, "role") if v2 else "", _text(run["selection"], "text") if v2 else "",
                 run["interrupted"] is True if v2 else False)
    requirements = []
    for r in data["requirements"]:
        verdict = Verdict(r["verdict"])
        shown = [c for c in r["checks"] if c["verdict"] == verdict.value] or list(r["checks"])
        observed = (_text(shown[0], "observed") or _text(shown[0], "reason")) if shown else ""
        requirements.append(Item("requirement", _text(r, "id"), verdict, _one_line(observed)))
    raw = [c for s in data["scenarios"] for c in s["checks"]]
    in_scenarios = {_text(s, "id") for s in data["scenarios"]}
    extra = {json.dumps(c, sort_keys=True): c for r in data["requirements"] for c in r["checks"]
             if c["scenario"] not in in_scenarios}  # checks whose scenario is not in the run, once each
    raw += list(extra.values())
    triples = [(_text(c, "scenario"), _text(c, "check"), _text(c, "instance") if v2 else "") for c in raw]
    checks = tuple(
        Item("check", check_label(*t, n), Verdict(c["verdict"]), _one_line(_text(c, "observed") or _text(c, "reason")),
             *t, n, loose)
        for c, t, n, loose in zip(raw, triples, _ordinals(triples), _ordinals(t[:2] for t in triples))
    )
    return Results(ref, tuple(requirements), checks, v2)


def parse_results(data: Any, origin: str) -> Results:
    """A results.json document already decoded; a one-line ValueError naming ``origin`` when it is not one."""
    schema = data.get("schema") if isinstance(data, dict) else None
    if not isinstance(schema, str) or not schema.startswith("nfvct-results/"):
        raise ValueError(f"{origin}: not an nfvct results.json (no \"schema\": \"nfvct-results/N\")")
    if schema not in SCHEMAS:
        raise ValueError(f"{origin}: {schema} is not a schema this nfvct reads ({', '.join(SCHEMAS)})")
    try:
        return _parse(data, origin, schema)
    except KeyError as exc:
        raise ValueError(f"{origin}: malformed {schema}: missing key {exc.args[0]!r}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{origin}: malformed {schema}: {exc}") from None


def load_results(path: str | Path) -> Results:
    """Read ``path`` (a results.json, or a report folder holding one); a one-line ValueError naming the path and
    what is wrong when it is missing, unreadable or not an nfvct results.json."""
    p = Path(path)
    if p.is_dir():
        if not (p / "results.json").is_file():
            raise ValueError(f"{p}: a folder without results.json")
        p = p / "results.json"
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not UTF-8 text, so not an nfvct results.json") from None
    except OSError as exc:
        raise ValueError(f"{p}: cannot read it: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: not JSON ({exc.msg} at line {exc.lineno}), so not an nfvct results.json") from None
    except RecursionError:
        raise ValueError(f"{p}: JSON nested too deeply, not an nfvct results.json") from None
    return parse_results(data, str(p))


def classify(old: Verdict | None, new: Verdict | None) -> str | None:
    """The kind of change from OLD's verdict to NEW's (None: absent), or None when there is nothing to say."""
    if new is None:
        return DISAPPEARED if old is not None else None
    if old is new:
        return STILL_FAILING if new is Verdict.FAIL else None
    if new is Verdict.FAIL:
        return REGRESSION
    if old is Verdict.FAIL and new is Verdict.PASS:
        return FIX
    if new in _UNSURE and old not in _UNSURE and old is not Verdict.FAIL:
        return NEW_INCONCLUSIVE
    return APPEARED if old is None else CHANGE


def _differences(a: RunRef, b: RunRef) -> tuple[str, ...]:
    out = []
    for label, x, y in (("SUT", a.sut, b.sut), ("role", a.role, b.role), ("selection", a.selection, b.selection),
                        ("harness version", a.version, b.version), ("seed", a.seed, b.seed)):
        if x not in ("", None) and y not in ("", None) and x != y:
            out.append(f"{label} {x!r} -> {y!r}" if isinstance(x, str) else f"{label} {x} -> {y}")
    if "nfvct-results/1" in (a.schema, b.schema) and a.schema != b.schema:
        out.append(f"schema {a.schema} -> {b.schema} (nfvct-results/1 records no role, selection or check instance)")
    return tuple(out)


@dataclass(frozen=True)
class Comparison:
    """OLD (the baseline) against NEW: every regression, new inconclusive, fix, change, appeared, disappeared
    and still-failing item, requirements first, each level in NEW's order."""

    baseline: RunRef
    new: RunRef
    deltas: tuple[Delta, ...]
    not_compared: int  # requirements NOT SELECTED / NOT TESTED / absent in either run
    differences: tuple[str, ...]  # how the two runs differ (SUT, role, selection, harness version, seed)

    def of(self, kind: str, level: str | None = None) -> tuple[Delta, ...]:
        return tuple(d for d in self.deltas if d.kind == kind and (level is None or d.level == level))

    def exit_code(self) -> int:
        if self.of(REGRESSION):
            return 1
        return 2 if self.of(NEW_INCONCLUSIVE) or self.new.interrupted else 0

    def new_fail(self) -> int:
        """How many check outcomes newly FAIL (requirements, when no check says it: checks renamed)."""
        return len(self.of(REGRESSION, "check")) or len(self.of(REGRESSION, "requirement"))

    def gate_text(self) -> str:
        """E.g. "baseline OLD: 0 new FAIL, 2 known FAIL still failing, 1 fixed -> exit 0" (counted in checks)."""
        parts = [f"{self.new_fail()} new FAIL", f"{len(self.of(STILL_FAILING, 'check'))} known FAIL still failing",
                 f"{len(self.of(FIX, 'check'))} fixed"]
        unsure = len(self.of(NEW_INCONCLUSIVE, "check")) or len(self.of(NEW_INCONCLUSIVE, "requirement"))
        parts += [f"{unsure} newly INCONCLUSIVE/ERROR"] if unsure else []
        tail = "; the run was interrupted" if self.new.interrupted else ""
        return f"baseline {self.baseline.path}: {', '.join(parts)}{tail} -> exit {self.exit_code()}"

    def counts(self) -> dict[str, dict[str, int]]:
        reqs = {KINDS[k][0]: len(self.of(k, "requirement")) for k in REQUIREMENT_KINDS}
        return {"requirements": {**reqs, "not_compared": self.not_compared},
                "checks": {name: len(self.of(k, "check")) for k, (name, _) in KINDS.items()}}

    def to_json(self) -> dict[str, Any]:
        """The ``comparison`` object of results.json (and `nfvct diff --json`)."""
        def ref(r: RunRef) -> dict[str, Any]:
            return {"path": r.path, "schema": r.schema, "run_id": r.run_id, "sut": r.sut, "role": r.role,
                    "selection": r.selection, "version": r.version, "seed": r.seed, "interrupted": r.interrupted}

        def entry(d: Delta) -> dict[str, Any]:
            return {"level": d.level, "id": d.id, "scenario": d.scenario, "check": d.check, "instance": d.instance,
                    "old": d.old.value if d.old else None, "new": d.new.value if d.new else None,
                    "observed": d.observed}

        return {"baseline": ref(self.baseline), "new": ref(self.new), "differences": list(self.differences),
                "exit_code": self.exit_code(), "gate": self.gate_text(), "counts": self.counts(),
                **{name: [entry(d) for d in self.of(k)] for k, (name, _) in KINDS.items()}}

    def view(self, scenarios: Sequence[ScenarioResult], check_anchor: Mapping[CheckOutcome, str],
             req_anchor: Mapping[str, str]) -> dict[str, Any]:
        """The plain data the report's "Compared with baseline" section renders; rows link to the report's
        check (or requirement) anchors where it has one."""
        hrefs = {key: f"#{check_anchor[c]}" for c, key in check_keys(scenarios).items() if check_anchor.get(c)}

        def slug(v: Verdict | None) -> str:
            return v.value.lower().replace(" ", "-") if v else "absent"

        def row(d: Delta) -> dict[str, Any]:
            href = (f"#{req_anchor[d.id]}" if d.id in req_anchor else "") if d.level == "requirement" \
                else hrefs.get(d.key, "") if d.new is not None else ""
            return {"level": d.level, "label": d.id, "href": href, "observed": d.observed,
                    "old": d.old.value if d.old else "absent", "old_slug": slug(d.old),
                    "new": d.new.value if d.new else "absent", "new_slug": slug(d.new)}

        counts = self.counts()
        return {
            "baseline": self.baseline, "differences": list(self.differences),
            "gate": {"code": self.exit_code(), "text": self.gate_text(),
                     "slug": ("ok", "fail", "inconclusive")[self.exit_code()]},
            "counts": [{"label": label, "requirements": counts["requirements"].get(name, "—"),
                        "checks": counts["checks"][name]} for name, label in KINDS.values()],
            "not_compared": self.not_compared,
            "groups": [{"title": _TITLES[k], "kind": k, "open": k not in (APPEARED, DISAPPEARED, STILL_FAILING),
                        "rows": [row(d) for d in self.of(k)]} for k in KINDS if self.of(k)],
        }


def compare(old: Results, new: Results) -> Comparison:
    """OLD (the baseline) against NEW, per requirement and per check."""
    deltas: list[Delta] = []
    not_compared = 0
    before = {i.id: i for i in old.requirements}
    for item in new.requirements:
        was = before.get(item.id)
        if was is None or was.verdict in _NOT_RUN or item.verdict in _NOT_RUN:
            not_compared += 1
        elif kind := classify(was.verdict, item.verdict):
            deltas.append(Delta(kind, "requirement", item.id, was.verdict, item.verdict, item.observed))
    not_compared += len(set(before) - {i.id for i in new.requirements})

    def key(i: Item) -> tuple[str, str, str, int]:
        return i.key if old.instances and new.instances else (i.scenario, i.check, "", i.loose)

    old_checks = {key(i): i for i in old.checks}
    seen = set()
    for item in new.checks:
        seen.add(key(item))
        was_item = old_checks.get(key(item))
        was_verdict = was_item.verdict if was_item else None
        if kind := classify(was_verdict, item.verdict):
            deltas.append(Delta(kind, "check", item.id, was_verdict, item.verdict, item.observed,
                                item.scenario, item.check, item.instance, item.ordinal))
    deltas += [Delta(DISAPPEARED, "check", i.id, i.verdict, None, i.observed, i.scenario, i.check, i.instance,
                     i.ordinal) for i in old.checks if key(i) not in seen]
    return Comparison(old.run, new.run, tuple(deltas), not_compared, _differences(old.run, new.run))


def with_baseline(result: RunResult, baseline: Results) -> RunResult:
    """``result`` with its comparison against ``baseline`` (read as its own results.json would say it)."""
    from reports.results_json import results_dict

    new = parse_results(results_dict(result), "this run")
    return replace(result, comparison=compare(baseline, replace(new, run=replace(new.run, path=""))))


def summary_lines(c: Comparison, limit: int = 10) -> list[str]:
    """`nfvct diff`'s human summary: the runs, the counts, then one line per regression, new inconclusive, fix
    and change (appeared / disappeared checks: the first ``limit`` of each)."""
    def run(tag: str, r: RunRef) -> str:
        return f"{tag} {r.path}: run {r.run_id}, {r.sut}, nfvct {r.version}, seed {r.seed}" + \
            (f", {r.selection}" if r.selection else "") + (" (interrupted)" if r.interrupted else "")

    counts = c.counts()
    labels = {name: label for name, label in KINDS.values()}
    lines = [run("OLD", c.baseline), run("NEW", c.new)] + [f"  the runs differ: {d}" for d in c.differences]
    for level, extra in (("requirements", f" ({c.not_compared} not compared: NOT SELECTED/NOT TESTED)"),
                         ("checks", "")):
        shown = [f"{n} {labels[name]}" for name, n in counts[level].items() if name in labels]
        lines.append(f"{level + ':':13} {', '.join(shown)}{extra}")
    rows = [d for k in KINDS if k != STILL_FAILING for d in c.of(k)[: limit if k in (APPEARED, DISAPPEARED) else None]]
    width = min(max((len(d.id) for d in rows), default=0), 60)
    for d in rows:
        old, new = d.old.value if d.old else "absent", d.new.value if d.new else "absent"
        lines.append(f"{_TAGS[d.kind]:11} {d.id:{width}}  {old} -> {new}" + (f"  {_one_line(d.observed, 72)}"
                                                                               if d.observed else ""))
    for k in (APPEARED, DISAPPEARED):
        if len(c.of(k)) > limit:
            lines.append(f"... and {len(c.of(k)) - limit} more {KINDS[k][1]} checks (--json lists them all)")
    code = c.exit_code()
    why = {1: f"{c.new_fail()} new FAIL",
           2: "no regression, but something is newly INCONCLUSIVE/ERROR or NEW was interrupted", 0: "no regression"}
    lines.append(f"{why[code]} -> exit {code}")
    return lines
