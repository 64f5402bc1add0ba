"""The role the system under test plays. A role is one module that knows its use cases, the harness actors they
need (started from the profile), the embedded reference SUT of that role, and the harness bindings in force.
The runner has one loop for every role (harness/runner.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from harness.context import RunContext
from harness.events import Event
from harness.profile import Profile
from harness.trace import Trace
from scenarios.common import Scenario


class Role(Protocol):
    name: str  # "cmf" | "sm"
    bindings: tuple[str, ...]  # the harness's own wire bindings, listed in every report

    def scenarios(self) -> list[Scenario]: ...

    def embedded(self, workdir: Path, faults: frozenset[str], seed: int,
                 check_after: int) -> AbstractContextManager[Profile]:
        """Make a test environment in ``workdir`` (as `nfvct init` does, on free loopback ports), start the
        reference SUT from the settings file written there, with ``faults``; yield the environment's profile."""
        ...

    def context(self, profile: Profile, trace: Trace, seed: int, faults: frozenset[str],
                emit: Callable[[Event], None], selected: Sequence[Scenario] = ()) -> AbstractContextManager[RunContext]:
        """Start every harness actor the ``selected`` use cases need, from the profile (``faults``: the actors'
        own named faults), and hand the scenarios a context."""
        ...


def role_for(name: str) -> Role:
    name = name.lower()
    if name == "cmf":
        from harness.roles import cmf
        return cmf.ROLE
    if name == "sm":
        from harness.roles import sm
        return sm.ROLE
    raise ValueError(f"role {name!r}: one of cmf, sm")
