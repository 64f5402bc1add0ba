"""Runs the selected scenarios against the SUT and aggregates verdicts per requirement."""

from __future__ import annotations

import difflib
import fnmatch
import random
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from harness import __version__, bounds, endpoints
from harness.catalogue import for_role, load_catalogue, load_sides
from harness.checks import REGISTRY
from harness.checks.profile_checks import check_issued
from harness.context import RunContext
from harness.events import CheckFinished, Handler, Message, ScenarioFinished, ScenarioStarted, ScenarioWaiting
from harness.faults import split
from harness.overlap import WaitOverlap
from harness.model import CheckOutcome, RequirementResult, RunInfo, RunResult, ScenarioResult, Selection, Verdict
from harness.profile import Profile
from harness.recorder import PreconditionFailed, Recorder
from harness.roles import role_for
from harness.trace import Trace
from scenarios import Scenario
from wire.serve import stop_together


def select(scenarios: Sequence[Scenario], pattern: str | None) -> list[Scenario]:
    """-k PATTERN over scenario id and title, case-insensitive: a literal substring (so an id copied from
    `nfvct list` or the report, brackets included, selects its scenario), or a glob when it has * or ?;
    'A|B' matches either, 'not X' (or 'not A|B') excludes."""
    if not pattern:
        return list(scenarios)
    negate = pattern.startswith("not ")
    needles = [n.strip().lower() for n in (pattern[4:] if negate else pattern).split("|") if n.strip()]

    def one(text: str, needle: str) -> bool:
        return needle in text or (any(c in needle for c in "*?") and fnmatch.fnmatchcase(text, f"*{needle}*"))

    def hit(s: Scenario) -> bool:
        return any(one(s.id.lower(), n) or one(s.title.lower(), n) or one(f"{s.id} {s.title}".lower(), n)
                   for n in needles)

    return [s for s in scenarios if hit(s) != negate]


def selected_checks(scenarios: Sequence[Scenario], selection: Selection) -> frozenset[str] | None:
    """The checks --requirement / --check ask for (None: every check), or a one-line ValueError naming what
    matched nothing."""
    if not (selection.requirements or selection.checks):
        return None
    in_role = {c for s in scenarios for c in s.checks}
    chosen: set[str] = set()
    for name in selection.checks:
        if name not in in_role:
            near = difflib.get_close_matches(name, sorted(in_role), n=1)
            hint = f" (did you mean {near[0]}?)" if near else " (`nfvct list` shows them)"
            raise ValueError(f"--check {name}: no such check in this role's scenarios{hint}")
        chosen.add(name)
    ids = load_catalogue().ids()
    for prefix in selection.requirements:
        matched = [i for i in ids if i == prefix or i.startswith(prefix)]
        if not matched:
            raise ValueError(f"--requirement {prefix}: no requirement ID starts with it (`nfvct show ID`, or the "
                             "report's catalogue)")
        judging = {c for c in in_role if any(r in matched for r in REGISTRY[c].requirements)}
        if not judging:
            raise ValueError(f"--requirement {prefix}: no check of this role judges it (NOT TESTED in this release)")
        chosen |= judging
    return frozenset(chosen)


def run_scenario(scenario: Scenario, ctx: RunContext, emit: Handler,
                 checks: frozenset[str] | None = None) -> ScenarioResult:
    rec = Recorder(scenario.id, scenario.flow.steps, ctx.trace)
    if checks is not None:
        rec.keep = checks.__contains__
    outer = ctx.rng, ctx.uses  # a scenario may run inside another's wait (harness/overlap.py)
    if ctx.seed is not None:  # its own identifiers whatever ran before it: the same seed, the same draws
        ctx.rng = random.Random(f"{ctx.seed}/{scenario.id}")
    ctx.uses = scenario.uses
    try:
        reason = _run_body(scenario, ctx, rec)
    finally:
        ctx.rng, ctx.uses = outer
    outcomes = tuple(o for _, o in rec.outcomes)
    for outcome in outcomes:
        emit(CheckFinished(outcome))
    steps = rec.step_results()
    verdicts = [o.verdict for o in outcomes] + [s.verdict for s in steps]
    verdict = Verdict.worst(verdicts)
    if reason and all(o.verdict is Verdict.NOT_APPLICABLE for o in outcomes):
        verdict = Verdict.NOT_APPLICABLE
    return ScenarioResult(scenario.id, scenario.use_case, scenario.title, scenario.flow.source, verdict, steps,
                          outcomes, dict(scenario.parameters), reason or "", scenario.flow.actors())


