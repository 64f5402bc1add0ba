"""The Fault record shared by the per-topic fault modules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    requirements: tuple[str, ...]  # every requirement ID a run with the fault must FAIL, no more
    description: str
