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
    # spec role -> actor name in the trace, e.g. IFA026's "Consumer" is the VNFM (table C.2.2.1.3-1)
    aliases: tuple[tuple[str, str], ...] = ()

    def actors(self) -> tuple[str, ...]:
        """Lifelines in order of appearance in the flow table, under their trace names."""
        alias = dict(self.aliases)
        out: list[str] = []
        for step in self.steps:
            for role in (step.sender, step.receiver):
                name = alias.get(role, role)
                if name not in out:
                    out.append(name)
        return tuple(out)