def _run_body(scenario: Scenario, ctx: RunContext, rec: Recorder) -> str | None:
    """The scenario's body and its checks; the reason it did not run to its end, if any."""
    reason = scenario.applicable(ctx)
    with ctx.trace.scenario(scenario.id):
        if reason:
            rec.skip_remaining(scenario.checks, Verdict.NOT_APPLICABLE, reason)
        else:
            try:
                first_new = len(ctx.issued)
                try:
                    scenario.body(ctx, rec)
                finally:  # the certificates obtained before any abort are still judged (its own: not those of
                    # scenarios that ran inside its waits)
                    check_issued(ctx, rec, [c for c in ctx.issued[first_new:] if c.scenario == scenario.id])
                rec.skip_remaining(scenario.checks, Verdict.INCONCLUSIVE,
                                   "not reached: an earlier exchange of this scenario did not produce what it needs")
            except PreconditionFailed as exc:
                reason = f"pre-condition not reached: {exc}"
                rec.skip_remaining(scenario.checks, Verdict.INCONCLUSIVE, reason)
            except httpx.TransportError as exc:  # timeouts, refused or dropped connections: not judgeable
                reason = endpoints.failure(ctx.trace, exc, scenario.id)  # names the URL; a dead one fails fast
                rec.skip_remaining(scenario.checks, Verdict.INCONCLUSIVE, reason)
            except Exception as exc:  # the harness broke, or the SUT's answer broke it: never a PASS
                from harness.sut_input import classify  # SUT data a parser refused: not the harness's fault

                if classify(exc) is not None:
                    reason = f"the SUT's answer broke the scenario: {type(exc).__name__}: {str(exc)[:300]}"
                    rec.skip_remaining(scenario.checks, Verdict.INCONCLUSIVE, reason)
                else:
                    reason = f"scenario aborted: {type(exc).__name__}: {exc}"
                    rec.skip_remaining(scenario.checks, Verdict.ERROR, reason)
    return reason


def _not_run(scenario: Scenario, reason: str) -> ScenarioResult:
    return ScenarioResult(scenario.id, scenario.use_case, scenario.title, scenario.flow.source, Verdict.INCONCLUSIVE,
                          (), (), dict(scenario.parameters), reason, scenario.flow.actors())


def aggregate(outcomes: Sequence[CheckOutcome], role: str = "cmf",
              selected: bool = True) -> tuple[RequirementResult, ...]:
    """Requirement verdicts over the catalogue part of ``role`` (SM runs also say whose obligation each is).
    A requirement nothing judged is NOT TESTED when no check of the role cites it, NOT SELECTED when one does
    but the run's selection (``selected`` False: not everything) left it out."""
    catalogue = load_catalogue()
    sides = load_sides() if role == "sm" else {}
    by_req: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        for req in outcome.requirements:
            by_req.setdefault(req, []).append(outcome)
    unknown = sorted(set(by_req) - set(catalogue.ids()))
    if unknown:
        raise ValueError(f"checks cite requirement IDs missing from the catalogue: {unknown}")
    judged_by_role = {r for s in role_for(role).scenarios() for c in s.checks for r in REGISTRY[c].requirements}

    def verdict(req_id: str) -> Verdict:
        if req_id in by_req:
            return Verdict.worst([o.verdict for o in by_req[req_id]])
        return Verdict.NOT_SELECTED if not selected and req_id in judged_by_role else Verdict.NOT_TESTED

    return tuple(
        RequirementResult(req, verdict(req.id), tuple(by_req.get(req.id, [])), *sides.get(req.id, ("", "")))
        for req in for_role(role)
    )


