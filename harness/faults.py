"""Every named fault a run can be given: the reference SUT's own (reference.cmf / reference.sm) and the harness
actors' (simulators/faults.py), in one namespace; ``split`` tells which side each belongs to."""

from __future__ import annotations

from collections.abc import Iterable

from reference.cmf import faults as cmf_faults
from reference.sm import faults as sm_faults
from simulators import faults as actor_faults
from wire.faults import Fault

_BY_ROLE: dict[str, tuple[Fault, ...]] = {"cmf": cmf_faults.FAULTS + actor_faults.FAULTS, "sm": sm_faults.FAULTS}
for _role, _faults in _BY_ROLE.items():
    if len({f.name for f in _faults}) != len(_faults):
        raise ValueError(f"duplicate fault names ({_role})")


def faults_for(role: str) -> tuple[Fault, ...]:
    return _BY_ROLE[role.lower()]


def by_name(role: str) -> dict[str, Fault]:
    return {f.name: f for f in faults_for(role)}


def split(role: str, names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(faults of the reference SUT, faults of the harness's actors); unknown names are a ValueError."""
    names = set(names)
    unknown = sorted(names - by_name(role).keys())
    if unknown:
        raise ValueError(f"unknown fault(s): {', '.join(unknown)}; see `nfvct faults --role {role.lower()}`")
    actors = frozenset(n for n in names if n in actor_faults.BY_NAME)
    return frozenset(names - actors), actors
