"""IFA026 C.2.2.1 / C.3.2.1 (register the VNFM as delegate) and C.2.2.2 / C.3.2.2 (CSR), delegation mode.

The VNF OAM use cases are the VNFCI ones with the certificate type as a parameter (IFA026
C.3.2.1, C.3.2.2: "the same ... except that the type of certificate is VNF OAM certificate").
"""

from __future__ import annotations

import time
from functools import partial

import httpx

from harness.checks.registry import Observation
from harness.context import RunContext
from harness.model import Verdict
from harness.recorder import Recorder
from scenarios import flows
from harness.checks.cmp_header_checks import HEADER_CHECKS
from scenarios.common import (
    Obtained,
    Scenario,
    header_checks,
    transaction,
    json_body,
    vnfm2_trusted,
    note_stimulus,
    obtain,
    register,
    registration_body,
)
from simulators.vnfm import make_csr, seqs_of
from harness.plaintext import plain

SHORT = {"VNFCI_certificate": "VNFCI", "VNF_OAM_certificate": "VNF OAM"}


def _claimed(cert_type: str, ctx: RunContext) -> str | None:
    pics = ctx.profile.pics
    if not pics.rest_registration:
        return "the PICS does not claim the SOL023 5.6 subject resources (pics.rest_registration)"
    if not pics.delegation_mode:
        return "the PICS does not claim delegation mode"
    if cert_type not in pics.cert_types:
        return f"the PICS does not claim {cert_type}"
    return None


def _needs_vnfm2(cert_type: str, ctx: RunContext) -> str | None:
    if ctx.vnfm2 is None:
        return "pixit.vnfm2 (a second NFV-MANO identity) is not configured"
    return _claimed(cert_type, ctx)


# C.2.2.1 / C.3.2.1 ---------------------------------------------------------------------------
def run_registration(cert_type: str, ctx: RunContext, rec: Recorder) -> None:
    rec.step("0")
    control = ctx.vnfm.request("GET", "/nfv-cert/v1/subjects")  # the same resource, as the VNFM (mTLS)
    response, error = ctx.anonymous_probe("/nfv-cert/v1/subjects")
    rec.check("mtls-required", Observation(response=response, facts={"error": error, "control": control,
                                                                     "claimed": ctx.profile.pics.mtls_client_auth},
                                           trace_seqs=seqs_of(control)), step="0")

    vnfci_id, data = ctx.fresh_vnfci(cert_type)
    body = registration_body(cert_type, vnfci_id, data)
    created = ctx.vnfm.register(body)
    note_stimulus(rec, "0", created, f"RegistrationRequest for {vnfci_id} ({cert_type})")
    rec.step("2")
    rec.check("register-created", Observation(response=created, trace_seqs=seqs_of(created)), step="2")
    readback = None
    subject = json_body(created).get("id") if created.is_success else None
    if subject:
        readback = ctx.vnfm.request("GET", f"/nfv-cert/v1/subjects/{subject}")
    rec.check("register-delegate", Observation(
        response=created, facts={"readback": readback, "registered_ids": [vnfci_id]},
        trace_seqs=seqs_of(created, *(r for r in [readback] if r is not None))), step="1")

    rec.step("1")
    again = ctx.vnfm.register(registration_body(cert_type, vnfci_id, data))
    rec.check("register-conflict", Observation(response=again, facts={
        "first_ok": created.is_success, "claimed": ctx.profile.pics.duplicate_registration_conflict},
                                               trace_seqs=seqs_of(again)), step="1")

    attempts: list[tuple[str, str, str, httpx.Response]] = []
    for variant, why, mutate in (
        ("direct_mode", 'typeOfVnfcCertHandling "direct_mode" (SOL023 5.6.4.2.3 note 2 allows only delegation_mode)',
         lambda body: body.update(typeOfVnfcCertHandling="direct_mode")),
        ("empty subjectAlternateName", "an empty subjectAlternateName (cardinality 1..N)",
         lambda body: body["subjectId"][0]["certificateData"][0].update(subjectAlternateName=[])),
        ("no certType", "no certType (cardinality 1)", lambda body: body.pop("certType")),
        ("unknown certType", 'certType "VNFX_certificate" (not one of the enumeration)',
         lambda body: body.update(certType="VNFX_certificate")),
        ("empty subjectId list", "an empty subjectId list (cardinality 1..N)", lambda body: body.update(subjectId=[])),
        ("entry without subjectId", "a subjectId entry without its subjectId (cardinality 1)",
         lambda body: body["subjectId"][0].pop("subjectId")),
        ("empty certificateData", "an empty certificateData list (cardinality 1..N)",
         lambda body: body["subjectId"][0].update(certificateData=[])),
        ("no typeOfVnfcCertHandling", "no typeOfVnfcCertHandling (cardinality 1 for VNFCI/VNF OAM certificates)",
         lambda body: body.pop("typeOfVnfcCertHandling")),
        ("empty subjectName", "an empty subjectName (CertSubjectData: at least one attribute shall be present)",
         lambda body: body["subjectId"][0]["certificateData"][0].update(subjectName={})),
        ("subjectName not an object", "a subjectName that is a string (CertSubjectData is an object)",
         lambda body: body["subjectId"][0]["certificateData"][0].update(subjectName="CN=nfvct")),
    ):
        invalid_id, invalid_data = ctx.fresh_vnfci(cert_type)
        invalid = registration_body(cert_type, invalid_id, invalid_data)
        mutate(invalid)
        attempts.append((variant, why, invalid_id, ctx.vnfm.request(  # Connection: close: a server that breaks on
            "POST", "/nfv-cert/v1/subjects", json=invalid, headers={"Connection": "close"})))  # one leaves no stale one
    # the state after the refusals: the full listing (all_fields: subjectId is excluded by default) names none
    full = "all_fields" in ctx.profile.pics.attribute_selectors
    listing = ctx.vnfm.request("GET", f"{ctx.profile.pixit.api_root}/nfv-cert/v1/subjects",
                               params={"all_fields": ""} if full else None)
    raw_id, _ = ctx.fresh_vnfci(cert_type)  # a body that is not JSON at all: a 4xx too, not a server error
    attempts.append(("not JSON", "a body that is not JSON", raw_id, ctx.vnfm.request(  # last: a server that breaks
        "POST", "/nfv-cert/v1/subjects", content=f'{{"subjectId": [{{"subjectId": "{raw_id}"'.encode(),
        headers={"Content-Type": "application/json", "Connection": "close"})))  # on it leaves no stale connection
    for variant, why, invalid_id, refused in attempts:
        kept = full and listing.status_code == 200 and invalid_id in listing.text  # refused, yet registered?
        rec.check("register-invalid-rejected", Observation(
            response=refused, facts={"why": why, "control_ok": created.is_success, "kept": kept,
                                     "listed": listing.status_code == 200},
            trace_seqs=seqs_of(refused, listing)), step="1", instance=variant)


