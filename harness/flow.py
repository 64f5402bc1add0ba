"""A spec flow table: numbered steps, each with sender, receiver and the spec's text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlowStep:
    number: str
    sender: str
    receiver: str
    description: str


@dataclass(frozen=True)
class UseCase:
    id: str
    title: str
    source: str
    steps: tuple[FlowStep, ...]
