"""The runner's event stream. The terminal view subscribes; reports consume the final RunResult."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from harness.redact import redact
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
class ScenarioWaiting:
    """The scenario waits (in full) for what only time brings; later scenarios run meanwhile (harness/overlap.py)."""

    scenario_id: str


@dataclass(frozen=True)
class Message:
    text: str


Event = ScenarioStarted | CheckFinished | ScenarioFinished | ScenarioWaiting | Message
Handler = Callable[[Event], None]

# C0 and C1 controls (ESC, CSI, BEL, backspace, carriage return, ...), DEL, and the bidi overrides/isolates that can
# reorder what a reader sees; a newline in SUT text would fake a progress line of its own
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LIMIT = 400


def terminal_safe(text: str, limit: int = _LIMIT) -> str:
    """SUT-derived ``text`` as it may reach a terminal or a CI log: secrets redacted (harness.redact), every
    control character shown as a visible escape (``\\x1b``) instead of acting, one line, at most ``limit``
    characters."""
    shown = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else
                        f"\\u{ord(m.group()):04x}", redact(text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


_COLOURS = {Verdict.PASS: "32", Verdict.FAIL: "31", Verdict.INCONCLUSIVE: "33", Verdict.ERROR: "35"}


class TerminalProgress:
    """One line per scenario, with its failing checks underneath; a scenario that lets others run during its wait
    gets a second line when it finishes."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr  # looked up now, not at import (pytest swaps sys.stderr)
        self.colour = self.stream.isatty()
        self._open = ""  # the scenario whose "[i/N] id ... " line waits for its verdict
        self._started: dict[str, str] = {}  # scenario id -> "[i/N] id ... "

    def _paint(self, verdict: Verdict) -> str:
        code = _COLOURS.get(verdict)
        return f"\033[{code}m{verdict.value}\033[0m" if self.colour and code else verdict.value

    def __call__(self, event: Event) -> None:
        if isinstance(event, ScenarioStarted):
            line = self._started[event.scenario_id] = f"[{event.index}/{event.total}] {event.scenario_id} ... "
            self.stream.write(line)
            self._open = event.scenario_id
            self.stream.flush()
        elif isinstance(event, ScenarioWaiting):  # emitted only when a scenario does run inside the wait
            self.stream.write("waiting; the next scenarios run meanwhile\n")
            self._open = ""
        elif isinstance(event, ScenarioFinished):
            if self._open != event.result.id:  # it waited: its line is long closed
                self.stream.write(f"{self._started.get(event.result.id, event.result.id + ' ... ')}(after its wait) ")
            self._open = ""
            self.stream.write(f"{self._paint(event.result.verdict)} ({event.seconds:.1f}s)\n")
            reason = event.result.reason
            if reason:
                self.stream.write(f"      {terminal_safe(reason)}\n")
            same = [o.check for o in event.result.checks if reason and o.reason and o.reason in reason]
            if same:  # one reason, said once
                self.stream.write(f"      not judged for that reason: {', '.join(same)}\n")
            for outcome in event.result.checks:
                if outcome.check in same:
                    continue
                if outcome.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE):
                    self.stream.write(f"      {self._paint(outcome.verdict)} {outcome.check} "
                                      f"[{', '.join(outcome.requirements)}]: "
                                      f"{terminal_safe(outcome.evidence.observed or outcome.reason)}\n")
        elif isinstance(event, Message):
            self.stream.write(terminal_safe(event.text) + "\n")
        self.stream.flush()
