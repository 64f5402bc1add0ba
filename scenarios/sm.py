"""Security Manager scenarios (``nfvct run --role sm``): the harness plays NFV-MANO (NFVO on Sc-Or, VIM on Sc-Vi)
and judges what the SM does in each mode and trust domain (IFA026 5.1.2, 5.1.3, annex A; IFA033 clause 5)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx

from harness.checks.registry import Observation
from harness.checks.sm_checks import modifying
from harness.context import RunContext
from harness.model import Verdict
from harness.recorder import Recorder
from simulators.sm.common import SmRequest
from simulators.sm.inventory import Vnf
from simulators.sm.nfvo import Nfvo
from simulators.sm.stimuli import event_without_ns_instance
from scenarios import flows_sm as F
from scenarios.common import Scenario
from scenarios.sm_common import (MANO, alarm, domain_of, instantiate, needs_mode, refusals, require, seqs, setup,
                                 update_of, wait)


def passive(ctx: RunContext, rec: Recorder) -> None:
    s = setup(ctx)
    b = s.pick("passive")
    assert b is not None
    domain, nfvo = domain_of(b), s.actors.nfvo
    rec.step("1")
    attempts = [r for r in nfvo.requests if r.binding == b.name and r.method == "POST"
                and r.path.endswith("/nslcm/v2/subscriptions")]
    rec.check("sm-subscribes", Observation(facts={"subscriptions": nfvo.own_subscriptions(b.name),
                                                  "attempts": attempts}, trace_seqs=seqs(attempts)), step="1")
    mark = nfvo.mark()
    rec.step("2")
    inst = instantiate(ctx, rec, "2", domain)
    rec.step("3")
    delivered = alarm(ctx, rec, "3", domain, "INTEGRITY_VIOLATION", vnf=inst.vnf)
    rec.step("4")
    requests = wait(s, mark, lambda r: r.binding == b.name, quiet=True)
    rec.check("sm-passive-no-action", Observation(facts={"requests": requests, "delivered": inst.delivered + delivered},
                                                  trace_seqs=seqs(requests)), step="4")
    refusals(rec, "4", modifying(requests))
    rec.step("5")
    gone = nfvo.terminate(inst.vnf)
    rec.note("5", Verdict.PASS, f"termination event delivered to the {', '.join(gone) or 'no'} interface set(s) "
                                f"({MANO})")


def semi_active(ctx: RunContext, rec: Recorder) -> None:
    s = setup(ctx)
    b = s.pick("semi-active")
    assert b is not None
    domain, nfvo = domain_of(b), s.actors.nfvo
    mark = nfvo.mark()
    rec.step("1")
    genuine = instantiate(ctx, rec, "1", domain, policy_required=True)
    rec.step("2")
    tampered = instantiate(ctx, rec, "2", domain, tampered=True)
    unavailable = instantiate(ctx, rec, "2", domain, unavailable=True)  # fails closed: nothing verified, no CONFIRMED
    require(genuine, "the first VNF")
    rec.step("3")
    ids = {genuine.vnf.id, tampered.vnf.id, unavailable.vnf.id}

    def confirmations() -> dict[str, str]:
        return {str(r.body.get("vnfInstanceId")): str(r.body.get("result")) for r in nfvo.since(mark)
                if r.path.endswith("/package_confirmations") and isinstance(r.body, dict)}
    deadline = time.monotonic() + s.react_seconds
    while not ids <= set(confirmations()) and time.monotonic() < deadline:
        time.sleep(0.02)
    got = [r for r in nfvo.since(mark) if r.path.endswith("/package_confirmations")]
    rec.check("sm-package-integrity", Observation(facts={
        "confirmations": confirmations(),
        "expected": {genuine.vnf.id: "CONFIRMED", tampered.vnf.id: "FAILED", unavailable.vnf.id: "FAILED"}},
        trace_seqs=seqs(got)), step="3")
    rec.step("4")
    mods = wait(s, mark, update_of("MODIFY_VNF_INFORMATION", genuine.vnf.id))
    rec.check("sm-semi-policy", Observation(facts={"requests": mods, "vnf": genuine.vnf}, trace_seqs=seqs(mods)),
              step="4")
    mark = nfvo.mark()
    rec.step("5")
    accepted = event_without_ns_instance(nfvo, genuine.vnf)  # robustness: the SM must still act on the alarm
    rec.note("5", Verdict.NOT_TESTED, "NFV-MANO sent a malformed NS LCM notification (no nsInstanceId; a robustness "
             f"stimulus), {'accepted' if accepted else 'not accepted'} by the SM; its answer is not judged, the "
             "termination request after the alarm is (step 6)")
    alarm(ctx, rec, "5", domain, "INTEGRITY_VIOLATION", vnf=genuine.vnf)
    rec.step("6")
    removes = wait(s, mark, update_of("REMOVE_VNF"))
    facts = {"requests": nfvo.since(mark), "vnf": genuine.vnf}
    rec.check("sm-semi-terminate", Observation(facts=facts, trace_seqs=seqs(removes)), step="6")
    rec.check("sm-terminate-list", Observation(facts=facts, trace_seqs=seqs(removes)), step="6")
    rec.step("7")
    _termination_note(rec, nfvo, genuine.vnf, removes, s.react_seconds, oss_first=True)


def _settle(done: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.02)


def _termination_note(rec: Recorder, nfvo: Nfvo, vnf: Vnf, removes: list[SmRequest], seconds: float, *,
                      oss_first: bool) -> None:
    """Step 7 of the mode scenarios: how NFV-MANO carried out an accepted termination (R2.1.260: OSS/BSS informed
    first for a semi-active SM; R2.1.270: not for a fully-active one). A note, never a verdict on the SM."""
    if not any(r.status == 202 for r in removes):
        return
    _settle(lambda: not vnf.instantiated, seconds)
    informed = vnf.id in nfvo.oss_notices
    rec.note("7", Verdict.PASS if informed == oss_first else Verdict.INCONCLUSIVE,
             f"{'terminated' if not vnf.instantiated else 'still running'} "
             f"{'after informing' if informed else 'without informing'} the OSS/BSS; package "
             f"{vnf.package.operational_state} ({MANO})")


def fully_active(ctx: RunContext, rec: Recorder) -> None:
    s = setup(ctx)
    b = s.pick("fully-active")
    assert b is not None
    domain, nfvo = domain_of(b), s.actors.nfvo
    facts: dict[str, object] = {"deadline": s.approval_seconds}
    results = []
    for step, key, kwargs, check in (("1", "clean", {}, "sm-approval-answered"),
                                     ("2", "policy", {"policy_required": True}, "sm-approval-modify"),
                                     ("3", "tampered", {"tampered": True}, "sm-approval-reject")):
        rec.step(step)
        inst = instantiate(ctx, rec, step, domain, **kwargs)
        results.append(inst)
        facts[key] = inst.approvals
        rec.check(check, Observation(facts=facts, trace_seqs=tuple(q for a in inst.approvals for q in a.answer.seqs)),
                  step=step, instance="tampered package" if key == "tampered" else "")
    rec.step("3")
    unavailable = instantiate(ctx, rec, "3", domain, unavailable=True)  # cannot be verified: must not be granted
    rec.check("sm-approval-reject", Observation(
        facts={**facts, "tampered": unavailable.approvals, "why": "a package whose content cannot be downloaded"},
        trace_seqs=tuple(q for a in unavailable.approvals for q in a.answer.seqs)), step="3",
        instance="package not downloadable")
    clean = results[0]
    require(clean, "the approved VNF")
    mark = nfvo.mark()
    rec.step("4")
    alarm(ctx, rec, "4", domain, "INTEGRITY_VIOLATION", vnf=clean.vnf)
    rec.step("5")
    removes = wait(s, mark, update_of("REMOVE_VNF"))
    rec.step("6")
    patches = wait(s, mark, lambda r: r.method == "PATCH" and clean.vnf.package.id in r.path)
    facts = {"requests": nfvo.since(mark), "vnf": clean.vnf}
    rec.check("sm-fully-instruct", Observation(facts=facts, trace_seqs=seqs(removes)), step="5")
    rec.check("sm-terminate-list", Observation(facts=facts, trace_seqs=seqs(removes)), step="5")
    rec.check("sm-package-disabled", Observation(facts=facts, trace_seqs=seqs(patches)), step="6")
    rec.step("7")
    _termination_note(rec, nfvo, clean.vnf, removes, s.react_seconds, oss_first=False)


def _host(mode: str, check: str) -> Callable[[RunContext, Recorder], None]:
    def body(ctx: RunContext, rec: Recorder) -> None:
        s = setup(ctx)
        b = s.pick(mode)
        assert b is not None
        domain, nfvo = domain_of(b), s.actors.nfvo
        rec.step("1")
        inst = instantiate(ctx, rec, "1", domain)
        require(inst, "the VNF")
        mark = nfvo.mark()
        rec.step("2")
        alarm(ctx, rec, "2", domain, "INTEGRITY_VIOLATION", host=inst.vnf.host)
        rec.step("3")
        hits = wait(s, mark, lambda r: r.path.endswith("/host_terminations"))
        rec.check(check, Observation(facts={"requests": hits}, trace_seqs=seqs(hits)), step="3")
    return body


def forensics(ctx: RunContext, rec: Recorder) -> None:
    s = setup(ctx)
    b = s.pick("semi-active") or s.pick("fully-active") or s.pick("passive")
    assert b is not None
    domain, nfvo = domain_of(b), s.actors.nfvo
    mark = nfvo.mark()
    host = next(iter(s.actors.inventory.hosts.values()))
    rec.step("1")
    alarm(ctx, rec, "1", domain, "PERSISTENCE_SUSPECTED", host=host)
    rec.step("2")
    wait(s, mark, lambda r: r.path.endswith("/ns_lcm_op_occs"))
    status = wait(s, mark, lambda r: r.method == "GET" and r.path.endswith("/ns_instances"))
    rec.check("sm-status-list", Observation(facts={"requests": status}, trace_seqs=seqs(status)), step="2")
    rec.step("3")
    history = [r for r in nfvo.since(mark) if r.path.endswith("/ns_lcm_op_occs")]
    filters = [f for r in history for f in parse_qs(r.query).get("filter", [])]
    rec.check("sm-history", Observation(facts={"requests": history, "filters": filters}, trace_seqs=seqs(history)),
              step="3")


def security_vnf(ctx: RunContext, rec: Recorder) -> None:
    s = setup(ctx)
    b = s.pick("semi-active") or s.pick("fully-active")
    assert b is not None
    domain, nfvo = domain_of(b), s.actors.nfvo
    mark = nfvo.mark()
    rec.step("1")
    ns = s.actors.inventory.new_ns(domain, exposed=True)
    delivered = nfvo.ns_event(ns)
    rec.note("1", Verdict.PASS, f"NS {ns.name} with an external SAP; event delivered to the "
                                f"{', '.join(delivered) or 'no'} interface set(s) ({MANO})")
    rec.step("2")
    hits = wait(s, mark, update_of("INSTANTIATE_VNF"))
    rec.check("sm-security-vnf", Observation(facts={"requests": hits, "vnfd": s.actors.security_vnfd, "ns": ns.id},
                                             trace_seqs=seqs(hits)), step="2")
    rec.step("3")
    if any(r.status == 202 for r in hits):
        _settle(lambda: len(ns.vnf_ids) > 0, s.react_seconds)
        rec.note("3", Verdict.PASS, f"{len(ns.vnf_ids)} security VNF(s) inserted ({MANO})")


def trust_domains(ctx: RunContext, rec: Recorder) -> None:
    s = setup(ctx)
    nfvo, own = s.actors.nfvo, [b for b in s.bindings if not b.master]
    rec.step("1")
    vnfs = {}
    for b in own:  # a domain whose VNF was not permitted is not judged for its mode (no stimulus)
        inst = instantiate(ctx, rec, "1", domain_of(b))
        if inst.proceeded:
            vnfs[b.name] = inst.vnf
    mark = nfvo.mark()
    rec.step("2")
    delivered = {b.name: alarm(ctx, rec, "2", domain_of(b), "INTEGRITY_VIOLATION", vnf=vnfs[b.name])
                 for b in own if b.name in vnfs}
    for b in own:
        if b.mode != "passive" and b.name in vnfs:
            wait(s, mark, update_of("REMOVE_VNF", vnfs[b.name].id))
    time.sleep(s.quiet_seconds)
    requests = nfvo.since(mark)
    rec.step("3")
    per_domain = {domain_of(b): (b.mode, b.name in delivered.get(b.name, []),
                                 [r for r in requests if b.name in vnfs and update_of("REMOVE_VNF", vnfs[b.name].id)(r)])
                  for b in own}
    rec.check("sm-modes-per-domain", Observation(facts={"per_domain": per_domain}, trace_seqs=seqs(requests)),
              step="3")
    rec.step("4")
    inventory = s.actors.inventory
    acts = []
    for r in modifying(requests):
        ns_id = r.path.split("/ns_instances/")[1].split("/")[0] if "/ns_instances/" in r.path else ""
        if ns_id in inventory.ns:
            acts.append((r, inventory.ns[ns_id].domain))
    rec.check("sm-domain-scope", Observation(facts={"acts": acts, "domains": {
        name: set(b.domains) for name, b in s.actors.bindings.items()}}, trace_seqs=seqs([a for a, _ in acts])),
        step="4")
    refusals(rec, "4", modifying(requests))
    rec.step("5")
    names = {b.name for b in s.bindings}
    everything = [r for r in s.actors.nfvo.requests + s.actors.vim.requests if r.binding in names]
    # a subscription exists only if made with its set's own credential (the NFVO refuses any other with 403)
    subscribed = {sub.binding for sub in nfvo.subscriptions.values()}
    rec.check("sm-domain-credentials", Observation(facts={"requests": everything, "bindings": sorted(names),
                                                          "subscribed": subscribed}, trace_seqs=()), step="5")


def hierarchy(ctx: RunContext, rec: Recorder) -> None:
    s = setup(ctx)
    master = s.master()
    assert master is not None
    domain, nfvo = sorted(master.domains)[0], s.actors.nfvo
    rec.step("1")
    inst = instantiate(ctx, rec, "1", domain)
    require(inst, "the sub-SM's VNF")
    rec.step("2")
    with httpx.Client(verify=s.actors.tls_for(s.sub_sm), timeout=5.0) as sub:
        answer = sub.post(f"{nfvo.base_urls[s.sub_sm]}/nslcm/v2/ns_instances/{inst.vnf.ns_id}/update", json={
            "updateType": "MODIFY_VNF_INFORMATION", "modifyVnfInfoData": [{
                "vnfInstanceId": inst.vnf.id, "vnfConfigurableProperties": {"securityPolicy": {"mode": "monitor-only"}}}]})
    rec.note("2", Verdict.PASS, f"sub-SM's policy: HTTP {answer.status_code} (simulated sub-SM)")
    mark = nfvo.mark()
    rec.step("3")
    alarm(ctx, rec, "3", domain, "INTEGRITY_VIOLATION", vnf=inst.vnf)
    rec.step("4")
    hits = wait(s, mark, lambda r: r.binding == master.name and update_of("REMOVE_VNF", inst.vnf.id)(r))
    rec.check("sm-master-overrules", Observation(facts={"requests": hits, "vnf": inst.vnf, "master": master.name},
                                                 trace_seqs=seqs(hits)), step="4")
    rec.step("5")
    if any(r.status == 202 for r in hits):
        _settle(lambda: not inst.vnf.instantiated, s.react_seconds)
        rec.note("5", Verdict.PASS, f"NFVO accepted the master's instruction for domain {domain}; VNF "
                                    f"{'terminated' if not inst.vnf.instantiated else 'still running'} ({MANO})")


def _needs_master(ctx: RunContext) -> str | None:
    if ctx.sm is None:
        return "the SUT is not a Security Manager (nfvct run --role sm)"
    if setup(ctx).master() is None or not setup(ctx).sub_sm:
        return "the SM claims no master role over a sub-SM's domain (pics.sm_master_of)"
    return None


def _needs_domains(ctx: RunContext) -> str | None:
    if ctx.sm is None:
        return "the SUT is not a Security Manager (nfvct run --role sm)"
    own = [b for b in setup(ctx).bindings if not b.master]
    return None if len(own) > 1 else "the SM claims a single trust domain"


def scenarios() -> list[Scenario]:
    def sc(flow: object, checks: tuple[str, ...], body: object, applicable: object, **params: str) -> Scenario:
        return Scenario(flow.id, flow.id, flow.title, flow, checks, body, params, applicable)  # type: ignore[attr-defined,arg-type]

    return [
        sc(F.PASSIVE, ("sm-subscribes", "sm-passive-no-action"), passive, needs_mode("passive"), mode="passive"),
        sc(F.SEMI, ("sm-package-integrity", "sm-semi-policy", "sm-semi-terminate", "sm-terminate-list"),
           semi_active, needs_mode("semi-active"), mode="semi-active"),
        sc(F.FULLY, ("sm-approval-answered", "sm-approval-modify", "sm-approval-reject", "sm-fully-instruct",
                     "sm-terminate-list", "sm-package-disabled"), fully_active, needs_mode("fully-active"),
           mode="fully-active"),
        sc(F.HOST_SEMI, ("sm-host-semi",), _host("semi-active", "sm-host-semi"), needs_mode("semi-active"),
           mode="semi-active"),
        sc(F.HOST_FULLY, ("sm-host-fully",), _host("fully-active", "sm-host-fully"), needs_mode("fully-active"),
           mode="fully-active"),
        sc(F.FORENSICS, ("sm-status-list", "sm-history"), forensics, lambda ctx: None if ctx.sm is not None else
           "the SUT is not a Security Manager (nfvct run --role sm)", mode="any"),
        sc(F.SECURITY_VNF, ("sm-security-vnf",), security_vnf, lambda ctx: None if ctx.sm is not None and (
            setup(ctx).pick("semi-active") or setup(ctx).pick("fully-active")) else
            "the SM claims no semi-active or fully-active interface set", mode="semi-active or fully-active"),
        sc(F.DOMAINS, ("sm-modes-per-domain", "sm-domain-scope", "sm-domain-credentials"), trust_domains,
           _needs_domains, mode="per domain"),
        sc(F.HIERARCHY, ("sm-master-overrules",), hierarchy, _needs_master, mode="master over a sub-SM"),
    ]
