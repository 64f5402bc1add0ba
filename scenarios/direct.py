"""Direct mode (IFA026 C.2.1.1-C.2.1.4, C.3.1): the harness plays the VNFM (VNF LCM producer), the CA, the
attestation service, the HSM and the VNFCIs; the SUT is the CMF."""

from __future__ import annotations

import time
from datetime import timezone

from harness.checks.registry import Observation
from harness.context import RunContext
from harness.overlap import DIRECT
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from scenarios import direct_flow as df
from scenarios.common import Scenario
from scenarios.flows_direct import C_2_1_1, C_2_1_2, C_2_1_3, C_2_1_4, C_3_1
from simulators.direct.hsm_key import HsmEcKey
from simulators.direct.vnfci import new_software_key, renew
from harness.plaintext import plain

_PROVISION = ("direct-subscription", "direct-vnf-queried", "direct-identities-registered", "direct-ca-selected",
              "direct-vnfci-configured", "direct-enrolled", "direct-lcm-operations")


def _applicable(ctx: RunContext) -> str | None:
    if not ctx.profile.pics.direct_mode:
        return "the PICS does not claim direct mode (pics.direct_mode)"
    return None  # claimed: a set-up without the direct-mode actors is INCONCLUSIVE (scenarios/direct_flow.py)


def _instantiate_and_enrol(ctx: RunContext, rec: Recorder,
                           vdus: list[str]) -> tuple[df.Operation, list[df.Enrolment]]:
    """C.2.1.1 / C.3.1 steps 0-7 for a new VNF with one VNFC per entry of ``vdus``."""
    df.subscribed(ctx, rec)
    since = len(ctx.trace.events())
    vnfcs = [df.new_vnfc(ctx, vdu) for vdu in vdus]
    operation = df.run_operation(ctx, rec, "0", "INSTANTIATE", None, vnfcs)
    df.await_provisioning(ctx, rec, operation, vnfcs, ("0", "2", "3"))
    results = df.enrol_all(ctx, rec, vnfcs, "4")
    df.judge_enrolment(rec, results, "7")
    df.judge_operations(ctx, rec, since)
    return operation, results


def enrolment_body(ctx: RunContext, rec: Recorder) -> None:
    _instantiate_and_enrol(ctx, rec, ["vdu-app", "vdu-app"])


def oam_body(ctx: RunContext, rec: Recorder) -> None:
    _instantiate_and_enrol(ctx, rec, ["vdu-oam"])


def attestation_body(ctx: RunContext, rec: Recorder) -> None:
    df.subscribed(ctx, rec)
    since = len(ctx.trace.events())
    good = df.new_vnfc(ctx, "vdu-secure", attestation="affirming")
    bad = df.new_vnfc(ctx, "vdu-secure", attestation="contraindicated")
    operation = df.run_operation(ctx, rec, "1", "INSTANTIATE", None, [good, bad])
    df.await_provisioning(ctx, rec, operation, [good], ("1", "4", "5"))
    ctx.overlapped(lambda: time.sleep(df.QUIET), frozenset({DIRECT}))  # the unattested VNFCI: nothing may follow
    _judge_attestation(ctx, rec, good, bad)
    results = df.enrol_all(ctx, rec, [good], "6")
    df.judge_enrolment(rec, results, "9")
    df.judge_operations(ctx, rec, since)


def _judge_attestation(ctx: RunContext, rec: Recorder, good: df.Vnfc, bad: df.Vnfc) -> None:
    actors = df.actors_of(ctx)
    rec.step("2")
    query = next((q.seq for q in actors.attestation.queries_for(good.id)), None)
    first = next((seq for body, _, seq in actors.ca.registrations
                  if str(body.get("entityId", "")).startswith(f"{good.id}/")), None)
    rec.check("direct-attested-first", Observation(facts={"query_seq": query, "registration_seq": first}))
    control = bool(df.configs(ctx, [good]))
    rec.check("direct-unattested-refused", Observation(facts={
        "registered": len(df.registrations(ctx, [bad])), "configured": len(df.configs(ctx, [bad]).get(bad.id, [])),
        "control": control}))


