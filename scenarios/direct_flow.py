"""Building blocks of the direct-mode scenarios: the VNFM runs a VNF LCM operation and notifies, then the harness
watches what the CMF does at the VNFM, the CA, the attestation service and the VNFCIs, and enrols as the VNFCIs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.checks.registry import Observation
from harness.context import RunContext
from harness.model import Verdict
from harness.preflight import unreachable
from harness.recorder import PreconditionFailed, Recorder
from simulators.direct.actors import DirectActors, identity_fqdn
from simulators.direct.inventory import OpOcc, VnfInstance, Vnfc
from simulators.direct.vnfci import Enrolment, enrol, new_software_key
from harness.plaintext import plain

WAIT = 3.0  # seconds the CMF gets to react to a notification on loopback
QUIET = 0.5  # how long to watch for something that must not happen


def actors_of(ctx: RunContext) -> DirectActors:
    if ctx.direct is None:
        raise PreconditionFailed("direct mode is claimed but the profile configures no direct-mode actors "
                                 "(pixit.harness: ca1, vnfm_lcm, attestation, vnfci, direct_cmp)")
    return ctx.direct


def wait_for(predicate: Callable[[], bool], seconds: float = WAIT) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def subscribed(ctx: RunContext, rec: Recorder, step: str = "pre-condition") -> None:
    """Pre-condition 0: the CMF holds a subscription to VNF LCM notifications at the VNFM."""
    vnfm = actors_of(ctx).vnfm
    rec.step(step)
    wait_for(lambda: bool(vnfm.subscriptions))
    if not vnfm.subscriptions and not vnfm.attempts:
        down = unreachable(ctx.profile.pixit.api_root)
        if down:  # a CMF that is not there says nothing about its direct mode
            raise PreconditionFailed(f"the CMF is not reachable ({down}), so its silence at the VNFM is not judged")
    rec.check("direct-subscription", Observation(facts={"attempts": list(vnfm.attempts),
                                                        "subscriptions": dict(vnfm.subscriptions)}))
    if not vnfm.subscriptions:
        raise PreconditionFailed("the CMF holds no subscription to the VNFM's VNF LCM notifications")


@dataclass
class Operation:
    vnf: VnfInstance
    op: OpOcc
    first_seq: int  # trace position when the notification went out


def new_vnfc(ctx: RunContext, vdu: str, *, attestation: str = "", hsm: bool = False) -> Vnfc:
    """A VNFC of ``vdu``; ``attestation`` is its appraisal at the attestation service ("" = not required)."""
    actors = actors_of(ctx)
    vnfc_id = f"vnfc-{uuid.UUID(int=ctx.rng.getrandbits(128)).hex[:12]}"
    if attestation:
        actors.attestation.appraisals[vnfc_id] = attestation
    return Vnfc(vnfc_id, vdu, actors.vnfci.endpoint(vnfc_id), bool(attestation), hsm)


def run_operation(ctx: RunContext, rec: Recorder, step: str, operation: str, vnf: VnfInstance | None,
                  added: list[Vnfc] | None = None, removed: list[Vnfc] | None = None) -> Operation:
    """The VNFM performs ``operation`` and notifies its completion (the trigger the CMF reacts to)."""
    actors = actors_of(ctx)
    added, removed = added or [], removed or []
    inventory = actors.vnfm.inventory
    vnf = vnf or inventory.new_vnf()
    vnf.vnfcs = [v for v in vnf.vnfcs if v not in removed] + list(added)
    vnf.instantiated = operation != "TERMINATE"
    changes = [v.affected("ADDED") for v in added] + [v.affected("REMOVED") for v in removed]
    op = inventory.new_op(vnf, operation, changes)
    rec.step(step)
    first = len(ctx.trace.events())
    answers = actors.vnfm.notify(op)
    statuses = [a.status_code if not isinstance(a, str) else a for a in answers]
    rec.note(step, Verdict.PASS, f"VNFM: {operation} of VNF {vnf.name} completed ({len(added)} VNFC(s) added, "
             f"{len(removed)} removed); VnfLcmOperationOccurrenceNotification answered {plain(statuses)}")
    return Operation(vnf, op, first)


def expected_identities(ctx: RunContext, vnfcs: list[Vnfc]) -> list[tuple[str, str, str, str]]:
    actors = actors_of(ctx)
    return [(v.id, name, kind, identity_fqdn(name, v.id, actors.san_domain))
            for v in vnfcs for name, kind in actors.policy.get(v.vdu_id, ())]


def registrations(ctx: RunContext, vnfcs: list[Vnfc]) -> list[dict[str, Any]]:
    ids = {v.id for v in vnfcs}
    return [body for body, status, _ in actors_of(ctx).ca.registrations
            if status == 201 and str(body.get("entityId", "")).partition("/")[0] in ids]


def strays(ctx: RunContext, since: int) -> list[str]:
    """End entities registered (201) after trace seq ``since`` for a VNFC the simulated VNFM never had."""
    inventory = actors_of(ctx).vnfm.inventory
    known = {v.id for vnf in inventory.vnfs.values() for v in vnf.vnfcs}
    known |= {str(a.get("id")) for op in inventory.op_occs.values() for a in op.affected}
    return [str(body.get("entityId", "")) for body, status, seq in actors_of(ctx).ca.registrations
            if status == 201 and seq > since and str(body.get("entityId", "")).partition("/")[0] not in known]


def configs(ctx: RunContext, vnfcs: list[Vnfc]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for vnfc in vnfcs:
        for received in actors_of(ctx).vnfci.configs_for(vnfc.id):
            out.setdefault(vnfc.id, []).extend(i for i in received.body["identities"] if isinstance(i, dict))
    return out


def await_provisioning(ctx: RunContext, rec: Recorder, operation: Operation, vnfcs: list[Vnfc],
                       steps: tuple[str, str, str]) -> None:
    """Steps 'query', 'register', 'configure': wait for the CMF, then judge Query VNF, registration, CA choice and
    configuration of every identity of ``vnfcs``."""
    actors, vnf_id = actors_of(ctx), operation.vnf.id
    expected = expected_identities(ctx, vnfcs)

    def queries() -> list[Any]:
        return [r for r in actors.vnfm.requests if r.method == "GET" and r.seq > operation.first_seq
                and r.path in (f"/vnf_instances/{vnf_id}", "/vnf_instances")]

    def configured() -> bool:
        got = configs(ctx, vnfcs)
        return all(any(i.get("name") == name for i in got.get(vnfc, [])) for vnfc, name, _, _ in expected)

    wait_for(configured)
    rec.step(steps[0])
    seen = queries()
    rec.check("direct-vnf-queried", Observation(facts={"vnf_id": vnf_id, "queries": seen},
                                                trace_seqs=tuple(q.seq for q in seen)))
    regs = registrations(ctx, vnfcs)
    if not seen and not regs:
        raise PreconditionFailed("the CMF neither queried the VNF instance nor registered anything")
    rec.step(steps[1])
    facts = {"expected": expected, "registrations": regs, "configs": configs(ctx, vnfcs),
             "anchor": actors.ca.anchor_pem, "strays": strays(ctx, operation.first_seq)}
    rec.check("direct-identities-registered", Observation(facts=facts))
    rec.check("direct-ca-selected", Observation(facts=facts))
    rec.step(steps[2])
    rec.check("direct-vnfci-configured", Observation(facts=facts))


def enrol_all(ctx: RunContext, rec: Recorder, vnfcs: list[Vnfc], step: str,
              key_for: Callable[[], Any] = new_software_key) -> list[Enrolment]:
    """The VNFCIs generate keys and enrol every configured identity (ir with the initial credential)."""
    actors = actors_of(ctx)
    rec.step(step)
    return [enrol(identity, key_for(), actors.tls_trust, ctx.profile.pixit.timeout)
            for identities in configs(ctx, vnfcs).values() for identity in identities]


def judge_enrolment(rec: Recorder, results: list[Enrolment], step: str) -> None:
    rec.step(step)
    rec.check("direct-enrolled", Observation(facts={"enrolments": results}))


def judge_operations(ctx: RunContext, rec: Recorder, since: int) -> None:
    """SOL023 clause 6 over every request the CMF sent to the VNF LCM interface during the scenario."""
    requests = [r for r in actors_of(ctx).vnfm.requests if r.seq > since]
    rec.check("direct-lcm-operations", Observation(facts={"requests": requests},
                                                   trace_seqs=tuple(r.seq for r in requests[:20])))