# C.2.2.2 / C.3.2.2 ---------------------------------------------------------------------------
def certificate_checks(ctx: RunContext, rec: Recorder, cert_type: str, obtained: Obtained, data: dict,
                        chain_requested: bool) -> None:
    cert = obtained.cert
    message = obtained.last.message
    if cert is None or message is None:
        return
    facts = {
        "cert": cert, "csr": obtained.csr, "registered": data, "cert_type": cert_type,
        "extra_certs": message.extra_certs, "ca_pubs": message.ca_pubs,
        "anchors": ctx.profile.anchors(), "intermediates": ctx.intermediates,
        "expected_issuer": ctx.profile.pixit.expected_issuers.get(cert_type),
        "pics_chain_only": ctx.profile.pics.chain_only_when_requested,
        "status": next((r.status for r in message.responses if r.certificate is not None), None),
    }
    obs = Observation(message=message, facts=facts, trace_seqs=obtained.seqs)
    if chain_requested:
        rec.check("cert-binds-csr-key", obs, step="4")
        rec.check("cert-subject-as-registered", obs, step="4")
        rec.check("cert-chains-to-ca", obs, step="4")
        rec.check("status-reflects-modifications", obs, step="6")
        rec.check("cert-ca-per-type", obs, step="3")
        rec.check("chain-when-requested", obs, step="6")
    else:
        rec.check("chain-only-when-requested", obs, step="6")


def issuance_checks(ctx: RunContext, rec: Recorder, cert_type: str, obtained: Obtained) -> None:
    first = obtained.first
    first_obs = Observation(response=first.response, message=first.message, trace_seqs=first.seqs)
    if cert_type in ctx.profile.pics.deferred_issuance:
        rec.check("csr-waiting-202", first_obs, step="6")
        rec.skip_remaining(("csr-created-201",), Verdict.NOT_APPLICABLE,
                           f"the PICS lists {cert_type} in pics.deferred_issuance (issued after polling)")
    else:
        rec.check("csr-created-201", first_obs, step="6")
        rec.skip_remaining(("csr-waiting-202",), Verdict.NOT_APPLICABLE,
                           f"the PICS does not list {cert_type} in pics.deferred_issuance (issued immediately)")
    last = obtained.last
    rec.check("csr-issued", Observation(response=last.response, message=last.message,
                                        facts={"cert": obtained.cert, "how": obtained.how,
                                               "budget_exhausted": obtained.budget_exhausted},
                                        trace_seqs=obtained.seqs), step="6")
    if obtained.cert is not None:
        rec.check("cp-failinfo-absent", Observation(message=last.message, trace_seqs=obtained.seqs), step="6")