def hsm_body(ctx: RunContext, rec: Recorder) -> None:
    actors = df.actors_of(ctx)
    df.subscribed(ctx, rec)
    since = len(ctx.trace.events())
    vnfc = df.new_vnfc(ctx, "vdu-secure", attestation="affirming", hsm=True)
    operation = df.run_operation(ctx, rec, "1", "INSTANTIATE", None, [vnfc])
    df.await_provisioning(ctx, rec, operation, [vnfc], ("1", "4", "5"))
    identities = df.configs(ctx, [vnfc]).get(vnfc.id, [])
    rec.check("direct-hsm-configured", Observation(facts={"identities": identities}))
    hsm = actors.hsm()
    keys: list[HsmEcKey] = []

    def hsm_key() -> HsmEcKey:
        keys.append(HsmEcKey.generate(hsm))
        return keys[-1]

    results = df.enrol_all(ctx, rec, [vnfc], "7", key_for=hsm_key)
    signatures = sum(k.signatures for k in keys)
    rec.note("11", Verdict.PASS, f"{len(keys)} key pair(s) generated in SoftHSM2 "
             f"({plain(keys[0].attributes) if keys else 'no key'}); "
             f"{signatures} signature(s) made by the token (proof of possession, certConf is MAC-protected)")
    df.judge_enrolment(rec, results, "15")
    rotated = [renew(identities[0], results[0], HsmEcKey.generate(hsm), actors.tls_trust)] \
        if results and results[0].ok and identities else []
    if rotated:  # note 4: key rotation, steps 6 to 15 again (here as kur with a new HSM key)
        rec.note("15", Verdict.PASS if rotated[0].ok else Verdict.INCONCLUSIVE,
                 f"key rotation (note 4) with a new HSM key: {rotated[0].detail}")
    df.judge_operations(ctx, rec, since)


def renewal_body(ctx: RunContext, rec: Recorder) -> None:
    actors = df.actors_of(ctx)
    df.subscribed(ctx, rec)
    vnfc = df.new_vnfc(ctx, "vdu-secure")
    operation = df.run_operation(ctx, rec, "pre-condition", "INSTANTIATE", None, [vnfc])
    df.await_provisioning(ctx, rec, operation, [vnfc], ("pre-condition",) * 3)
    results = df.enrol_all(ctx, rec, [vnfc], "pre-condition")
    df.judge_enrolment(rec, results, "pre-condition")
    current = next((r for r in results if r.ok and r.cert is not None), None)
    if current is None or current.cert is None:
        raise PreconditionFailed("the VNFCI holds no valid certificate to renew")
    identity = next(i for i in df.configs(ctx, [vnfc])[vnfc.id] if i.get("name") == current.identity)
    rec.step("0")
    cert = current.cert
    lifetime = (cert.not_valid_after_utc - cert.not_valid_before_utc).total_seconds()
    condition = identity.get("renewal")
    rec.check("direct-renewal-condition", Observation(facts={"condition": condition, "lifetime_seconds": lifetime}))
    rec.step("1")
    entity = actors.ca.entities.get(f"{vnfc.id}/{current.identity}")
    # time passes between enrolment and the renewal condition: what the CMF does meanwhile (at the CA) counts
    ctx.overlapped(lambda: df.wait_for(lambda: entity is None or not entity.active, df.QUIET), frozenset({DIRECT}))
    before = condition.get("beforeExpirySeconds") if isinstance(condition, dict) else None
    due = cert.not_valid_after_utc.astimezone(timezone.utc).isoformat()
    rec.note("1", Verdict.PASS, f"renewal condition activated (certificate valid until {due}; "
             f"renew {before if before is not None else '(no condition configured)'} s before expiry)")
    renewal = renew(identity, current, new_software_key(), actors.tls_trust, ctx.profile.pixit.timeout)
    rec.step("5")
    rec.check("direct-renewed", Observation(facts={"renewal": renewal, "old": cert}))


def scale_out_body(ctx: RunContext, rec: Recorder) -> None:
    df.subscribed(ctx, rec)
    since = len(ctx.trace.events())
    first = df.new_vnfc(ctx, "vdu-app")
    instantiated = df.run_operation(ctx, rec, "0", "INSTANTIATE", None, [first])
    df.wait_for(lambda: bool(df.configs(ctx, [first])))
    added = df.new_vnfc(ctx, "vdu-app")
    operation = df.run_operation(ctx, rec, "0", "SCALE", instantiated.vnf, [added])
    df.await_provisioning(ctx, rec, operation, [added], ("0", "2", "3"))
    results = df.enrol_all(ctx, rec, [added], "4")
    df.judge_enrolment(rec, results, "7")
    df.judge_operations(ctx, rec, since)