class RunSession:
    """One run, scenario by scenario, for callers that time or report each one (the pytest plugin)::

        with RunSession(profile, pattern=...) as session:
            for scenario in session.selected:
                session.run_one(scenario)
        result = session.result()

    Selection errors raise ValueError from the constructor, before anything is started. Without a profile, the
    embedded reference of ``role`` is made from a fresh test environment, exactly as `serve-reference` would
    serve it, with its ``faults``; ``reference_check_after`` is the checkAfter the reference CMF's pollRep
    announces, in seconds (0 by default: the embedded rehearsal does not sleep; a vendor SUT's checkAfter is
    always honoured, and tests/test_check_after.py shows a non-zero one is). Faults of the harness's own actors (simulators/faults.py) apply with or without a
    profile. ``overlap``: in :meth:`run_all`, later scenarios may run inside a scenario's wait (harness/overlap.py);
    :meth:`run_one` alone never overlaps."""

    def __init__(self, profile: Profile | None = None, *, faults: Sequence[str] = (), pattern: str | None = None,
                 requirements: Sequence[str] = (), checks: Sequence[str] = (), seed: int | None = None,
                 emit: Handler = lambda event: None, workdir: Path | None = None, reference_check_after: int = 0,
                 role: str = "cmf", render_ahead: bool = False, overlap: bool = False) -> None:
        self.overlap = overlap
        self.render_ahead = render_ahead  # a report will be written: render the trace on an idle core meanwhile
        self.seed = seed if seed is not None else secrets.randbits(32)
        self.started = datetime.now(timezone.utc)
        self.trace = Trace()
        self.role = role_for(profile.pics.role if profile is not None else role)
        self.selection = Selection(pattern or "", tuple(requirements), tuple(checks))
        self.wanted = selected_checks(self.role.scenarios(), self.selection)
        self.selected = [s for s in select(self.role.scenarios(), pattern)
                         if self.wanted is None or self.wanted & set(s.checks)]
        if not self.selected:
            raise ValueError(f"{self.selection.describe()} selects no scenario (`nfvct list -k ...` shows what it "
                             "matches)")
        self.sut_faults, self.actor_faults = split(self.role.name, faults)
        who = f"reference {self.role.name.upper()}"
        if profile is not None and self.sut_faults:
            raise ValueError(f"--fault {', '.join(sorted(self.sut_faults))}: a fault of the {who}, which a profile's "
                             "SUT does not run in this process; give it to `nfvct serve-reference --fault`")
        self.profile, self.faults, self.emit = profile, tuple(sorted(faults)), emit
        self.workdir, self.check_after = workdir, reference_check_after
        self.label = profile.name if profile is not None else f"{who} (embedded)"
        if faults:
            self.label += f" with faults {', '.join(self.faults)}"
        self.results: list[ScenarioResult] = []  # in the order they finished (see _result for the report's)
        self._started = 0
        self._pending: list[Scenario] = []  # not started yet, in run_all (a wait may take some: harness/overlap.py)
        self.interrupted = False
        self.interrupt_reason = "interrupted"  # "interrupted (SIGTERM)" when a signal handler says which
        self._stack = ExitStack()
        self._ctx: RunContext | None = None

    def __enter__(self) -> "RunSession":
        stack = self._stack.__enter__()
        try:
            if self.render_ahead:  # entered first, so left last: after every listener has stopped
                stack.enter_context(self.trace.render_ahead())
            if self.profile is None:
                tmp = self.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nfvct-")))
                self.profile = stack.enter_context(self.role.embedded(tmp, self.sut_faults, self.seed,
                                                                      self.check_after))
                self.emit(Message(f"started the embedded reference {self.role.name.upper()} from a test "
                                  f"environment in {tmp}"))
            self._ctx = stack.enter_context(self.role.context(self.profile, self.trace, self.seed,
                                                              self.actor_faults, self.emit, self.selected))
        except BaseException:
            self._stack.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.interrupted:
            self.results += [_not_run(s, f"not run: the run was {self.interrupt_reason}") for s in self._unfinished()]
        with stop_together():  # the run's listeners stop in one tick, not one each
            self._stack.__exit__(None, None, None)

    def interrupt(self, exc: KeyboardInterrupt) -> None:
        """Mark the run interrupted; a KeyboardInterrupt("SIGTERM") (see cli._cmd_run) names its signal."""
        if not self.interrupted:
            self.interrupted = True
            self.interrupt_reason = f"interrupted ({exc.args[0]})" if exc.args else "interrupted"
            self.emit(Message(f"{self.interrupt_reason}: writing the report of the scenarios that finished"))

    def run_one(self, scenario: Scenario) -> ScenarioResult:
        """Run the next scenario; a KeyboardInterrupt marks the run interrupted and propagates."""
        assert self._ctx is not None, "RunSession used outside its with block"
        limits = bounds.limits_of(self.trace)
        if limits.run_deadline is None:  # the run's wall-time bound counts from its first scenario
            assert self.profile is not None
            limits = bounds.start_run(self.trace, self.profile.pixit, len(self.selected))
        elif time.monotonic() >= limits.run_deadline:  # the rest is "not run: ... (run time bound N s)"
            stop = KeyboardInterrupt(f"run time bound {limits.run_seconds:g} s")
            self.interrupt(stop)
            raise stop
        self._started += 1
        index = self._started
        self.emit(ScenarioStarted(index, len(self.selected), scenario.id, scenario.title))
        t0 = time.monotonic()
        try:
            result = run_scenario(scenario, self._ctx, self.emit, self.wanted)
        except KeyboardInterrupt as exc:  # keep what ran; the report says the run was cut short
            self.interrupt(exc)
            raise
        self.results.append(result)
        self.emit(ScenarioFinished(index, len(self.selected), result, time.monotonic() - t0))
        return result

    def run_all(self, on_scenario: Callable[[RunResult], None] | None = None) -> None:
        """Every selected scenario, in order; with ``overlap``, later ones may run inside a scenario's wait.
        ``on_scenario``: see :func:`run`."""
        assert self._ctx is not None, "RunSession used outside its with block"
        self._pending = list(self.selected)
        if self.overlap:
            self._ctx.overlap = WaitOverlap(self._pending, self.run_one, lambda sid: self.emit(ScenarioWaiting(sid)))
        written = 0.0
        try:
            while self._pending:
                self.run_one(self._pending.pop(0))
                if on_scenario is not None and time.monotonic() - written >= PARTIAL_EVERY:
                    on_scenario(self.partial_result())
                    written = time.monotonic()
        finally:
            self._ctx.overlap = None

    def _unfinished(self) -> list[Scenario]:
        done = {r.id for r in self.results}
        return [s for s in self.selected if s.id not in done]

    def result(self) -> RunResult:
        stopped = f"the run was {self.interrupt_reason}" if self.interrupted else ""
        return self._result(self.results, self.interrupted, stopped)

    def partial_result(self) -> RunResult:
        """What has finished so far, for a crash-safe write while the run goes on: the rest is INCONCLUSIVE "not
        run yet", and the run counts as interrupted (exit 2) until the final :meth:`result` replaces it."""
        rest = [_not_run(s, "not run yet: partial results, written while the run was in progress")
                for s in self._unfinished()]
        done = f"{len(self.results)} of {len(self.selected)} scenarios finished"
        return self._result([*self.results, *rest], True, f"partial results, written while the run was in "
                                                          f"progress ({done})")

    def _result(self, results: Sequence[ScenarioResult], interrupted: bool, stopped: str) -> RunResult:
        order = {s.id: i for i, s in enumerate(self.selected)}  # the report's order is the selection's
        results = sorted(results, key=lambda r: order.get(r.id, len(order)))
        outcomes = [o for r in results for o in r.checks]
        assert self.profile is not None
        info = RunInfo(
            id=str(uuid.uuid4()), started=self.started, finished=datetime.now(timezone.utc), sut=self.label,
            version=__version__, seed=self.seed, profile=self.profile.source, faults=self.faults,
            interrupted=interrupted, role=self.role.name.upper(), selection=self.selection, stopped=stopped,
        )
        return RunResult(info, aggregate(outcomes, self.role.name, self.selection.everything), tuple(results),
                         self.trace.events(), self.role.bindings)


PARTIAL_EVERY = 1.0  # seconds between incremental writes: each one re-renders all so far, so not after every scenario


def run(profile: Profile | None = None, *, on_scenario: Callable[[RunResult], None] | None = None,
        overlap: bool = True, **options: Any) -> RunResult:
    """The whole run at once (see :class:`RunSession` for the options); Ctrl-C keeps what finished.
    ``on_scenario`` gets :meth:`RunSession.partial_result` after a finished scenario, at most every PARTIAL_EVERY
    seconds (incremental reports; the final result and an interruption are always written by the caller).
    ``overlap`` False: strictly one scenario after another (`nfvct run --no-overlap`)."""
    session = RunSession(profile, overlap=overlap, **options)
    with session:
        try:
            session.run_all(on_scenario)
        except KeyboardInterrupt as exc:  # also between scenarios, e.g. during an incremental write
            session.interrupt(exc)
    return session.result()


def registered_check_names() -> list[str]:
    return sorted(REGISTRY)
