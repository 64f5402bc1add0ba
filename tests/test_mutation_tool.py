"""The mutation tool's own logic (issue 14): mutant ids, the seeded sample, the triage file and the score.
Fast: no mutant is run here (`make mutation-smoke` runs a few)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("cosmic_ray")

from scripts.mutation import triage  # noqa: E402
from scripts.mutation.areas import AREAS, SMOKE, Area  # noqa: E402
from scripts.mutation.mutants import describe, enumerate_area, sample  # noqa: E402
from scripts.mutation.score import MutantResult, classify, score, summary_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

SOURCE = '''\
def allowed(method, faults):
    if method == "GET":
        return True
    if faults.has("permissive"):
        return True
    return False
'''


def _area(tmp_path: Path, text: str = SOURCE) -> Area:
    (tmp_path / "mod.py").write_text(text)
    return Area("T", ("mod.py",), "", "cmf", 3)


def test_ids_are_stable_and_skip_fault_scaffolding(tmp_path: Path) -> None:
    mutants = enumerate_area(tmp_path, _area(tmp_path))
    assert mutants and all(m.id.startswith("mod.py:") for m in mutants)
    assert not any(m.line == 4 for m in mutants)  # spans holding faults.has(...) are not drawn
    moved = enumerate_area(tmp_path, _area(tmp_path, "import os\n\n" + SOURCE))  # code added above
    assert {m.id for m in moved} == {m.id for m in mutants}
    assert len({m.id for m in mutants}) == len(mutants)


def test_sample_is_seeded_and_smoke_is_inside_the_sample() -> None:
    area = next(a for a in AREAS if a.name == "REST")
    every = enumerate_area(ROOT, area)
    full, again, smoke = sample(every, area.sample, 14), sample(every, area.sample, 14), sample(every, SMOKE["REST"], 14)
    assert [m.id for m in full] == [m.id for m in again] and len(full) == area.sample
    assert {m.id for m in smoke} <= {m.id for m in full}
    assert [m.id for m in sample(every, area.sample, 15)] != [m.id for m in full]


def test_mutation_is_applied_and_described(tmp_path: Path) -> None:
    mutant = next(m for m in enumerate_area(tmp_path, _area(tmp_path)) if m.operator.endswith("Eq_NotEq"))
    mutated = mutant.apply(SOURCE)
    assert mutated is not None and 'method != "GET"' in mutated
    assert describe(SOURCE, mutated) == 'if method == "GET":  ->  if method != "GET":'


def test_triage_rows_and_bad_verdict() -> None:
    text = ("| mutant | verdict | mutation | reason |\n|---|---|---|---|\n"
            "| `a.py:1:AddNot` | equivalent | x -> y | only a log line |\n"
            "| `b.py:2:NumberReplacer` | gap, open | 1 -> 2 | CMP: needs a check |\n")
    rows = triage.parse(text)
    assert triage.equivalents(rows) == {"a.py:1:AddNot"} and rows["b.py:2:NumberReplacer"].verdict == "gap, open"
    with pytest.raises(triage.TriageError, match="line 3|:3:"):
        triage.parse(text.replace("equivalent", "maybe"))
    with pytest.raises(triage.TriageError, match="twice"):
        triage.parse(text + "| `a.py:1:AddNot` | fixed | x | y |\n")


def test_score_excludes_equivalents_and_kinds() -> None:
    assert [classify(c, False) for c in (0, 1, 2, 3, None)] == ["survived", "fail", "inconclusive", "crash", "crash"]
    assert classify(None, True) == "timeout"
    results = [MutantResult(str(i), "T", "m.py:1", "a -> b", kind, 1.0)
               for i, kind in enumerate(["fail", "crash", "survived", "inconclusive", "no-mutation", "timeout"])]
    s = score(results, frozenset({"2", "1"}))  # "1" was killed: still counted
    assert (s.killed, s.total, s.equivalent) == (3, 4, 1) and s.text() == "3/4 (75.0%)"
    assert summary_of('noise\n{"phase": "run", "exit": 1}\n') == {"phase": "run", "exit": 1}


def test_committed_triage_file_parses() -> None:
    rows = triage.load(ROOT / "docs" / "mutation-triage.md")
    assert all(r.reason for r in rows.values())