def heal_body(ctx: RunContext, rec: Recorder) -> None:
    """A heal replaces a VNFC (a new VNFC instance, the old one removed): the new one is provisioned like any new
    VNFC, the old one's certificates are revoked."""
    df.subscribed(ctx, rec)
    since = len(ctx.trace.events())
    old = df.new_vnfc(ctx, "vdu-app")
    instantiated = df.run_operation(ctx, rec, "0", "INSTANTIATE", None, [old])
    df.wait_for(lambda: bool(df.configs(ctx, [old])))
    serials = [r.cert.serial_number for r in df.enrol_all(ctx, rec, [old], "0") if r.ok and r.cert is not None]
    if not serials:
        raise PreconditionFailed("the VNFC to heal holds no certificate")
    new = df.new_vnfc(ctx, "vdu-app")
    operation = df.run_operation(ctx, rec, "0", "HEAL", instantiated.vnf, [new], [old])
    df.await_provisioning(ctx, rec, operation, [new], ("0", "2", "3"))
    results = df.enrol_all(ctx, rec, [new], "4")
    df.judge_enrolment(rec, results, "7")
    _judge_revoked(ctx, rec, serials)
    df.judge_operations(ctx, rec, since)


def terminate_body(ctx: RunContext, rec: Recorder) -> None:
    operation, results = _instantiate_and_enrol(ctx, rec, ["vdu-app", "vdu-app"])
    serials = [r.cert.serial_number for r in results if r.ok and r.cert is not None]
    if not serials:
        raise PreconditionFailed("no VNFCI certificate was issued, so none can be revoked")
    vnf = operation.vnf
    df.run_operation(ctx, rec, "post-condition", "TERMINATE", vnf, [], list(vnf.vnfcs))
    _judge_revoked(ctx, rec, serials)


def _judge_revoked(ctx: RunContext, rec: Recorder, serials: list[int]) -> None:
    """The certificates of the VNFCs an operation removed are revoked at the CA (bounded wait)."""
    status = df.actors_of(ctx).ca.ca.status
    df.wait_for(lambda: all(status(s) == "revoked" for s in serials))
    rec.check("direct-revoked-on-termination", Observation(facts={"statuses": {s: status(s) for s in serials}}))


_S = "direct mode"


def scenarios() -> list[Scenario]:
    def make(sid: str, uc: str, title: str, flow: object, checks: tuple[str, ...], body: object) -> Scenario:
        return Scenario(sid, uc, f"{title} ({_S})", flow, checks, body, {"mode": "direct"}, _applicable,  # type: ignore[arg-type]
                        uses=frozenset({DIRECT}))

    return [
        make("C.2.1.1", "C.2.1.1", "VNFCI certificate enrolment", C_2_1_1, _PROVISION, enrolment_body),
        make("C.3.1", "C.3.1", "VNF OAM certificate enrolment, VNF OAM and VNFCI identities", C_3_1, _PROVISION,
             oam_body),
        make("C.2.1.2", "C.2.1.2", "VNFCI certificate enrolment with remote attestation", C_2_1_2,
             _PROVISION + ("direct-attested-first", "direct-unattested-refused"), attestation_body),
        make("C.2.1.3", "C.2.1.3", "VNFCI certificate enrolment using an HSM", C_2_1_3,
             _PROVISION + ("direct-hsm-configured",), hsm_body),
        make("C.2.1.4", "C.2.1.4", "VNFCI certificate renewal", C_2_1_4,
             _PROVISION[:-1] + ("direct-renewal-condition", "direct-renewed"), renewal_body),
        make("C.2.1.1[scale-out]", "C.2.1.1", "VNFCI certificate enrolment after a scale out", C_2_1_1, _PROVISION,
             scale_out_body),
        make("C.2.1.1[heal]", "C.2.1.1", "VNFCI certificates after a heal that replaces a VNFC", C_2_1_1,
             _PROVISION + ("direct-revoked-on-termination",), heal_body),
        make("C.2.1.1[terminate]", "C.2.1.1", "VNFCI certificates revoked at VNF termination", C_2_1_1,
             _PROVISION + ("direct-revoked-on-termination",), terminate_body),
    ]
