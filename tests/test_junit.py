"""nfvct's own junit.xml over a real run: one testcase per (scenario, check, certificate), unique names, the check's
own time, INCONCLUSIVE an error (never a failure), and the run's exit-code answer in the file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace

import pytest

from harness.model import RunResult, Verdict
from reports.junit import junit_tree


@pytest.fixture(scope="module")
def real_run() -> RunResult:
    """C.2.2.2[VNFCI] and its two error variants against the embedded reference CMF: every issued certificate
    gets the C.6 profile checks, so the same check runs several times per scenario (~8 s)."""
    from harness.runner import run

    return run(None, pattern="C.2.2.2[VNFCI]", seed=1234, reference_check_after=0)


def _cases(root: ET.Element) -> list[ET.Element]:
    return [c for suite in root.findall("testsuite") for c in suite.findall("testcase")]


def _props(root: ET.Element) -> dict[str, str]:
    suite = root.find("testsuite[@name='requirements']")
    assert suite is not None
    return {p.get("name", ""): p.get("value", "") for p in suite.iter("property")}


def test_one_unique_testcase_per_check_and_certificate(real_run: RunResult) -> None:
    root = junit_tree(real_run).getroot()
    outcomes = [o for s in real_run.scenarios for o in s.checks]
    assert any(o.instance for o in outcomes) and len({o.check for o in outcomes}) < len(outcomes)
    scenario_cases = [c for s in root.findall("testsuite") if s.get("name") != "requirements"
                      for c in s.findall("testcase")]
    assert len(scenario_cases) == len(outcomes)
    pairs = Counter((c.get("classname"), c.get("name")) for c in _cases(root))
    assert [p for p, n in pairs.items() if n > 1] == []
    for suite in root.findall("testsuite"):
        if suite.get("name") != "requirements":
            assert {c.get("classname") for c in suite.findall("testcase")} == {suite.get("name")}
    names = {c.get("name") for c in scenario_cases}
    assert "c6-validity [certificate 2 (VNFCI_certificate)]" in names and "c6-validity" not in names
    times = [float(c.get("time", "-1")) for c in scenario_cases]
    assert min(times) >= 0 and sum(1 for t in times if t > 0) > 1  # each check its own time, not one total
    assert (_props(root)["outcome"], _props(root)["exit_code"]) == ("ok", "0") and root.get("failures") == "0"


def test_inconclusive_is_an_error_and_collisions_are_numbered(real_run: RunResult) -> None:
    scenario = real_run.scenarios[0]
    first, second = scenario.checks[0], scenario.checks[1]
    unsure = replace(second, verdict=Verdict.INCONCLUSIVE, reason="the SUT did not answer: ReadTimeout")
    checks = (first, replace(first, seconds=0.25), unsure, *scenario.checks[2:])
    result = replace(real_run, scenarios=(replace(scenario, checks=checks, verdict=Verdict.INCONCLUSIVE),
                                          *real_run.scenarios[1:]))
    root = junit_tree(result).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names[:2] == [first.check, f"{first.check} #2"] and len(set(names)) == len(names)
    assert suite.findall("testcase")[1].get("time") == "0.250"
    error = suite.find(f"testcase[@name='{unsure.check}']/error")
    assert error is not None and error.get("type") == "INCONCLUSIVE" and "ReadTimeout" in error.get("message", "")
    assert (suite.get("failures"), suite.get("errors"), root.get("failures")) == ("0", "1", "0")
    assert (_props(root)["outcome"], _props(root)["exit_code"]) == ("inconclusive", "2")


def test_not_selected_requirements_are_left_out(real_run: RunResult) -> None:
    left_out = {r.requirement.id for r in real_run.requirements
                if r.verdict in (Verdict.NOT_SELECTED, Verdict.NOT_TESTED)}
    assert any(r.verdict is Verdict.NOT_SELECTED for r in real_run.requirements)  # -k selected part of the role
    suite = junit_tree(real_run).getroot().find("testsuite[@name='requirements']")
    assert suite is not None
    assert not left_out & {c.get("name") for c in suite.findall("testcase")}
