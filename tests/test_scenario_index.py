"""scenarios/INDEX.md is current: every scenario with its spec flow table, flow, code and checks."""

from __future__ import annotations

from pathlib import Path

from scenarios import all_scenarios, sm_scenarios
from scenarios.index import build_index

INDEX = Path(__file__).resolve().parent.parent / "scenarios" / "INDEX.md"


def test_index_is_current() -> None:
    assert INDEX.read_text(encoding="utf-8") == build_index(), "run: .venv/bin/python scripts/build_scenario_index.py"


def test_index_names_every_scenario_and_its_flow_file() -> None:
    text = build_index()
    for s in all_scenarios() + sm_scenarios():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{s.id}` "))
        assert s.flow.source in row, row
        assert "scenarios/flows" in row or s.id.startswith("RFC9483"), row  # the CMP-only probes quote RFCs
