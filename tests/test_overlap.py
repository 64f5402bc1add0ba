"""Waits overlapped rather than summed (issue 15 item 6, harness/overlap.py): the verdicts of a run do not depend
on it, the evidence of each check stays its own scenario's, and what may run inside a wait is what the scenarios
declare."""

from __future__ import annotations

import io
import random
import threading
import time
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest

from harness.context import RunContext, UndeclaredResource
from harness.events import ScenarioFinished, ScenarioStarted, ScenarioWaiting, TerminalProgress
from harness.model import RunResult, ScenarioResult, Verdict
from harness.overlap import DIRECT, NOTIFICATIONS, WaitOverlap, may_run_inside
from harness.runner import run, run_scenario
from harness.trace import Trace
from scenarios.common import Scenario
from scenarios.flows import C_2_2_1
from tests.conftest import run_reference


def _verdicts(result: RunResult) -> dict[tuple[str, str], list[str]]:
    """Each (scenario, check) with its verdicts (an instance names SUT serials, which differ between runs)."""
    out: dict[tuple[str, str], list[str]] = {}
    for scenario in result.scenarios:
        for outcome in scenario.checks:
            out.setdefault((scenario.id, outcome.check), []).append(outcome.verdict.value)
    return {key: sorted(values) for key, values in out.items()}


def _nested(result: RunResult) -> set[tuple[str, str]]:
    """(waiting, inside) pairs: a scenario whose trace events fall between the first and last of another's."""
    spans: dict[str, tuple[int, int]] = {}
    for event in result.trace:
        if event.scenario:
            first, last = spans.get(event.scenario, (event.seq, event.seq))
            spans[event.scenario] = (min(first, event.seq), max(last, event.seq))
    return {(a, b) for a, (a0, a1) in spans.items() for b, (b0, b1) in spans.items() if a != b and a0 < b0 and b1 < a1}


@pytest.fixture(scope="module")
def both() -> tuple[RunResult, RunResult]:
    overlapped = run_reference()  # the suite's clean run (run() overlaps by default), cached and shared
    sequential = run(None, seed=1234, reference_check_after=0, overlap=False)
    return overlapped, sequential


def test_every_verdict_is_the_same_with_and_without_overlap(both: tuple[RunResult, RunResult]) -> None:
    overlapped, sequential = both
    assert _verdicts(overlapped) == _verdicts(sequential)
    assert {r.requirement.id: r.verdict for r in overlapped.requirements} == \
        {r.requirement.id: r.verdict for r in sequential.requirements}
    assert [s.id for s in overlapped.scenarios] == [s.id for s in sequential.scenarios]  # the selection's order
    assert overlapped.exit_code() == sequential.exit_code() == 0
    # it did overlap: later scenarios ran inside the expiry wait; nothing did without overlap
    assert ("SOL023-7.3.2[expiry]", "C.2.2.3[VNFCI]/installation") in _nested(overlapped)
    assert _nested(sequential) == set()


def test_evidence_stays_with_its_own_scenario(both: tuple[RunResult, RunResult]) -> None:
    """Every message a check cites belongs to the check's scenario, also the notifications that reached the
    expiry scenario's endpoint while other scenarios ran inside its wait."""
    for result in both:
        owner = {event.seq: event.scenario for event in result.trace}
        strays = [(s.id, o.check, seq, owner.get(seq)) for s in result.scenarios for o in s.checks
                  for seq in o.evidence.trace_seqs if owner.get(seq) not in (s.id, "")]
        assert strays == []
    expiry = next(s for s in both[0].scenarios if s.id == "SOL023-7.3.2[expiry]")
    cited = next(o for o in expiry.checks if o.check == "cns-notify-expiry").evidence.trace_seqs
    arrived = [e for e in both[0].trace if e.seq in cited and e.summary.startswith("POST /notify/expiry")]
    assert arrived and all(e.scenario == expiry.id for e in arrived)