# before its second CSR the C.2.2.2 scenario lets the CMF (and its CA) idle for a moment: a pooled connection or
# keep-alive that expired in between must not break the next issuance (found by mutation testing)
IDLE_BEFORE_SECOND_CSR = 0.6


def run_csr(cert_type: str, ctx: RunContext, rec: Recorder, idle: float = 0.0) -> None:
    reg = register(ctx, rec, cert_type)
    rec.step("0")
    before_ca = ctx.trace.last_seq
    obtained = obtain(ctx, rec, cert_type, reg, chain_request=True)
    note_stimulus(rec, "0", obtained.first.response, "p10cr (certChainRequest=true)")
    header_checks(ctx, rec, transaction(obtained), "6")
    issuance_checks(ctx, rec, cert_type, obtained)
    if obtained.cert is not None:
        rec.note("1", Verdict.PASS, "the registered delegate's request was accepted")
        rec.note("2", Verdict.PASS, "the CSR was accepted")
    ca_steps(ctx, rec, before_ca)
    certificate_checks(ctx, rec, cert_type, obtained, reg.data, True)

    rec.step("0")
    reg2 = register(ctx, rec, cert_type, step="0")
    time.sleep(idle)
    second = obtain(ctx, rec, cert_type, reg2, chain_request=False, implicit_confirm=False)
    if idle:
        rec.check("csr-issued", Observation(response=second.last.response, message=second.last.message,
                                            facts={"cert": second.cert, "how": second.how,
                                                   "budget_exhausted": second.budget_exhausted},
                                            trace_seqs=second.seqs), step="6",
                  instance=f"second CSR, after {idle:g} s idle")
    certificate_checks(ctx, rec, cert_type, second, reg2.data, False)
    confirm_obs = Observation(message=second.last.message, facts={"confirmation": second.confirmation},
                              trace_seqs=second.seqs + (second.confirmation.seqs if second.confirmation else ()))
    rec.check("implicit-confirm-only-if-asked", confirm_obs, step="6")
    rec.check("certconf-pkiconf", confirm_obs, step="6")


def ca_steps(ctx: RunContext, rec: Recorder, since: int) -> None:
    """Steps 3-5 are visible only when the SUT uses the harness's CA (CA-1 binding)."""
    ca_events = [e for e in ctx.trace.events(rec.scenario) if e.seq > since and "CA" in (e.sender, e.receiver)]
    requests = [e for e in ca_events if e.sender == "CMF"]
    responses = [e for e in ca_events if e.sender == "CA"]
    if not ca_events:
        for step in ("3", "4", "5"):
            rec.note(step, Verdict.NOT_TESTED, "CMF -> CA not observable (the SUT uses its own CA)")
        return
    rec.note("3", Verdict.PASS if requests else Verdict.FAIL, f"{len(requests)} CA-1 request(s) observed",
             tuple(e.seq for e in requests))
    ok = any(e.summary.startswith("201") for e in responses)
    rec.note("5", Verdict.PASS if ok else Verdict.FAIL, f"CA answered: {plain([e.summary for e in responses])}",
             tuple(e.seq for e in responses))


def run_csr_not_delegate(cert_type: str, ctx: RunContext, rec: Recorder) -> None:
    reg = register(ctx, rec, cert_type)
    assert ctx.vnfm2 is not None
    rec.step("0")
    _, csr_der = make_csr(reg.data.get("subjectName"), reg.data["subjectAlternateName"])
    exchange = ctx.vnfm2.p10cr(cert_type, csr_der, vnfci_id=reg.vnfci_id, chain_request=True)
    rec.note("0", Verdict.PASS, "p10cr sent by a second VNFM that is not the registered delegate", exchange.seqs)
    rec.step("pre-condition")
    control = obtain(ctx, rec, cert_type, reg, chain_request=False, poll_step="pre-condition")
    trusted = vnfm2_trusted(ctx, rec, cert_type)
    rec.step("1")
    rec.ends_at("1")
    refusal = Observation(
        response=exchange.response, message=exchange.message,
        facts={"control": (control.cert is not None and trusted[0],
                           f"the delegate's own CSR: {control.how}; {trusted[1]}")},
        trace_seqs=exchange.seqs)
    rec.check("csr-delegate-check", refusal, step="1")
    rec.check("failinfo-notauthorized", refusal, step="1")


