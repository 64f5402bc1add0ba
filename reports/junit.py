"""``junit.xml`` for CI dashboards.

One ``<testsuite>`` per scenario with one ``<testcase>`` per check outcome:
``classname`` = scenario id, ``name`` = check name plus `` [instance]`` when the check ran more than
once in the scenario (``c6-validity [certificate 2 (VNFCI_certificate)]``); a name that still collides
within its scenario gets `` #2``, `` #3`` in run order, so every (classname, name) pair is unique.
``time`` is the check's own wall time (``CheckOutcome.seconds``). A final suite ``requirements`` has one
testcase per requirement that was judged (NOT TESTED and NOT SELECTED ones are left out: they are
catalogue entries, not tests); its properties carry the run's answer, the same as the exit code of
`nfvct run` (``RunResult.outcome()``): ``outcome`` (ok | fail | inconclusive), ``outcome.text`` and
``exit_code``. Verdict mapping (JUnit has only failure, error and skipped):

* PASS -> plain testcase
* FAIL -> ``<failure type="FAIL" message="expected: ... / observed: ...">`` (the only ``failures``)
* INCONCLUSIVE -> ``<error type="INCONCLUSIVE">`` (counted in ``errors``, never in ``failures``)
* ERROR (the harness broke) -> ``<error type="ERROR">``
* NOT APPLICABLE -> ``<skipped message=reason>`` (the reason names the PICS key)
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from harness.model import CheckOutcome, RequirementResult, RunResult, ScenarioResult, Verdict
from harness.redact import redact
from reports.text import iso, shorten, xml_safe

_MESSAGE_LIMIT = 500
_LEFT_OUT = (Verdict.NOT_TESTED, Verdict.NOT_SELECTED)  # catalogue states, not tests


def _s(text: str) -> str:
    return xml_safe(redact(text))


def _details(check: CheckOutcome) -> str:
    lines = [
        f"check: {check.check}",
        f"verdict: {check.verdict.value}",
        f"scenario: {check.scenario}",
        f"requirements: {', '.join(check.requirements)}",
        f"expected: {check.evidence.expected}",
        f"observed: {check.evidence.observed}",
    ]
    if check.scope:
        lines.append(f"scope: {check.scope}")
    if check.reason:
        lines.append(f"reason: {check.reason}")
    if check.evidence.trace_seqs:
        lines.append("trace: " + ", ".join(f"#{s}" for s in check.evidence.trace_seqs))
    return _s("\n".join(lines))


def _message(check: CheckOutcome) -> str:
    text = f"expected: {check.evidence.expected} / observed: {check.evidence.observed}"
    return _s(shorten(text, _MESSAGE_LIMIT))


def _outcome(case: ET.Element, verdict: Verdict, check: CheckOutcome | None, reason: str) -> None:
    """Attach the failure/error/skipped child that ``verdict`` calls for."""
    if verdict is Verdict.FAIL:
        message = _message(check) if check else _s(shorten(reason, _MESSAGE_LIMIT))
        node = ET.SubElement(case, "failure", message=message, type="FAIL")
        node.text = _details(check) if check else _s(reason)
    elif verdict in (Verdict.INCONCLUSIVE, Verdict.ERROR):
        text = reason or (_message(check) if check else "")
        message = _s(shorten(text, _MESSAGE_LIMIT))
        node = ET.SubElement(case, "error", message=message, type=verdict.value)
        node.text = _details(check) if check else _s(reason)
    elif verdict is Verdict.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=_s(shorten(reason, _MESSAGE_LIMIT)))
    elif check and check.scope:
        ET.SubElement(case, "system-out").text = _s(f"scope: {check.scope}")


class _Names:
    """Unique testcase names per classname: a repeated name gets " #2", " #3" in run order."""

    def __init__(self) -> None:
        self._taken: set[tuple[str, str]] = set()

    def __call__(self, classname: str, name: str) -> str:
        unique, count = name, 1
        while (classname, unique) in self._taken:
            count += 1
            unique = f"{name} #{count}"
        self._taken.add((classname, unique))
        return unique


def _case_name(check: CheckOutcome) -> str:
    return f"{check.check} [{check.instance}]" if check.instance else check.check


def _suite(parent: ET.Element, name: str, timestamp: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=xml_safe(name), timestamp=timestamp)


def _properties(suite: ET.Element, items: Iterable[tuple[str, str]]) -> None:
    props = ET.SubElement(suite, "properties")
    for name, value in items:
        ET.SubElement(props, "property", name=xml_safe(name), value=_s(value))


def _scenario_suite(root: ET.Element, scenario: ScenarioResult, timestamp: str) -> None:
    suite = _suite(root, scenario.id, timestamp)
    _properties(
        suite,
        [
            ("title", scenario.title),
            ("source", scenario.source),
            ("verdict", scenario.verdict.value),
            *((f"parameter.{k}", v) for k, v in scenario.parameters.items()),
            *((("reason", scenario.reason),) if scenario.reason else ()),
        ],
    )
    classname = xml_safe(scenario.id)
    names = _Names()
    checks = [c for c in scenario.checks if c.verdict not in _LEFT_OUT]
    for check in checks:
        name = names(classname, xml_safe(_case_name(check)))
        case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{check.seconds:.3f}")
        _outcome(case, check.verdict, check, check.reason)
    suite.set("time", f"{sum(c.seconds for c in checks):.3f}")
    if not checks or scenario.verdict.rank > max(c.verdict.rank for c in checks):
        # Keep a scenario that could not run (or whose steps, not its checks, decided its verdict) visible.
        case = ET.SubElement(suite, "testcase", classname=classname, name=names(classname, "(scenario)"), time="0")
        _outcome(case, scenario.verdict, None, scenario.reason or ("no checks were run" if not checks else
                                                                   "a step of the flow was not observed as specified"))


def _requirement_case(suite: ET.Element, req: RequirementResult, names: _Names) -> None:
    r = req.requirement
    classname = xml_safe(f"{r.document}.{r.clause}")
    name = names(classname, xml_safe(r.id))
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    decisive = next((c for c in req.checks if c.verdict is req.verdict), None)
    reason = decisive.reason if decisive else ""
    if req.verdict is Verdict.NOT_APPLICABLE and not reason:
        reason = "; ".join(c.reason for c in req.checks if c.reason)
    _outcome(case, req.verdict, decisive, reason)


def _count(suite: ET.Element) -> tuple[int, int, int, int]:
    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    errors = sum(1 for c in cases if c.find("error") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    counts = {"tests": len(cases), "failures": failures, "errors": errors, "skipped": skipped}
    for key, value in counts.items():
        suite.set(key, str(value))
    return len(cases), failures, errors, skipped


def junit_tree(result: RunResult) -> ET.ElementTree:
    """The JUnit document as an ElementTree (``<testsuites>`` root)."""
    info = result.info
    timestamp = iso(info.started)
    duration = max((info.finished - info.started).total_seconds(), 0.0)
    root = ET.Element("testsuites", name=xml_safe(f"nfvct {info.id}"), time=f"{duration:.3f}")
    for scenario in result.scenarios:
        _scenario_suite(root, scenario, timestamp)
    req_suite = _suite(root, "requirements", timestamp)
    outcome = result.outcome()
    run_properties = [
        ("outcome", outcome.slug),
        ("outcome.text", outcome.text),
        ("exit_code", str(outcome.exit_code)),
        ("sut", info.sut),
        ("harness.version", info.version),
        ("seed", str(info.seed)),
        ("profile", info.profile),
        ("faults", ", ".join(info.faults)),
    ]
    _properties(req_suite, run_properties)
    names = _Names()
    for req in result.requirements:
        if req.verdict not in _LEFT_OUT:
            _requirement_case(req_suite, req, names)
    totals = [0, 0, 0, 0]
    for suite in root.findall("testsuite"):
        totals = [a + b for a, b in zip(totals, _count(suite))]
    for key, value in zip(("tests", "failures", "errors", "skipped"), totals):
        root.set(key, str(value))
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(result: RunResult, path: Path) -> None:
    """Write ``junit.xml`` (UTF-8 with XML declaration)."""
    tmp = path.with_name(f".{path.name}.tmp")
    junit_tree(result).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)
