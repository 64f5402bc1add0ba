"""Outcomes of mutant runs, and the score: killed over non-equivalent mutants, per area and overall."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# kind -> (killed?, label)
KINDS: dict[str, tuple[bool, str]] = {
    "fail": (True, "killed by a FAIL"),
    "crash": (True, "killed by crash (the mutated reference does not import or start)"),
    "timeout": (True, "killed by timeout (the run did not end within the bound)"),
    "inconclusive": (False, "survived, INCONCLUSIVE/ERROR only"),
    "survived": (False, "survived (every check PASS)"),
    "oracle-error": (False, "no verdict: the oracle broke after start-up (exit 5)"),
    "no-mutation": (False, "not applied (the operator found nothing there)"),
}


@dataclass(frozen=True)
class MutantResult:
    id: str
    area: str
    where: str  # path:line
    mutation: str  # old -> new
    kind: str  # a key of KINDS
    seconds: float
    detail: dict[str, object] = field(default_factory=dict)  # the oracle's JSON summary

    @property
    def killed(self) -> bool:
        return KINDS[self.kind][0]


def classify(exit_code: int | None, timed_out: bool) -> str:
    if timed_out:
        return "timeout"
    kinds = {0: "survived", 1: "fail", 2: "inconclusive", 3: "crash", 5: "oracle-error"}
    return kinds.get(exit_code if exit_code is not None else -1, "crash")  # a signal's death: a crash


def summary_of(stdout: str) -> dict[str, object]:
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                return dict(json.loads(line))
            except ValueError:
                break
    return {}


@dataclass(frozen=True)
class Score:
    killed: int
    total: int
    equivalent: int

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 100.0

    def text(self) -> str:
        return f"{self.killed}/{self.total} ({self.percent:.1f}%)"


def score(results: Iterable[MutantResult], equivalent: frozenset[str]) -> Score:
    counted = [r for r in results if r.kind != "no-mutation"]
    judged = [r for r in counted if r.killed or r.id not in equivalent]  # a killed "equivalent" still counts
    return Score(sum(1 for r in judged if r.killed), len(judged), len(counted) - len(judged))


def report_lines(results: Sequence[MutantResult], equivalent: frozenset[str], triaged: frozenset[str],
                 areas: Sequence[str]) -> list[str]:
    lines: list[str] = []
    for area in areas:
        mine = [r for r in results if r.area == area]
        if not mine:
            continue
        kinds = ", ".join(f"{sum(1 for r in mine if r.kind == k)} {k}" for k in KINDS if any(r.kind == k for r in mine))
        lines.append(f"{area}: score {score(mine, equivalent).text()}  [{kinds}]")
        for r in mine:
            if r.killed or r.kind == "no-mutation":
                continue
            mark = "equivalent" if r.id in equivalent else ("triaged" if r.id in triaged else "NOT TRIAGED")
            unsure = f" unsure={','.join(map(str, r.detail.get('unsure', [])))}" if r.kind == "inconclusive" else ""
            lines.append(f"  survivor {r.where} [{mark}] {r.kind}{unsure}\n    id {r.id}\n    {r.mutation}")
        for r in mine:
            if r.killed and r.id in equivalent:
                lines.append(f"  note: {r.id} is triaged equivalent but was killed ({r.kind}): fix the triage file")
    return lines
