"""PKIFailureInfo choices (RFC 9810 5.2.3, RFC 9483 3.6.4): probes where one failInfo bit fits, each variant
against the accepted control p10cr of the same run. The checks are in harness/checks/cmp_failinfo_rules.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import univ
from pyasn1_alt_modules import rfc2986

from harness.checks.cmp_failinfo_rules import FAILINFO_CHECKS
from harness.checks.registry import Observation
from harness.context import RunContext
from harness.flow import FlowStep, UseCase
from harness.model import Verdict
from harness.recorder import Recorder
from harness.checks.cmp_header_checks import HEADER_CHECKS
from scenarios.cmp_rules import Sent, _accepted, _applicable, _immediate_type, _outcome, _p10cr, _send, exchange
from scenarios.common import Scenario, header_checks
from simulators.vnfm import seqs_of
from wire.credentials import new_key

FLOW = UseCase(
    "RFC 9810 5.2.3 failInfo choices",
    "PKIFailureInfo choices of RFC 9810 5.2.3 / RFC 9483 3.6.4 (harness probes, each against an accepted control)",
    "RFC 9483 clauses 3.1, 3.5, 3.6.4; RFC 9810 clause 5.2.3 (harness summaries: RFC texts are not shipped)",
    (
        FlowStep("1", "VNFM", "CMF", "Control: a legitimate p10cr for a registered VNFCI; the CMF issues."),
        FlowStep("2", "VNFM", "CMF", "A p10cr whose CSR public key does not decode, and a PKIMessage cut short; "
                                     "each refused with failInfo badDataFormat."),
        FlowStep("3", "VNFM", "CMF", "A p10cr without senderNonce, one with a 64-bit senderNonce, one replaying "
                                     "the control's; each refused with failInfo badSenderNonce."),
        FlowStep("4", "VNFM", "CMF", "A p10cr whose CSR names an unknown key algorithm, one whose CSR names an "
                                     "unknown signature algorithm; each refused with failInfo badAlg."),
        FlowStep("5", "VNFM", "CMF", "A p10cr signed by a key its extraCerts do not certify, and an unprotected "
                                     "one; each refused with failInfo badMessageCheck."),
        FlowStep("6", "CMF", "VNFM", "Every answer to a request whose header is sound (the control's cp, the "
                                     "refusals of the CSR probes of steps 2 and 4) follows the SOL023 5.5.2.2/"
                                     "5.5.2.3 header and protection rules, refusals as much as the cp."),
    ),
)

# an OID no implementation can know: 2.25 is the UUID arc (ITU-T X.667), this one a random UUID
UNKNOWN_ALG = "2.25.329800735698586629295641978511506172918"
CsrEdit = Callable[[Any], None]


def edit_csr(csr_der: bytes, edit: CsrEdit) -> bytes:
    """The CSR decoded (pyasn1, RFC 2986), changed in place by ``edit`` and re-encoded; the self-signature is
    left as it was (it then no longer verifies, which the probes do not rely on)."""
    request, _ = der_decode(csr_der, asn1Spec=rfc2986.CertificationRequest())
    edit(request)
    return bytes(der_encode(request))


def _junk_key(request: Any) -> None:
    request["certificationRequestInfo"]["subjectPKInfo"]["subjectPublicKey"] = univ.BitString(hexValue="00ff00ff")


def _unknown_key_alg(request: Any) -> None:
    request["certificationRequestInfo"]["subjectPKInfo"]["algorithm"]["algorithm"] = univ.ObjectIdentifier(UNKNOWN_ALG)


def _unknown_sig_alg(request: Any) -> None:
    request["signatureAlgorithm"]["algorithm"] = univ.ObjectIdentifier(UNKNOWN_ALG)


def _judge(rec: Recorder, name: str, step: str, instance: str, sent: Sent | None, error: str,
           control: tuple[bool, str]) -> None:
    if sent is None:
        rec.check(name, Observation(facts={"no_answer": error}), step=step, instance=instance)
        return
    response, message = sent
    rec.check(name, Observation(response=response, message=message, trace_seqs=seqs_of(response),
                                facts={"control": control}), step=step, instance=instance)


def run_failinfo_choices(ctx: RunContext, rec: Recorder) -> None:
    cert_type = _immediate_type(ctx)
    der, control_request = _p10cr(ctx, rec, cert_type, "1")
    rec.step("1")
    sent, error = _send(ctx, cert_type, der)
    control = (sent is not None and _accepted(sent[1]), _outcome(sent, error))
    rec.note("1", Verdict.PASS if control[0] else Verdict.INCONCLUSIVE, "control p10cr: " + control[1],
             seqs_of(sent[0]) if sent else ())

    sound = [exchange(sent, control_request)]  # answers to requests whose header is sound: judged by its rules

    def probe(step: str, csr_edit: CsrEdit | None = None, **header: Any) -> tuple[Sent | None, str]:
        transform = (lambda der: edit_csr(der, csr_edit)) if csr_edit is not None else None
        bad, request = _p10cr(ctx, rec, cert_type, step, csr_transform=transform, **header)
        rec.step(step)
        sent, error = _send(ctx, cert_type, bad)
        if csr_edit is not None and not header:
            sound.append(exchange(sent, request))
        return sent, error

    _judge(rec, "failinfo-baddataformat", "2", "CSR public key undecodable", *probe("2", _junk_key), control)
    cut, _ = _p10cr(ctx, rec, cert_type, "2")
    _judge(rec, "failinfo-baddataformat", "2", "PKIMessage cut short", *_send(ctx, cert_type, cut[:-12]), control)
    replayed = control_request.sender_nonce or os.urandom(16)
    for instance, header in (("senderNonce absent", {"header_omit": ("senderNonce",)}),
                             ("senderNonce of 64 bits", {"sender_nonce": os.urandom(8)}),
                             ("the control's senderNonce replayed", {"sender_nonce": replayed})):
        _judge(rec, "failinfo-badsendernonce", "3", instance, *probe("3", **header), control)
    _judge(rec, "failinfo-badalg", "4", "unknown key algorithm", *probe("4", _unknown_key_alg), control)
    _judge(rec, "failinfo-badalg", "4", "unknown signature algorithm", *probe("4", _unknown_sig_alg), control)
    for instance, header in (("signed by a key not in extraCerts", {"signer_key": new_key()}),
                             ("unprotected", {"signer_key": None})):
        _judge(rec, "failinfo-badmessagecheck", "5", instance, *probe("5", **header), control)
    rec.step("6")
    header_checks(ctx, rec, [e for e in sound if e is not None], "6")


def scenario() -> Scenario:
    return Scenario("RFC9483-3.6.4[failinfo-choices]", "RFC 9810 5.2.3, RFC 9483 3.6.4", FLOW.title, FLOW,
                    (*FAILINFO_CHECKS, "failinfo-badmessagecheck", *HEADER_CHECKS), run_failinfo_choices, {},
                    _applicable)