def _fake(name: str, uses: frozenset[str] | None) -> Any:
    return SimpleNamespace(id=name, uses=uses)


def test_what_may_run_inside_a_wait() -> None:
    assert not may_run_inside(None, [])  # declares nothing: never inside a wait
    assert may_run_inside(frozenset(), [frozenset({NOTIFICATIONS})])
    assert not may_run_inside(frozenset({NOTIFICATIONS}), [frozenset({DIRECT}), frozenset({NOTIFICATIONS})])
    assert may_run_inside(frozenset({DIRECT}), [frozenset({NOTIFICATIONS}), frozenset()])


def test_a_wait_runs_the_next_compatible_scenarios_in_order_and_in_full() -> None:
    ran: list[str] = []
    pending = [_fake("none", None), _fake("notif", frozenset({NOTIFICATIONS})), _fake("a", frozenset()),
               _fake("b", frozenset({DIRECT})), _fake("c", frozenset())]
    overlap = WaitOverlap(pending, lambda s: (ran.append(s.id), time.sleep(0.05)), lambda sid: ran.append(f"<{sid}>"))
    started = time.monotonic()
    assert overlap("waiter", lambda: (time.sleep(0.12), 42)[1], frozenset({NOTIFICATIONS})) == 42
    assert time.monotonic() - started >= 0.12  # the wait is never shortened
    assert ran[:3] == ["<waiter>", "a", "b"]  # what declares nothing, or what the wait holds, is skipped
    assert [s.id for s in pending][:2] == ["none", "notif"]  # left for the run, in order


def test_a_wait_nothing_can_use_runs_nothing_and_says_nothing() -> None:
    said: list[str] = []
    pending = [_fake("none", None)]
    assert WaitOverlap(pending, lambda s: pytest.fail("ran"), said.append)("w", lambda: "done", frozenset()) == "done"
    assert said == [] and len(pending) == 1


def test_nested_waits_hold_what_each_holds() -> None:
    ran: list[str] = []
    pending: list[Any] = [_fake("inner-waiter", frozenset()), _fake("notif", frozenset({NOTIFICATIONS})),
                          _fake("direct", frozenset({DIRECT}))]

    def run_one(scenario: Any) -> None:
        ran.append(scenario.id)
        if scenario.id == "inner-waiter":  # waits itself, holding DIRECT, inside the outer NOTIFICATIONS wait
            overlap(scenario.id, lambda: time.sleep(0.05), frozenset({DIRECT}))
            ran.append("inner-waiter done")

    overlap = WaitOverlap(pending, run_one)
    overlap("outer", lambda: time.sleep(0.05), frozenset({NOTIFICATIONS}))
    assert ran[:2] == ["inner-waiter", "inner-waiter done"]  # direct: held by inner while it waited
    # notif: held by outer throughout; direct may follow once the inner wait is over, if the outer one is not yet
    assert ran[2:] in ([], ["direct"])
    assert [s.id for s in pending] == ["notif"] + (["direct"] if ran[2:] == [] else [])


def test_an_error_of_the_wait_is_the_waiting_scenarios() -> None:
    def broken() -> None:
        raise TimeoutError("the endpoint broke")

    with pytest.raises(TimeoutError, match="endpoint broke"):
        WaitOverlap([], lambda s: None)("w", broken, frozenset())


def test_an_interrupt_inside_a_wait_reaches_the_run() -> None:
    def run_one(scenario: Any) -> None:
        raise KeyboardInterrupt("SIGTERM")

    overlap = WaitOverlap([_fake("a", frozenset())], run_one)
    with pytest.raises(KeyboardInterrupt):
        overlap("w", lambda: time.sleep(5), frozenset())
    assert overlap._held == []  # nothing left held
    assert [t for t in threading.enumerate() if t.name == "nfvct-wait w"][0].daemon  # it never blocks the exit


