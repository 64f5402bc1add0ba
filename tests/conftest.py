"""Shared fixtures: runs against the embedded reference CMF are cached per session."""

from __future__ import annotations

from collections.abc import Callable

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
