"""pytest plugin: `pytest --nfvct-profile FILE|embedded` runs the conformance scenarios as tests.

With ``--nfvct-profile`` the session collects the selected scenarios and nothing else (positional paths,
``testpaths`` and test files around are not collected): one item per scenario, nodeid ``nfvct::<scenario
id>`` (``nfvct::C.2.2.2[VNFCI]/invalid-csr``), JUnit ``classname`` = the scenario's use case
(``C.2.2.2``), ``name`` = the scenario id. Every item runs its own scenario through one shared
:class:`harness.runner.RunSession` (started before the first item, closed at the session's end, when
``--nfvct-out`` reports are written), so each item's time is its scenario's. Items run in the order of
`nfvct list`: later scenarios build on earlier ones, so do not distribute them with xdist.

Verdicts: FAIL -> failed (the failing checks, expected and observed); INCONCLUSIVE and ERROR -> a pytest
*error* (letter ``I`` / ``E``, word INCONCLUSIVE / ERROR, ``<error message="... INCONCLUSIVE: ...">`` in
--junitxml), never counted as failed; NOT APPLICABLE -> skipped with its reason (the PICS key). The
scenario therefore runs in the item's setup phase, where pytest reports an exception as an error; the
call phase only turns a FAIL into a failure. Each testcase also carries a ``verdict`` property. The
session's exit status is the nfvct rule (``RunResult.outcome()``): 0 only when everything passed or is not
applicable, 1 when something FAILs, 2 when nothing FAILs but something is INCONCLUSIVE or ERROR (or the run
was interrupted or could not be started). A missing or invalid profile, an unknown fault or a
``--nfvct-k`` selecting nothing is a usage error (one line, exit status 4).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.model import CheckOutcome, RunResult, ScenarioResult, Verdict
from harness.events import terminal_safe

try:  # pytest's JUnit writer, to set a testcase's classname and name (no public API for a non-function item)
    from _pytest.junitxml import xml_key as _JUNIT_KEY
except ImportError:  # pragma: no cover - another pytest: classname "nfvct", name as pytest derives it
    _JUNIT_KEY = None


@dataclass
class _State:
    session: Any  # harness.runner.RunSession, imported only under --nfvct-profile (a plain pytest run stays light)
    entered: bool = False
    result: RunResult | None = None
    reports: dict[str, Path] = field(default_factory=dict)


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nfvct", "ETSI NFV certificate management conformance")
    group.addoption("--nfvct-profile", metavar="FILE|embedded",
                    help="run the nfvct scenarios (only them) against the SUT of this profile; 'embedded': the "
                         "reference CMF or SM in this process")
    group.addoption("--nfvct-role", choices=("cmf", "sm"), default=None,
                    help="with --nfvct-profile embedded: the reference to run (default cmf); with a profile file "
                         "it must match its sut.role")
    group.addoption("--nfvct-fault", action="append", default=[], metavar="NAME",
                    help="a fault of the embedded reference, or of the harness's own actors (repeatable; see "
                         "`nfvct faults`)")
    group.addoption("--nfvct-k", metavar="PATTERN", help="only scenarios matching PATTERN (as `nfvct run -k`)")
    group.addoption("--nfvct-out", metavar="DIR", help="also write the nfvct HTML/JSON/JUnit report here")


def _session(config: pytest.Config) -> Any:
    """The RunSession the options ask for, or a one-line UsageError."""
    from harness.profile import ProfileError, load_profile
    from harness.runner import RunSession

    value = config.getoption("--nfvct-profile")
    role = config.getoption("--nfvct-role")
    try:
        profile = None if value == "embedded" else load_profile(Path(value))
        if profile is not None and role and profile.pics.role.lower() != role:
            raise ProfileError(f"{value}: sut.role is {profile.pics.role}, not {role.upper()} (--nfvct-role)")
        return RunSession(profile, faults=config.getoption("--nfvct-fault"), pattern=config.getoption("--nfvct-k"),
                          role=role or "cmf")
    except (ProfileError, ValueError) as exc:
        raise pytest.UsageError(f"nfvct: {exc}") from None


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--nfvct-profile"):
        if getattr(config.option, "numprocesses", None) and getattr(config.option, "dist", "no") != "no":
            raise pytest.UsageError("nfvct: the scenarios run in order, in one process: drop -n (xdist)")
        config.stash[_STATE] = _State(_session(config))
    elif config.getoption("--nfvct-fault") or config.getoption("--nfvct-role"):
        raise pytest.UsageError("nfvct: --nfvct-fault and --nfvct-role need --nfvct-profile (a file or 'embedded')")


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> bool | None:
    """Collect the selected scenarios instead of the session's paths (what `perform_collect` would do for
    them: collect reports, so the header counts them, then the modifyitems and finish hooks)."""
    state = session.config.stash.get(_STATE, None)
    if state is None:
        return None
    hook = session.config.hook
    session.items = []
    try:
        session.items.extend(session.genitems(Scenarios.from_parent(session, name="nfvct", nodeid="nfvct")))
        hook.pytest_collection_modifyitems(session=session, config=session.config, items=session.items)
    finally:
        hook.pytest_collection_finish(session=session)
    session.testscollected = len(session.items)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """Start the run (the embedded reference, the simulators) before the first item, so its start-up time
    lands on no test; a run that cannot start stops the session with one line (exit status 2), a harness defect
    with its traceback."""
    state = session.config.stash.get(_STATE, None)
    if state is None or session.config.option.collectonly or not session.items or state.entered:
        return
    try:
        state.session.__enter__()
    except (ValueError, OSError, RuntimeError) as exc:  # a certificate, a port in use; a defect propagates
        pytest.exit(f"nfvct: the run could not be started: {type(exc).__name__}: {exc}", returncode=2)
    state.entered = True


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_STATE, None)
    if state is None or not state.entered:
        return
    state.entered = False
    state.session.__exit__(None, None, None)
    state.result = state.session.result()
    out = session.config.getoption("--nfvct-out")
    if out:
        from reports import write_reports

        state.reports = write_reports(state.result, Path(out))
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = state.result.outcome().exit_code


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or state.result is None:
        return
    outcome = state.result.outcome()
    terminalreporter.write_sep("-", "nfvct")
    terminalreporter.write_line(f"{outcome.text} (exit status {outcome.exit_code})")
    if "html" in state.reports:
        terminalreporter.write_line(f"report: {state.reports['html']}")


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, Any] | None:
    verdict = getattr(report, "nfvct_verdict", "")
    if report.when == "setup" and report.failed and verdict in (Verdict.INCONCLUSIVE.value, Verdict.ERROR.value):
        return "error", verdict[0], (verdict, {"yellow": True})
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if isinstance(item, ScenarioItem) and item.result is not None:
        report.nfvct_verdict = item.result.verdict.value
    return report


class ScenarioFail(pytest.fail.Exception):
    """FAIL: the SUT violated a requirement."""


class ScenarioInconclusive(pytest.fail.Exception):
    """INCONCLUSIVE: the SUT did something the harness could not judge (raised in setup: a pytest error)."""


class ScenarioError(pytest.fail.Exception):
    """ERROR: the harness itself broke (raised in setup: a pytest error)."""


# "INCONCLUSIVE: ..." rather than "harness.pytest_plugin.ScenarioInconclusive: ..." in every message
for _cls, _verdict in ((ScenarioFail, Verdict.FAIL), (ScenarioInconclusive, Verdict.INCONCLUSIVE),
                       (ScenarioError, Verdict.ERROR)):
    _cls.__module__, _cls.__qualname__ = "builtins", _verdict.value


def _name(check: CheckOutcome) -> str:
    return f"{check.check} [{check.instance}]" if check.instance else check.check


def _lines(scenario: ScenarioResult) -> str:
    """A headline (the scenario's reason, or the checks that decided its verdict), then one line per check that
    did not pass; checks that only repeat the scenario's reason are named on one line."""
    decisive = list(dict.fromkeys(_name(o) for o in scenario.checks if o.verdict is scenario.verdict))
    names = ", ".join(decisive[:3]) + (f" (+{len(decisive) - 3} more)" if len(decisive) > 3 else "")
    word = {Verdict.FAIL: "failed", Verdict.INCONCLUSIVE: "could not be judged"}.get(scenario.verdict, "broke")
    counted = f"{len(decisive)} check{'s' if len(decisive) != 1 else ''} {word}: {names}" if decisive else ""
    lines = [scenario.reason or counted or f"scenario verdict {scenario.verdict.value}"]
    same: list[str] = []
    for o in scenario.checks:
        if o.verdict not in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE):
            continue
        if scenario.reason and o.reason == scenario.reason and not o.evidence.observed:
            same.append(_name(o))
            continue
        detail = f"expected {o.evidence.expected}; observed {o.evidence.observed}" if o.evidence.observed \
            else o.reason or f"expected {o.evidence.expected}"
        lines.append(f"  {o.verdict.value} {_name(o)} [{', '.join(o.requirements)}]: {detail}")
    if same:
        lines.append(f"  not judged for that reason: {', '.join(same)}")
    return "\n".join(terminal_safe(line, 2000) for line in lines)  # SUT text: no escapes, no secrets


