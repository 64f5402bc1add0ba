"""Collects one scenario's step results and check outcomes while it runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.checks.registry import REGISTRY, Observation, Result
from harness.model import CheckOutcome, Evidence, StepResult, Verdict
from harness.sut_input import classify
from harness.trace import Trace
from harness.flow import FlowStep


class PreconditionFailed(Exception):
    """The scenario could not reach the state its flow starts from; its checks are INCONCLUSIVE."""


@dataclass
class Recorder:
    scenario: str
    steps: tuple[FlowStep, ...]
    trace: Trace
    outcomes: list[tuple[str, CheckOutcome]] = field(default_factory=list)  # (step, outcome)
    step_notes: dict[str, list[tuple[Verdict, str, tuple[int, ...]]]] = field(default_factory=dict)
    last_step: str | None = None  # an error branch: the flow ends with the error response of this step
    keep: Callable[[str], bool] = lambda name: True  # the run's selection: outcomes of other checks are dropped
    _clock: float = field(default_factory=time.monotonic)

    def ends_at(self, number: str) -> None:
        self.last_step = number

    def step(self, number: str) -> None:
        """Mark the spec step the following exchanges belong to."""
        self.trace.set_step(number)

    def note(self, number: str, verdict: Verdict, observed: str, seqs: tuple[int, ...] = ()) -> None:
        """Record what happened at a step that no check judges (e.g. the harness's own stimulus)."""
        self.step_notes.setdefault(number, []).append((verdict, observed, seqs))

    def check(self, name: str, obs: Observation, *, step: str = "", instance: str = "") -> Result:
        spec = REGISTRY[name]
        try:
            result = spec.func(obs)
        except Exception as exc:  # SUT data a parser refused (harness.sut_input), else a harness defect
            blame = classify(exc)
            if blame is None:
                result = Result(Verdict.ERROR, "", "", f"check raised {type(exc).__name__}: {exc}")
            elif blame.verdict is Verdict.FAIL:
                result = Result(Verdict.FAIL, "a well-formed answer", blame.reason, blame.reason)
            else:
                result = Result(blame.verdict, "", "", blame.reason)
        self._add(name, result, step, obs.trace_seqs, instance)
        return result

    def record(self, name: str, result: Result, *, seqs: tuple[int, ...] = (), step: str = "",
               instance: str = "") -> None:
        """Record a verdict reached without running the check (e.g. its input was unparseable SUT data)."""
        self._add(name, result, step, seqs, instance)

    def skip_remaining(self, names: tuple[str, ...], verdict: Verdict, reason: str) -> None:
        done = {o.check for _, o in self.outcomes}
        for name in names:
            if name not in done:
                self._add(name, Result(verdict, "", "", reason), "", ())

    def _add(self, name: str, result: Result, step: str, seqs: tuple[int, ...], instance: str = "") -> None:
        if not self.keep(name):
            return
        spec = REGISTRY[name]
        now = time.monotonic()
        seconds, self._clock = now - self._clock, now
        outcome = CheckOutcome(
            check=name,
            requirements=spec.requirements,
            verdict=result.verdict,
            scenario=self.scenario,
            evidence=Evidence(result.expected, result.observed, seqs),
            scope=spec.scope,
            reason=result.reason,
            instance=instance,
            seconds=round(seconds, 6),
        )
        self.outcomes.append((step, outcome))

    def step_results(self) -> tuple[StepResult, ...]:
        results = []
        reached = True
        for flow_step in self.steps:
            if not reached:
                results.append(StepResult(flow_step.number, flow_step.sender, flow_step.receiver,
                                          flow_step.description, Verdict.NOT_APPLICABLE,
                                          f"not part of this branch: the flow ends with the error response of "
                                          f"step {self.last_step}"))
                continue
            reached = flow_step.number != self.last_step
            verdicts: list[Verdict] = []
            observed: list[str] = []
            seqs: list[int] = []
            for step, outcome in self.outcomes:
                if step == flow_step.number:
                    verdicts.append(outcome.verdict)
                    observed.append(f"{outcome.check}: {outcome.verdict.value}")
                    seqs += outcome.evidence.trace_seqs
            for verdict, text, note_seqs in self.step_notes.get(flow_step.number, []):
                verdicts.append(verdict)
                observed.append(text)
                seqs += note_seqs
            seqs += [e.seq for e in self.trace.events(self.scenario) if e.step == flow_step.number]
            results.append(StepResult(
                number=flow_step.number,
                sender=flow_step.sender,
                receiver=flow_step.receiver,
                description=flow_step.description,
                verdict=Verdict.worst(verdicts) if verdicts else Verdict.NOT_TESTED,
                observed="; ".join(observed) if observed else "not observable from the harness",
                trace_seqs=tuple(sorted(set(seqs))),
            ))
        return tuple(results)
