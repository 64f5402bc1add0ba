"""IFA026 C.2.2.2.7 (and C.3.2.2, "the same ... except that the type of certificate is VNF OAM certificate"): the
delegation-mode CSR with the use of an HSM, and the CMF's validation of the key attestation (Cmf.CertLcm.011).

The VNFM's key pairs live in SoftHSM2 (simulators/delegation_hsm.py); the attester (the HSM's attestation key)
is registered with the subject (IFA033 11.2.1 "Register"), the statement travels in the CSR (IFA033 11.2.1: the
producer "validates the key attestation statement in the CSR"; IFA026 table C.2.2.2.7-2 NOTE: "The details of the
key attestation inclusion in the CSR is left for further specification": the harness's binding).
"""

from __future__ import annotations

import time
from functools import partial

from cryptography import x509

from harness.checks.cmp_header_checks import HEADER_CHECKS
from harness.checks.registry import Observation
from harness.context import IssuedCert, RunContext
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from harness.checks.cmp_checks import describe_cmp, first_status
from scenarios import flows
from scenarios.common import (Obtained, Registered, Scenario, certificate_of, header_checks, json_body,
                              note_stimulus, registration_body, transaction)
from scenarios.delegation import SHORT, _claimed, ca_steps, certificate_checks, issuance_checks
from simulators.acme.hsm import SoftHsm, available as hsm_available
from simulators.delegation_hsm import DelegationHsm, clear_openssl_errors
from simulators.vnfm import seqs_of


def _applicable(cert_type: str, ctx: RunContext) -> str | None:
    if not ctx.profile.pics.delegation_key_attestation:
        return "the PICS does not claim key attestation validation in delegation mode (pics.delegation_key_attestation)"
    return _claimed(cert_type, ctx)


def register_attested(ctx: RunContext, rec: Recorder, cert_type: str, hsm: DelegationHsm) -> Registered:
    """Pre-condition: the VNFM is the registered delegate, with its HSM registered as the subject's attester."""
    rec.step("pre-condition")
    vnfci_id, data = ctx.fresh_vnfci(cert_type)
    body = registration_body(cert_type, vnfci_id, data)
    body["subjectId"][0]["keyAttestation"] = hsm.registration()
    response = ctx.vnfm.register(body)
    subject = json_body(response).get("id") if response.status_code in (200, 201) else None
    if not subject:
        raise PreconditionFailed(f"registration of {vnfci_id} with its attester failed: HTTP {response.status_code} "
                                 f"{response.text[:200]}")
    url = response.headers.get("location") or f"{ctx.profile.pixit.api_root}/nfv-cert/v1/subjects/{subject}"
    return Registered(str(subject), url, vnfci_id, data, response)


def enrol(ctx: RunContext, rec: Recorder, cert_type: str, reg: Registered, csr_der: bytes, *,
          chain_request: bool = True, key: object = None) -> Obtained:
    """p10cr with the HSM-signed CSR; 202 + polling (SOL023 5.3.3, bounded by the PIXIT) and certConf as needed."""
    client = ctx.vnfm
    first = client.p10cr(cert_type, csr_der, vnfci_id=reg.vnfci_id, chain_request=chain_request)
    last, polls, exhausted = first, [], False
    status = first_status(first.message) if first.message is not None else None
    if status is not None and status[0] == 3:
        exhausted, deadline = True, time.monotonic() + ctx.profile.pixit.max_poll_seconds
        for _ in range(ctx.profile.pixit.max_polls):
            wait = float(last.message.poll_reps[0][1] or 0) if last.message is not None and \
                last.message.body_type == "pollRep" and last.message.poll_reps else 0.0
            if time.monotonic() + wait > deadline:
                break
            time.sleep(wait)
            last = client.poll(cert_type, last)
            body = last.message.body_type if last.message is not None else "undecodable"
            polls.append({"body": body, "http": last.response.status_code, "exchange": last,
                          "check_after": last.message.poll_reps[0][1] if body == "pollRep" and
                          last.message.poll_reps else None})  # type: ignore[union-attr]
            if body != "pollRep":
                exhausted = False
                break
    csr = x509.load_der_x509_csr(csr_der)
    cert = certificate_of(last)
    confirmed = None
    if cert is not None and last.message is not None:
        ctx.issued.append(IssuedCert(rec.scenario, cert_type, cert, (*last.message.extra_certs, *last.message.ca_pubs),
                                     csr, reg.data, seqs_of(first.response, last.response)))
        if not last.message.implicit_confirm:
            confirmed = client.cert_conf(cert_type, last, cert)
    how = describe_cmp(last.message, last.response) + (f" after {len(polls)} poll(s)" if polls else "")
    return Obtained(cert, csr, first, last, polls, how, exhausted, confirmed, key)


