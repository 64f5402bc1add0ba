"""Every check can fail: each reference fault FAILs exactly the requirements it declares (over the
scenarios it can affect, its ``only`` pattern), the clean reference FAILs none over every scenario,
and every registered check FAILs under at least one fault."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from harness.checks import REGISTRY
from harness.model import Verdict
from harness.faults import faults_for
from tests.conftest import failed_requirements, record_fault_checks, run_reference


def test_clean_reference_passes_every_applicable_requirement() -> None:
    result = run_reference()
    # the PICS alternative the reference does not claim (pics.p10cr_cert_req_id = "sol023"; specs conflict)
    unclaimed = {"RFC9483:4.1.4:cert-req-id"}
    bad = {r.requirement.id: r.verdict.value for r in result.requirements
           if r.verdict not in (Verdict.PASS, Verdict.NOT_TESTED)
           and not (r.verdict is Verdict.NOT_APPLICABLE and r.requirement.id in unclaimed)}
    assert bad == {}
    cmp_only = {"RFC9483-4.1[cmp-enrolment]"}  # for SUTs without the SOL023 5.6 resources
    assert all(s.verdict is Verdict.PASS or (s.id in cmp_only and s.verdict is Verdict.NOT_APPLICABLE)
               for s in result.scenarios), [
        (s.id, s.verdict.value, s.reason) for s in result.scenarios if s.verdict is not Verdict.PASS]
    assert result.exit_code() == 0


FAULTS = faults_for("cmf")


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_fault_fails_exactly_its_requirements(fault, fault_checks: Path) -> None:
    result = None
    try:
        result = run_reference(fault.name)
    finally:  # recorded even when the run breaks (null), so the every-check test never waits for it
        record_fault_checks(fault_checks, fault.name, result)
    failed = failed_requirements(result)
    assert failed == set(fault.requirements), (
        f"declared but not FAILed: {sorted(set(fault.requirements) - failed)}; "
        f"FAILed but not declared: {sorted(failed - set(fault.requirements))}")
    assert result.exit_code() == 1
    errors = [o for s in result.scenarios for o in s.checks if o.verdict is Verdict.ERROR]
    assert not errors, [(o.check, o.reason) for o in errors]


@pytest.mark.timeout(900)
def test_every_check_fails_under_some_fault(fault_checks: Path) -> None:
    """Reads what every fault run FAILed from the shared folder (the fault runs may be on other xdist workers:
    waits for them, bounded), and runs any fault whose record is missing or broken itself."""
    deadline = time.monotonic() + 600
    pending = {f.name for f in FAULTS}
    failing: set[str] = set()
    while pending:
        for name in sorted(pending):
            path = fault_checks / f"{name}.json"
            if path.exists():
                recorded = json.loads(path.read_text())
                failing |= set(recorded) if recorded is not None else {
                    o.check for s in run_reference(name).scenarios for o in s.checks if o.verdict is Verdict.FAIL}
                pending.discard(name)
        if pending and time.monotonic() > deadline:
            for name in sorted(pending):
                failing |= {o.check for s in run_reference(name).scenarios for o in s.checks
                            if o.verdict is Verdict.FAIL}
            pending.clear()
        time.sleep(0.5 if pending else 0)
    from scenarios import sm_scenarios  # the SM checks have their own faults (tests/test_sm_faults.py)

    sm_checks = {c for s in sm_scenarios() for c in s.checks}
    assert set(REGISTRY) - sm_checks - failing == set(), "checks that no fault can make FAIL"


def test_fault_requirements_exist_in_catalogue() -> None:
    from harness.catalogue import load_catalogue

    catalogue = load_catalogue()
    for fault in FAULTS:
        for req in fault.requirements:
            assert req in catalogue, (fault.name, req)
    for spec in REGISTRY.values():
        for req in spec.requirements:
            assert req in catalogue, (spec.name, req)
