"""Shared fixtures: runs against the embedded reference CMF are cached per session (per xdist worker). Under
xdist (`make test`: --dist loadgroup) every test file is one group, as with loadfile, except the reference-CMF
fault runs, which are spread over FAULT_GROUPS groups; what each fault run FAILs is also written to a folder
all workers share (``fault_checks``), so tests/test_faults.py's "every check fails under some fault" sees them
all without re-running them."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.model import RunResult, Verdict

_RUNS: dict[tuple[str, ...], RunResult] = {}


def run_reference(*faults: str) -> RunResult:
    """A run against the embedded reference with ``faults``; a single fault runs only the scenarios it can
    affect (its ``only`` pattern), the clean run everything."""
    from harness.runner import run
    from harness.faults import by_name

    BY_NAME = by_name("cmf")

    key = tuple(sorted(faults))
    if key not in _RUNS:
        pattern = (BY_NAME[key[0]].only or None) if len(key) == 1 else None
        _RUNS[key] = run(None, faults=key, seed=1234, reference_check_after=0,  # polling without the waits
                         pattern=pattern)
    return _RUNS[key]


def failed_requirements(result: RunResult) -> set[str]:
    return {r.requirement.id for r in result.requirements if r.verdict is Verdict.FAIL}


@pytest.fixture
def reference_run() -> Callable[..., RunResult]:
    return run_reference


_SM_RUNS: dict[tuple[str, ...], RunResult] = {}


def run_sm(*faults: str) -> RunResult:
    """A run against the embedded reference SM (``nfvct run --role sm``), cached like ``run_reference``."""
    from harness.runner import run
    from harness.faults import by_name

    BY_NAME = by_name("sm")

    key = tuple(sorted(faults))
    if key not in _SM_RUNS:
        pattern = (BY_NAME[key[0]].only or None) if len(key) == 1 else None
        _SM_RUNS[key] = run(None, role="sm", faults=key, seed=1234, pattern=pattern)
    return _SM_RUNS[key]


FAULT_GROUPS = 8  # small groups, so xdist can balance the ~150 fault runs over its workers
# ports of environments served by another process (harness.listeners.free_ports): one span per test module, so
# two modules' fixed ports never meet
SERVED_SPAN = {"cmf": (20000, 25000), "sm": (25000, 30000)}
_FAULT_TEST = "tests/test_faults.py::test_fault_fails_exactly_its_requirements["
_EVERY_CHECK = "tests/test_faults.py::test_every_check_fails_under_some_fault"
_SHARES_CLEAN_RUN = {"tests/test_outofprocess.py": "tests/test_faults.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # the every-check test goes last, in a group of its own: xdist hands out groups in collection order, so every
    # fault group is already on some worker when it starts, and its bounded wait for their records cannot block
    # a fault group queued behind it
    last = [i for i in items if i.nodeid == _EVERY_CHECK]
    items[:] = [i for i in items if i.nodeid != _EVERY_CHECK] + last
    for item in last:
        item.add_marker(pytest.mark.xdist_group("cmf-every-check"))
    for index, item in enumerate(i for i in items if i.nodeid.startswith(_FAULT_TEST)):
        item.add_marker(pytest.mark.xdist_group(f"cmf-faults-{index % FAULT_GROUPS}"))
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            module = item.nodeid.split("::", 1)[0]
            # the out-of-process comparison shares the worker (and the cached clean run) of test_faults.py
            item.add_marker(pytest.mark.xdist_group(_SHARES_CLEAN_RUN.get(module, module)))


@pytest.fixture(scope="session")
def fault_checks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every xdist worker of this session (one file per fault: the checks its run FAILed)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "nfvct-fault-checks"
    shared.mkdir(exist_ok=True)
    return shared


def record_fault_checks(folder: Path, fault: str, result: RunResult | None) -> None:
    failing = sorted({o.check for s in result.scenarios for o in s.checks if o.verdict is Verdict.FAIL}) \
        if result is not None else None
    tmp = folder / f".{fault}.json"
    tmp.write_text(json.dumps(failing))
    tmp.replace(folder / f"{fault}.json")  # atomic: a reader never sees half a file
