"""Shared fixtures: runs against the embedded reference CMF are cached per session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.model import RunResult, Verdict

_RUNS: dict[tuple[str, ...], RunResult] = {}


def run_reference(*faults: str) -> RunResult:
    from harness.runner import run

    key = tuple(sorted(faults))
    if key not in _RUNS:
        _RUNS[key] = run(None, faults=key, seed=1234, reference_check_after=0)  # polling without the waits
    return _RUNS[key]


def failed_requirements(result: RunResult) -> set[str]:
    return {r.requirement.id for r in result.requirements if r.verdict is Verdict.FAIL}


@pytest.fixture
def reference_run() -> Callable[..., RunResult]:
    return run_reference
