"""Checks as registered functions with one signature, keyed by name, citing requirement IDs.

A check receives an Observation (what the harness saw) and returns a Result. It never
raises for a SUT misbehaviour: that is a FAIL. An exception out of a check is a harness
ERROR, recorded as such.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.model import Verdict


@dataclass(frozen=True)
class Observation:
    """What a scenario observed, handed to a check. Fields are optional; checks say what they need."""

    response: httpx.Response | None = None
    message: Any = None  # decoded CMP reply (wire.cmp.PkiMessageView)
    facts: Mapping[str, Any] = field(default_factory=dict)
    trace_seqs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    expected: str
    observed: str
    reason: str = ""


def passed(expected: str, observed: str) -> Result:
    return Result(Verdict.PASS, expected, observed)


def failed(expected: str, observed: str) -> Result:
    return Result(Verdict.FAIL, expected, observed)


def inconclusive(reason: str, expected: str = "", observed: str = "") -> Result:
    return Result(Verdict.INCONCLUSIVE, expected, observed, reason)


def not_applicable(reason: str) -> Result:
    return Result(Verdict.NOT_APPLICABLE, "", "", reason)


def verdict_of(ok: bool, expected: str, observed: str) -> Result:
    return passed(expected, observed) if ok else failed(expected, observed)


CheckFn = Callable[[Observation], Result]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    requirements: tuple[str, ...]
    description: str
    func: CheckFn
    scope: str = ""


REGISTRY: dict[str, CheckSpec] = {}


def check(name: str, *requirements: str, scope: str = "") -> Callable[[CheckFn], CheckFn]:
    """Register a check under one or more requirement IDs; duplicate names are an error."""
    if not requirements:
        raise ValueError(f"check {name!r} must cite at least one requirement ID")

    def register(func: CheckFn) -> CheckFn:
        if name in REGISTRY:
            raise ValueError(f"duplicate check name {name!r}")
        doc = (func.__doc__ or "").strip().splitlines()
        REGISTRY[name] = CheckSpec(name, tuple(requirements), doc[0] if doc else name, func, scope)
        return func

    return register


def describe_response(response: httpx.Response | None) -> str:
    if response is None:
        return "no response"
    body = response.text[:300] if response.content else "(empty body)"
    return f"HTTP {response.status_code}, content-type {response.headers.get('content-type', '-')}: {body}"
