"""A SUT that offers CMP only (no SOL023 5.6 subject resources), e.g. a plain CMP server:
request, confirm and revoke a certificate, with every CMP check the exchanges allow."""

from __future__ import annotations

from harness.checks.cmp_header_checks import HEADER_CHECKS
from harness.checks.registry import Observation
from harness.context import IssuedCert, RunContext
from harness.flow import FlowStep, UseCase
from harness.recorder import PreconditionFailed, Recorder
from harness.checks.cmp_failinfo_rules import CERT_REQ_ID_CHECKS
from scenarios.cmp_rules import cert_req_id_checks
from scenarios.common import Scenario, certificate_of, header_checks
from simulators.vnfm import make_csr

CMP_ENROLMENT = UseCase(
    "RFC 9483 4.1 / 4.2",
    "Certificate request, confirmation and revocation on a CMP-only SUT (harness probes)",
    "RFC 9483 clauses 4.1.1, 4.1.4 and 4.2 (harness summaries: RFC texts are not shipped)",
    (
        FlowStep("1", "VNFM", "CMF", "p10cr with the PKCS#10 request of a fresh key pair, without implicitConfirm."),
        FlowStep("2", "CMF", "VNFM", "cp with the certificate (certReqId as pics.p10cr_cert_req_id claims)."),
        FlowStep("3", "VNFM", "CMF", "certConf for the certificate, answered with pkiConf."),
        FlowStep("4", "VNFM", "CMF", "rr for the certificate, answered with rp; a second rr is refused."),
    ),
)

CHECKS = ("cp-failinfo-absent", "status-reflects-modifications", "cert-binds-csr-key", "implicit-confirm-only-if-asked",
          "certconf-pkiconf", "revoke-http-200", "revoke-takes-effect", *HEADER_CHECKS, *CERT_REQ_ID_CHECKS)


def _cmp_only(ctx: RunContext) -> str | None:
    if ctx.profile.pics.rest_registration:
        return "the SUT offers the SOL023 5.6 subject resources: the delegation-mode scenarios cover CMP there"
    return None


def run_cmp_enrolment(ctx: RunContext, rec: Recorder) -> None:
    cert_type = ctx.profile.pics.cert_types[0]
    _, data = ctx.fresh_vnfci(cert_type)
    csr, csr_der = make_csr(data["subjectName"], data["subjectAlternateName"])
    rec.step("1")
    first = ctx.vnfm.p10cr(cert_type, csr_der, vnfci_id=None, chain_request=False, implicit_confirm=False)
    rec.step("2")
    header_checks(ctx, rec, first, "2")
    cert = certificate_of(first)
    if cert is None:
        raise PreconditionFailed(f"no certificate in the answer to the p10cr (HTTP {first.response.status_code})")
    ctx.issued.append(IssuedCert(rec.scenario, cert_type, cert, (*first.message.extra_certs, *first.message.ca_pubs),
                                 csr, data, first.seqs))
    rec.check("cp-failinfo-absent", Observation(message=first.message, trace_seqs=first.seqs), step="2")
    cert_req_id_checks(ctx, rec, (first.response, first.message), "2")  # SOL023 0 or RFC 9483 -1, as claimed
    status = next((r.status for r in first.message.responses if r.certificate is not None), None)
    issued = Observation(message=first.message, facts={"cert": cert, "csr": csr, "status": status},
                         trace_seqs=first.seqs)
    rec.check("status-reflects-modifications", issued, step="2")  # 'accepted' while dropping the SAN is a FAIL
    rec.check("cert-binds-csr-key", issued, step="2")
    rec.step("3")
    confirmed = ctx.vnfm.cert_conf(cert_type, first, cert) if not first.message.implicit_confirm else None
    confirm_obs = Observation(message=first.message, facts={"confirmation": confirmed},
                              trace_seqs=first.seqs + (confirmed.seqs if confirmed else ()))
    rec.check("implicit-confirm-only-if-asked", confirm_obs, step="3")
    rec.check("certconf-pkiconf", confirm_obs, step="3")
    rec.step("4")
    revoked = ctx.vnfm.rr(cert_type, cert)
    header_checks(ctx, rec, revoked, "4")
    rec.check("revoke-http-200", Observation(response=revoked.response, message=revoked.message,
                                             trace_seqs=revoked.seqs), step="4")
    second = ctx.vnfm.rr(cert_type, cert)
    rec.check("revoke-takes-effect", Observation(
        response=revoked.response, message=revoked.message, facts={"second": second.message, "ca_status": None},
        trace_seqs=revoked.seqs + second.seqs), step="4")


def scenarios() -> list[Scenario]:
    return [Scenario("RFC9483-4.1[cmp-enrolment]", "RFC 9483 4.1", CMP_ENROLMENT.title, CMP_ENROLMENT, CHECKS,
                     run_cmp_enrolment, {}, _cmp_only, issues=True, uses=frozenset())]
