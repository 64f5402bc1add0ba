"""The Fault record shared by the per-topic fault modules."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Fault:
    name: str
    requirements: tuple[str, ...]  # every requirement ID a run with the fault must FAIL, no more
    description: str
    # the scenarios the fault can affect, as a `nfvct run -k` pattern ("" = all): tests/test_faults.py runs only
    # those (the clean run covers everything); it keeps the suite fast for faults of one interface
    only: str = ""


def scoped(faults: tuple[Fault, ...], only: str) -> tuple[Fault, ...]:
    """The faults with ``only`` as their scenario scope, where they name none themselves."""
    return tuple(f if f.only else replace(f, only=only) for f in faults)