def run_csr_invalid(cert_type: str, ctx: RunContext, rec: Recorder) -> None:
    reg = register(ctx, rec, cert_type)
    rec.ends_at("2")
    rec.note("1", Verdict.PASS, "the consumer is the registered delegate")
    control = obtain(ctx, rec, cert_type, register(ctx, rec, cert_type), chain_request=False,
                     poll_step="pre-condition")
    facts = {"control": (control.cert is not None, f"a valid CSR of the same kind: {control.how}")}
    rec.step("0")
    _, bad_pop = make_csr(reg.data.get("subjectName"), reg.data["subjectAlternateName"], break_pop=True)
    exchange = ctx.vnfm.p10cr(cert_type, bad_pop, vnfci_id=reg.vnfci_id, chain_request=True)
    rec.step("2")
    refused = [exchange]  # the error answers get the header and protection checks too
    bad_pop_obs = Observation(response=exchange.response, message=exchange.message, facts=facts,
                              trace_seqs=exchange.seqs)
    rec.check("csr-bad-pop-rejected", bad_pop_obs, step="2")
    rec.check("failinfo-badpop", bad_pop_obs, step="2")
    name, sans = dict(reg.data.get("subjectName") or {}), list(reg.data["subjectAlternateName"])
    unregistered = "unregistered." + ctx.profile.pixit.san_domain
    for variant, subject, requested in (  # the subject the CSR asks for is not the registered one, three ways
        ("unregistered SAN", name, [unregistered]),
        ("registered SAN plus another", name, [*sans, unregistered]),
        ("registered SAN, another subject DN", {**name, "commonName": "other-" + str(name.get("commonName", "cn"))},
         sans),
    ):
        rec.step("0")
        _, wrong = make_csr(subject, requested)
        exchange = ctx.vnfm.p10cr(cert_type, wrong, vnfci_id=reg.vnfci_id, chain_request=True)
        rec.step("2")
        rec.check("csr-unregistered-subject-rejected", Observation(
            response=exchange.response, message=exchange.message, facts=facts, trace_seqs=exchange.seqs), step="2",
            instance=variant)
        refused.append(exchange)
    header_checks(ctx, rec, refused, "2")


REGISTRATION_CHECKS = ("mtls-required", "register-created", "register-delegate", "register-conflict",
                       "register-invalid-rejected")
CSR_CHECKS = ("status-reflects-modifications", "csr-created-201", "csr-waiting-202", "csr-issued", "cp-failinfo-absent", "cert-binds-csr-key",
              "cert-subject-as-registered", "cert-chains-to-ca", "cert-ca-per-type", "chain-when-requested",
              "chain-only-when-requested", "implicit-confirm-only-if-asked", "certconf-pkiconf", *HEADER_CHECKS)


def scenarios() -> list[Scenario]:
    out: list[Scenario] = []
    for cert_type in ("VNFCI_certificate", "VNF_OAM_certificate"):
        short = SHORT[cert_type]
        params = {"certType": cert_type}
        reg_uc = flows.USE_CASE_BY_CERT_TYPE[("C.2.2.1", cert_type)]
        csr_uc = flows.USE_CASE_BY_CERT_TYPE[("C.2.2.2", cert_type)]
        applicable = partial(_claimed, cert_type)
        out += [
            Scenario(f"{reg_uc}[{short}]", reg_uc, f"Registration of VNFM as entity in charge of {short} certificate "
                     "management", flows.C_2_2_1, REGISTRATION_CHECKS, partial(run_registration, cert_type), params,
                     applicable),
            Scenario(f"{csr_uc}[{short}]", csr_uc, f"CSR Request for {short} certificate", flows.C_2_2_2, CSR_CHECKS,
                     partial(run_csr, cert_type, idle=IDLE_BEFORE_SECOND_CSR if short == "VNFCI" else 0.0), params,
                     applicable, issues=True),
            Scenario(f"{csr_uc}[{short}]/unregistered-delegate", csr_uc,
                     f"CSR Request for {short} certificate: consumer is not the registered delegate (step 1 error)",
                     flows.C_2_2_2, ("csr-delegate-check", "failinfo-notauthorized"),
                     partial(run_csr_not_delegate, cert_type), params,
                     partial(_needs_vnfm2, cert_type), issues=True),
            Scenario(f"{csr_uc}[{short}]/invalid-csr", csr_uc,
                     f"CSR Request for {short} certificate: CSR fails validation (step 2 error)", flows.C_2_2_2,
                     ("csr-bad-pop-rejected", "failinfo-badpop", "csr-unregistered-subject-rejected",
                      *HEADER_CHECKS),
                     partial(run_csr_invalid, cert_type),
                     params, applicable, issues=True),
        ]
    return out
