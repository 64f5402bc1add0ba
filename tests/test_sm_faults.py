"""Security Manager checks can fail: each reference SM fault FAILs exactly the requirements it declares (over its
scenarios), the clean reference SM passes every scenario, every SM check FAILs under some fault, and the report
keeps NFV-MANO's obligations and untestable requirements out of the SM's verdicts."""

from __future__ import annotations

import pytest

from harness.catalogue import load_catalogue, load_sides
from harness.checks import REGISTRY
from harness.model import Verdict
from scenarios import sm_scenarios
from harness.faults import faults_for

FAULTS = faults_for("sm")
from tests.conftest import failed_requirements, run_sm

SM_CHECKS = {c for s in sm_scenarios() for c in s.checks}


def test_clean_reference_sm_passes_every_scenario() -> None:
    result = run_sm()
    assert [(s.id, s.verdict.value, s.reason) for s in result.scenarios if s.verdict is not Verdict.PASS] == []
    assert {r.verdict for r in result.requirements} == {Verdict.PASS, Verdict.NOT_TESTED}
    assert result.exit_code() == 0 and result.info.role == "SM"
    judged = {o.check for s in result.scenarios for o in s.checks}
    assert judged == SM_CHECKS


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_sm_fault_fails_exactly_its_requirements(fault) -> None:
    result = run_sm(fault.name)
    failed = failed_requirements(result)
    assert failed == set(fault.requirements), (
        f"declared but not FAILed: {sorted(set(fault.requirements) - failed)}; "
        f"FAILed but not declared: {sorted(failed - set(fault.requirements))}")
    assert not [o for s in result.scenarios for o in s.checks if o.verdict is Verdict.ERROR]


def test_every_sm_check_fails_under_some_fault() -> None:
    failing: set[str] = set()
    for fault in FAULTS:
        result = run_sm(fault.name)
        failing |= {o.check for s in result.scenarios for o in s.checks if o.verdict is Verdict.FAIL}
    assert SM_CHECKS - failing == set(), "SM checks that no fault can make FAIL"


def test_only_sm_side_requirements_get_verdicts() -> None:
    """NFV-MANO-side and untestable requirements are never a verdict on the SM; every SM-side one is judged."""
    sides = load_sides()
    catalogue = load_catalogue()
    assert all(i in catalogue for i in sides), sorted(set(sides) - set(catalogue.ids()))
    cited = {req for name in SM_CHECKS for req in REGISTRY[name].requirements}
    assert {i for i, (side, _) in sides.items() if side == "SM"} == cited
    assert all(sides[i][0] == "SM" for i in cited)
    result = run_sm()
    assert {r.requirement.id for r in result.requirements} == set(sides)
    for r in result.requirements:
        assert r.side in ("SM", "NFV-MANO", "untestable") and r.note
        if r.side != "SM":
            assert r.verdict is Verdict.NOT_TESTED and not r.checks, r.requirement.id


def test_cmf_run_does_not_list_sm_requirements() -> None:
    from harness.catalogue import for_role

    assert not set(load_sides()) & {r.id for r in for_role("cmf")}


def test_cli_role_sm_lists_faults_and_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from harness.cli import main

    assert main(["faults", "--role", "sm", "--json"]) == 0
    assert {f["name"] for f in json.loads(capsys.readouterr().out)} == {f.name for f in FAULTS}
    assert main(["list", "--role", "sm", "--json"]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == [s.id for s in sm_scenarios()]