def run_csr_hsm(cert_type: str, ctx: RunContext, rec: Recorder) -> None:
    reason = hsm_available()
    if reason:
        raise PreconditionFailed(reason)
    soft, other = SoftHsm(), SoftHsm()  # other: an HSM whose attestation key is not registered for the subject
    try:
        hsm = DelegationHsm(soft)
        reg = register_attested(ctx, rec, cert_type, hsm)
        name, sans = reg.data.get("subjectName"), list(reg.data["subjectAlternateName"])
        rec.step("0")
        key = hsm.generate()
        csr_der = hsm.csr(key, name, sans, hsm.statement(key))
        rec.note("0", Verdict.PASS, "key pair generated in SoftHSM2 (CKA_LOCAL, CKA_SENSITIVE true; extractable only "
                 "wrapped, for the HMEE), key attestation statement issued by the HSM, CSR signed by the token")
        rec.step("2")  # the refusals first: each is a CSR the registered delegate sends for the registered subject
        spare, plain = hsm.generate(), hsm.generate(sensitive=False)
        probes = (
            ("another key with the attested key's statement", hsm.csr(spare, name, sans, hsm.statement(key))),
            ("no key attestation statement", hsm.csr(spare, name, sans, None)),
            ("a statement by an attester not registered for the subject",
             hsm.csr(spare, name, sans, other.attest(spare))),
            ("a key attested as not sensitive (readable in plaintext)", hsm.csr(plain, name, sans, hsm.statement(plain))),
        )
        refused = [(why, ctx.vnfm.p10cr(cert_type, der, vnfci_id=reg.vnfci_id, chain_request=True))
                   for why, der in probes]
        rec.step("0")
        before_ca = ctx.trace.last_seq
        obtained = enrol(ctx, rec, cert_type, reg, csr_der, key=key)
        note_stimulus(rec, "0", obtained.first.response, "p10cr with the HSM-signed CSR and its key attestation "
                                                          "statement (certChainRequest=true)")
        control = (obtained.cert is not None, f"the CSR with the matching statement: {obtained.how}")
        rec.step("2")
        for why, exchange in refused:
            rec.check("csr-attestation-verified", Observation(
                response=exchange.response, message=exchange.message, facts={"why": why, "control": control},
                trace_seqs=exchange.seqs), step="2", instance=why)
        if obtained.cert is not None:
            rec.note("1", Verdict.PASS, "the registered delegate's request was accepted")
            rec.note("2", Verdict.PASS, "the CSR and its key attestation statement were accepted")
        header_checks(ctx, rec, transaction(obtained) + [e for _, e in refused], "6")
        issuance_checks(ctx, rec, cert_type, obtained)
        ca_steps(ctx, rec, before_ca)
        certificate_checks(ctx, rec, cert_type, obtained, reg.data, True)
    finally:
        other.close()
        soft.close()
        clear_openssl_errors()


CHECKS = ("csr-attestation-verified", "csr-created-201", "csr-waiting-202", "csr-issued", "cp-failinfo-absent",
          "status-reflects-modifications", "cert-binds-csr-key", "cert-subject-as-registered", "cert-chains-to-ca",
          "cert-ca-per-type", "chain-when-requested", *HEADER_CHECKS)


def scenarios() -> list[Scenario]:
    out = []
    for cert_type in ("VNFCI_certificate", "VNF_OAM_certificate"):
        short, uc = SHORT[cert_type], flows.USE_CASE_BY_CERT_TYPE[("C.2.2.2.7", cert_type)]
        out.append(Scenario(
            f"{uc}[{short}]/HSM", uc, f"CSR Request for {short} certificate with the use of HSM (IFA026 C.2.2.2.7), "
            "key attestation validated", flows.C_2_2_2_7, CHECKS, partial(run_csr_hsm, cert_type),
            {"certType": cert_type, "keys": "SoftHSM2 (PKCS#11)"}, partial(_applicable, cert_type), issues=True))
    return out