def _context() -> RunContext:
    return RunContext(None, Trace(), random.Random(1), None, None, seed=7)  # type: ignore[arg-type]


def test_a_scenario_that_takes_what_it_does_not_declare_is_an_error() -> None:
    ctx = _context()
    ctx.uses = frozenset()
    with pytest.raises(UndeclaredResource, match=NOTIFICATIONS):
        ctx.require(NOTIFICATIONS)
    ctx.uses = None  # declares nothing: may take anything (and never runs inside a wait)
    ctx.require(NOTIFICATIONS)

    def body(ctx: RunContext, rec: Any) -> None:
        ctx.require(NOTIFICATIONS)

    scenario = Scenario("X", "X", "a scenario that subscribes undeclared", C_2_2_1, ("register-created",), body,
                        uses=frozenset({DIRECT}))
    result = run_scenario(scenario, _context(), lambda event: None)
    assert result.verdict is Verdict.ERROR and "does not declare it" in result.reason


def test_each_scenario_draws_from_its_own_rng() -> None:
    draws: dict[str, int] = {}

    def body(ctx: RunContext, rec: Any) -> None:
        draws[ctx.trace.current[0]] = ctx.rng.getrandbits(64)

    def scenario(name: str) -> Scenario:
        return Scenario(name, name, name, C_2_2_1, (), body)

    for order in (["A", "B"], ["B", "A"]):
        ctx = _context()
        seen = {}
        for name in order:
            run_scenario(scenario(name), ctx, lambda event: None)
            seen[name] = draws[name]
        assert seen == {"A": random.Random("7/A").getrandbits(64), "B": random.Random("7/B").getrandbits(64)}


def _result(name: str) -> ScenarioResult:
    return ScenarioResult(name, name, name, "", Verdict.PASS, (), ())


def test_the_progress_of_a_scenario_that_waited() -> None:
    out = io.StringIO()
    progress = TerminalProgress(out)
    progress(ScenarioStarted(1, 3, "expiry", ""))
    progress(ScenarioWaiting("expiry"))
    progress(ScenarioStarted(2, 3, "inside", ""))
    progress(ScenarioFinished(2, 3, _result("inside"), 0.4))
    progress(ScenarioFinished(1, 3, _result("expiry"), 2.2))
    progress(ScenarioStarted(3, 3, "last", ""))
    progress(ScenarioFinished(3, 3, _result("last"), 0.1))
    assert out.getvalue().splitlines() == [
        "[1/3] expiry ... waiting; the next scenarios run meanwhile",
        "[2/3] inside ... PASS (0.4s)",
        "[1/3] expiry ... (after its wait) PASS (2.2s)",
        "[3/3] last ... PASS (0.1s)",
    ]


def test_the_run_tells_which_scenarios_ran_inside_which_wait() -> None:
    events: list[Any] = []
    result = run(None, seed=1234, pattern="expiry|installation", emit=events.append)
    assert result.exit_code() == 0
    started = [e.index for e in events if isinstance(e, ScenarioStarted)]
    assert sorted(started) == list(range(1, len(result.scenarios) + 1))  # each number once
    assert Counter(type(e).__name__ for e in events)["ScenarioFinished"] == len(result.scenarios)
    order = [(type(e).__name__, e.scenario_id if not isinstance(e, ScenarioFinished) else e.result.id)
             for e in events if isinstance(e, (ScenarioStarted, ScenarioFinished, ScenarioWaiting))]
    retention = ("ScenarioWaiting", "C.2.2.4[VNFCI]/installation")  # the simulated VNFM's key retention
    assert retention in order
    after = order[order.index(retention) + 1:]
    assert after[0] == ("ScenarioStarted", "C.2.2.4.7[VNFCI]/HSM")
    assert after.index(("ScenarioFinished", "C.2.2.4.7[VNFCI]/HSM")) < \
        after.index(("ScenarioFinished", "C.2.2.4[VNFCI]/installation"))
