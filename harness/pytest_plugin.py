"""pytest plugin: `pytest --nfvct-profile FILE` runs the conformance scenarios as tests.

Each scenario becomes one test item that fails when the scenario's verdict is FAIL or ERROR,
is skipped when NOT APPLICABLE, and xfails (strict=False) when INCONCLUSIVE. JUnit output
comes from pytest's own --junitxml. Use `--nfvct-profile embedded` for the reference CMF.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.model import RunResult, Verdict

_RESULT_KEY = pytest.StashKey[RunResult]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nfvct", "ETSI NFV certificate management conformance")
    group.addoption("--nfvct-profile", metavar="FILE",
                    help="run the nfvct scenarios against the SUT of this profile ('embedded': reference CMF)")
    group.addoption("--nfvct-k", metavar="PATTERN", help="only scenarios matching PATTERN")
    group.addoption("--nfvct-out", metavar="DIR", help="also write the nfvct HTML/JSON/JUnit report here")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--nfvct-profile"):
        return
    from scenarios import all_scenarios
    from harness.runner import select

    for scenario in select(all_scenarios(), config.getoption("--nfvct-k")):
        items.append(NfvctItem.from_parent(session, name=scenario.id, scenario_id=scenario.id))


def _run(config: pytest.Config) -> RunResult:
    if _RESULT_KEY not in config.stash:
        from harness.profile import load_profile
        from harness.runner import run

        value = config.getoption("--nfvct-profile")
        profile = None if value == "embedded" else load_profile(Path(value))
        result = run(profile, pattern=config.getoption("--nfvct-k"))
        config.stash[_RESULT_KEY] = result
        out = config.getoption("--nfvct-out")
        if out:
            from reports import write_reports

            write_reports(result, Path(out))
    return config.stash[_RESULT_KEY]


class NfvctFailure(Exception):
    pass


class NfvctItem(pytest.Item):
    def __init__(self, *, scenario_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario_id = scenario_id

    def runtest(self) -> None:
        result = _run(self.config)
        scenario = next(s for s in result.scenarios if s.id == self.scenario_id)
        if scenario.verdict is Verdict.NOT_APPLICABLE:
            pytest.skip(scenario.reason or "NOT APPLICABLE")
        lines = [f"{o.verdict.value} {o.check} [{', '.join(o.requirements)}]: expected {o.evidence.expected}; "
                 f"observed {o.evidence.observed or o.reason}"
                 for o in scenario.checks if o.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE)]
        if scenario.verdict in (Verdict.FAIL, Verdict.ERROR):
            raise NfvctFailure("\n".join(lines) or scenario.reason)
        if scenario.verdict is Verdict.INCONCLUSIVE:
            pytest.xfail("INCONCLUSIVE: " + ("\n".join(lines) or scenario.reason))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, NfvctFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return "nfvct", None, f"nfvct scenario {self.scenario_id}"