class Scenarios(pytest.Collector):
    """The session's only collector under --nfvct-profile: the selected scenarios, in run order."""

    def collect(self) -> list[pytest.Item]:
        state = self.config.stash[_STATE]
        return [ScenarioItem.from_parent(self, name=s.id, scenario=s) for s in state.session.selected]


class ScenarioItem(pytest.Item):
    """One scenario: runs in setup (so INCONCLUSIVE / ERROR are pytest errors), FAILs in call."""

    def __init__(self, *, scenario: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.result: ScenarioResult | None = None

    def setup(self) -> None:
        xml = self.config.stash.get(_JUNIT_KEY, None) if _JUNIT_KEY is not None else None
        if xml is not None:  # pytest would parse the id back ("C.2.2.2[VNFCI]/invalid-csr]"): say it plainly
            reporter = xml.node_reporter(getattr(self, "id", self.nodeid))
            reporter.add_attribute("classname", self.scenario.use_case)
            reporter.add_attribute("name", self.scenario.id)
        self.result = self.config.stash[_STATE].session.run_one(self.scenario)
        self.user_properties.append(("verdict", self.result.verdict.value))
        verdict = self.result.verdict
        if verdict is Verdict.NOT_APPLICABLE:  # reported at the item ("nfvct:1"), not at this line
            raise pytest.skip.Exception(terminal_safe(self.result.reason or "NOT APPLICABLE"),
                                        _use_item_location=True)
        if verdict is Verdict.INCONCLUSIVE:
            raise ScenarioInconclusive(_lines(self.result), pytrace=False)
        if verdict is Verdict.ERROR:
            raise ScenarioError(_lines(self.result), pytrace=False)

    def runtest(self) -> None:
        assert self.result is not None
        if self.result.verdict is Verdict.FAIL:
            raise ScenarioFail(_lines(self.result), pytrace=False)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # under the rootdir, so its location reads "nfvct" wherever the profile (which moves the rootdir) lives
        return self.config.rootpath / "nfvct", 0, f"nfvct scenario {self.scenario.id}"
