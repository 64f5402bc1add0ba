"""The runner's event stream. The terminal view subscribes; reports consume the final RunResult."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from harness.model import CheckOutcome, ScenarioResult, Verdict


@dataclass(frozen=True)
class ScenarioStarted:
    index: int
    total: int
    scenario_id: str
    title: str


@dataclass(frozen=True)
class CheckFinished:
    outcome: CheckOutcome


@dataclass(frozen=True)
class ScenarioFinished:
    index: int
    total: int
    result: ScenarioResult
    seconds: float


@dataclass(frozen=True)
class Message:
    text: str


Event = ScenarioStarted | CheckFinished | ScenarioFinished | Message
Handler = Callable[[Event], None]

_COLOURS = {Verdict.PASS: "32", Verdict.FAIL: "31", Verdict.INCONCLUSIVE: "33", Verdict.ERROR: "35"}


class TerminalProgress:
    """One line per scenario, with its failing checks underneath."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr  # looked up now, not at import (pytest swaps sys.stderr)
        self.colour = self.stream.isatty()

    def _paint(self, verdict: Verdict) -> str:
        code = _COLOURS.get(verdict)
        return f"\033[{code}m{verdict.value}\033[0m" if self.colour and code else verdict.value

    def __call__(self, event: Event) -> None:
        if isinstance(event, ScenarioStarted):
            self.stream.write(f"[{event.index}/{event.total}] {event.scenario_id} ... ")
            self.stream.flush()
        elif isinstance(event, ScenarioFinished):
            self.stream.write(f"{self._paint(event.result.verdict)} ({event.seconds:.1f}s)\n")
            reason = event.result.reason
            if reason:
                self.stream.write(f"      {reason}\n")
            same = [o.check for o in event.result.checks if reason and o.reason and o.reason in reason]
            if same:  # one reason, said once
                self.stream.write(f"      not judged for that reason: {', '.join(same)}\n")
            for outcome in event.result.checks:
                if outcome.check in same:
                    continue
                if outcome.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE):
                    self.stream.write(f"      {self._paint(outcome.verdict)} {outcome.check} "
                                      f"[{', '.join(outcome.requirements)}]: "
                                      f"{outcome.evidence.observed or outcome.reason}\n")
        elif isinstance(event, Message):
            self.stream.write(event.text + "\n")
        self.stream.flush()
