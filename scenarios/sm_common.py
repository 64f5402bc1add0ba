"""What the Security Manager scenarios share: the SM under test as the harness sees it (its interface sets and
modes, the simulated NFV-MANO), waiting for the SM's reactions, and NFV-MANO-side notes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.context import RunContext
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from simulators.sm.actors import SmActors
from simulators.sm.common import Binding, SmRequest
from simulators.sm.nfvo import Instantiation

MANO = "NFV-MANO side, enforced by the simulator, not a verdict on the SM"


@dataclass(frozen=True)
class SmSetup:
    """The SM under test: ``bindings`` are its interface sets (the simulated sub-SM's is ``sub_sm``)."""

    actors: SmActors
    bindings: tuple[Binding, ...]
    sub_sm: str = ""
    react_seconds: float = 3.0  # how long the SM may take to react to an event or alarm
    quiet_seconds: float = 0.5  # how long to watch for a request that should not come
    approval_seconds: float = 3.0  # deadline of an approval answer

    def pick(self, mode: str) -> Binding | None:
        return next((b for b in self.bindings if b.mode == mode and not b.master), None)

    def master(self) -> Binding | None:
        return next((b for b in self.bindings if b.master), None)


def setup(ctx: RunContext) -> SmSetup:
    return ctx.sm  # type: ignore[no-any-return]


def needs_mode(mode: str) -> Callable[[RunContext], str | None]:
    def applicable(ctx: RunContext) -> str | None:
        if ctx.sm is None:
            return "the SUT is not a Security Manager (nfvct run --role sm)"
        return None if setup(ctx).pick(mode) else f"the SM claims no interface set in {mode} mode (pics.sm_bindings)"
    return applicable


def domain_of(b: Binding) -> str:
    return sorted(b.domains)[0]


def seqs(requests: list[SmRequest]) -> tuple[int, ...]:
    return tuple(r.seq for r in requests)


def wait(s: SmSetup, mark: int, predicate: Callable[[SmRequest], bool], *, quiet: bool = False) -> list[SmRequest]:
    """The SM's requests since ``mark`` that match; waits up to react_seconds for one (quiet: the full quiet window,
    for requests that should not come)."""
    if quiet:
        time.sleep(s.quiet_seconds)
        return [r for r in s.actors.nfvo.since(mark) if predicate(r)]
    return s.actors.nfvo.wait_for(mark, predicate, s.react_seconds)


def update_of(kind: str, vnf_id: str | None = None) -> Callable[[SmRequest], bool]:
    def match(r: SmRequest) -> bool:
        if not (r.method == "POST" and r.path.endswith("/update") and isinstance(r.body, dict)):
            return False
        return r.body.get("updateType") == kind and (vnf_id is None or vnf_id in str(r.body))
    return match


def instantiate(ctx: RunContext, rec: Recorder, step: str, domain: str, **kwargs: Any) -> Instantiation:
    s = setup(ctx)
    inst = s.actors.nfvo.instantiate(domain, deadline=s.approval_seconds, **kwargs)
    asked = "; ".join(f"asked the {a.binding} set: {a.answer.decision or 'no decision'}" for a in inst.approvals)
    text = (f"VNF {inst.vnf.name} ({inst.vnf.id}) in domain {domain}"
            + (", package modified after on-boarding" if kwargs.get("tampered") else "")
            + (", package content not downloadable (503)" if kwargs.get("unavailable") else "")
            + (f"; {asked}" if asked else "")
            + (f"; event delivered to the {', '.join(inst.delivered) or 'no'} interface set(s)" if inst.proceeded
               else "; NFV-MANO did not proceed without the SM's permission"))
    rec.note(step, Verdict.PASS, f"{text} ({MANO})", tuple(q for a in inst.approvals for q in a.answer.seqs))
    return inst


def alarm(ctx: RunContext, rec: Recorder, step: str, domain: str, event: str, **target: Any) -> list[str]:
    delivered = setup(ctx).actors.vim.alarm(domain, event, **target)
    what = target.get("vnf").name if target.get("vnf") is not None else target["host"].id
    rec.note(step, Verdict.PASS if delivered else Verdict.INCONCLUSIVE,
             f"{event} on {what} delivered to the {', '.join(delivered) or 'no'} interface set(s)"
             + ("" if delivered else ": the SM holds no telemetry subscription there"))
    return delivered


def require(inst: Instantiation, what: str) -> None:
    if not inst.proceeded:
        raise PreconditionFailed(f"{what} was not instantiated: the SM did not permit it")


def refusals(rec: Recorder, step: str, requests: list[SmRequest]) -> None:
    """NFV-MANO's refusals of the SM's requests, as notes (the simulator's obligation, not the SM's)."""
    for r in requests:
        if r.status == 403:
            reason = str(r.body)[:80]
            rec.note(step, Verdict.PASS, f"NFVO refused {r.method} {r.path} with 403 ({MANO}); request: {reason}",
                     (r.seq,))
