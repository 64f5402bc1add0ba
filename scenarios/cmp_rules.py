"""RFC 9483 / RFC 9810 request rules the NFV profile inherits: harness probes against the CMF.

Each probe differs from a legitimate request in one field; the legitimate request of the same
kind (the control) is sent in the same run, so a refusal is only credited when the control was
accepted. The checks are in harness/checks/cmp_request_rules.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from harness.checks.cmp_checks import describe_cmp
from harness.checks.cmp_failinfo_rules import CERT_REQ_ID_CHECKS
from harness.checks.cmp_header_checks import HEADER_CHECKS
from harness.checks.cmp_request_rules import CERTCONF_CHECKS, REQUEST_RULE_CHECKS
from harness.checks.registry import Observation
from harness.context import RunContext
from harness.flow import FlowStep, UseCase
from harness.model import Verdict
from harness.recorder import Recorder
from scenarios.common import Scenario, header_checks, register
from simulators.vnfm import CERT_TYPE_URN, CmpExchange, make_csr, seqs_of
from wire import cmp
from wire.cmp.asn1util import cert_hash_alg
from wire.cmp.status import first_status

FLOW = UseCase(
    "RFC 9483 3.1/4.1.1 request rules",
    "Header and certConf rules of RFC 9483 / RFC 9810 (harness probes, each against an accepted control)",
    "RFC 9483 clauses 3.1, 3.5, 4.1.1; RFC 9810 clauses 5.1.1, 5.2.3, 5.3.18, 7 (harness summaries: RFC texts "
    "are not shipped)",
    (
        FlowStep("1", "VNFM", "CMF", "Control: a legitimate p10cr for a registered VNFCI; the CMF issues, with the "
                                     "certReqId pics.p10cr_cert_req_id claims (SOL023 0, RFC 9483 -1)."),
        FlowStep("2", "VNFM", "CMF", "A p10cr with pvno 1; the CMF answers an error with unsupportedVersion."),
        FlowStep("3", "VNFM", "CMF", "A p10cr whose sender is not the protection certificate's subject; refused."),
        FlowStep("4", "VNFM", "CMF", "A p10cr with a wrong senderKID (and one without); the wrong one is refused."),
        FlowStep("5", "VNFM", "CMF", "A p10cr carrying a recipNonce although it starts the transaction; refused."),
        FlowStep("6", "VNFM", "CMF", "A p10cr with a messageTime five years off (and one without); accepted by "
                                     "local policy or refused with badTime."),
        FlowStep("7", "VNFM", "CMF", "Control: p10cr without implicit confirmation, then a correct certConf; "
                                     "the CMF answers pkiConf."),
        FlowStep("8", "VNFM", "CMF", "certConf with two CertStatus entries; refused."),
        FlowStep("9", "VNFM", "CMF", "certConf with a certReqId that matches no CertResponse; refused."),
        FlowStep("10", "VNFM", "CMF", "certConf with failInfo and status accepted; refused."),
        FlowStep("11", "VNFM", "CMF", "certConf whose certHash uses another hash algorithm; refused."),
        FlowStep("12", "CMF", "VNFM", "Every answer of steps 7 to 11 (each cp, the pkiConf, each certConf refusal: "
                                      "their requests' headers are sound) follows the SOL023 5.5.2.2/5.5.2.3 "
                                      "header and protection rules, refusals as much as the cp."),
    ),
)

NOT_THE_SIGNER = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "nfvct-not-the-protection-cert-subject")])
Sent = tuple[httpx.Response, Any]
PRECONDITION = "pre-condition not met"


def _immediate_type(ctx: RunContext) -> str:
    pics = ctx.profile.pics
    immediate = [t for t in pics.cert_types if t not in pics.deferred_issuance]
    return (immediate or list(pics.cert_types))[0]


def _p10cr(ctx: RunContext, rec: Recorder, cert_type: str, step: str, *, implicit_confirm: bool = True,
           csr_transform: Callable[[bytes], bytes] | None = None, **header: Any) -> tuple[bytes, Any]:
    """A p10cr for a freshly registered VNFCI, with the VNFM's header and protection and ``header`` overrides
    (and the CSR passed through ``csr_transform``)."""
    reg = register(ctx, rec, cert_type, step=step)
    _, csr_der = make_csr(reg.data.get("subjectName"), reg.data["subjectAlternateName"])
    if csr_transform is not None:
        csr_der = csr_transform(csr_der)
    general_info = [(cmp.CERT_TYPE, CERT_TYPE_URN[cert_type]), (cmp.HANDLING, cmp.HANDLING_DELEGATION),
                    (cmp.CERT_CHAIN_REQUEST, "false"), (cmp.VNFCI_ID, reg.vnfci_id)]
    der = cmp.build_p10cr(csr_der=csr_der, general_info=general_info, implicit_confirm=implicit_confirm,
                          **{**ctx.vnfm.header_kwargs(), **header})
    return der, cmp.parse_message(der)


def _send(ctx: RunContext, cert_type: str, der: bytes) -> tuple[Sent | None, str]:
    try:
        return ctx.vnfm.post_raw(cert_type, "pkcs10", der), ""
    except httpx.TransportError as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _accepted(message: Any) -> bool:
    status = first_status(message) if message is not None else None
    return status is not None and status[0] in (0, 1, 3) and message.body_type in ("cp", "ip")


def _outcome(sent: Sent | None, error: str) -> str:
    return error if sent is None else describe_cmp(sent[1], sent[0])


def _judge(rec: Recorder, name: str, step: str, sent: Sent | None, error: str, control: tuple[bool, str],
           **facts: Any) -> None:
    if sent is None:
        rec.check(name, Observation(facts={"no_answer": error}), step=step)
        return
    response, message = sent
    rec.check(name, Observation(response=response, message=message, trace_seqs=seqs_of(response),
                                facts={"control": control, **facts}), step=step)


def _header_probes(ctx: RunContext, rec: Recorder, cert_type: str) -> None:
    der, _ = _p10cr(ctx, rec, cert_type, "1")
    rec.step("1")
    sent, error = _send(ctx, cert_type, der)
    control = (sent is not None and _accepted(sent[1]), _outcome(sent, error))
    rec.note("1", Verdict.PASS if control[0] else Verdict.INCONCLUSIVE, "control p10cr: " + control[1],
             seqs_of(sent[0]) if sent else ())
    cert_req_id_checks(ctx, rec, sent, "1")

    def probe(step: str, **header: Any) -> tuple[Sent | None, str]:
        bad, _ = _p10cr(ctx, rec, cert_type, step, **header)
        rec.step(step)
        return _send(ctx, cert_type, bad)

    _judge(rec, "pvno-unsupported-rejected", "2", *probe("2", pvno=1), control)
    _judge(rec, "sender-protection-cert", "3", *probe("3", sender=NOT_THE_SIGNER), control)
    missing = _outcome(*probe("4", header_omit=("senderKID",)))
    _judge(rec, "senderkid-protection-cert", "4", *probe("4", sender_kid=os.urandom(20)), control, missing=missing)
    _judge(rec, "recipnonce-first-rejected", "5", *probe("5", recip_nonce=os.urandom(16)), control)
    missing = _outcome(*probe("6", header_omit=("messageTime",)))
    years_off = datetime.now(timezone.utc) - timedelta(days=5 * 365)
    _judge(rec, "messagetime-badtime", "6", *probe("6", message_time=years_off), control, missing=missing)


def exchange(sent: Sent | None, request: Any) -> CmpExchange | None:
    """A probe's answer as the header checks take it (None: no answer)."""
    return None if sent is None else CmpExchange(sent[0], sent[1], "" if sent[1] is not None else "not CMP", request)


def _cert_conf(ctx: RunContext, rec: Recorder, cert_type: str, step: str, sound: list[CmpExchange | None],
               content: Callable[[x509.Certificate], dict[str, Any]] = lambda cert: {}) -> tuple[Sent | None, str]:
    """A fresh transaction without implicit confirmation, then a certConf with ``content(cert)`` overrides; both
    answers go to ``sound`` (their requests' headers are sound)."""
    der, request = _p10cr(ctx, rec, cert_type, step, implicit_confirm=False)
    rec.step(step)
    sent, error = _send(ctx, cert_type, der)
    sound.append(exchange(sent, request))
    reply = sent[1] if sent else None
    delivered = [r for r in reply.responses if r.certificate is not None] if reply is not None else []
    if reply is None or not delivered or reply.implicit_confirm:
        why = "implicit confirmation granted" if reply is not None and reply.implicit_confirm else "no certificate"
        return None, f"{PRECONDITION} ({why}): {_outcome(sent, error)}"
    cert = delivered[0].certificate
    kwargs = {"cert_req_id": delivered[0].cert_req_id, **content(cert)}
    conf = cmp.build_cert_conf(cert=cert, transaction_id=request.transaction_id, recip_nonce=reply.sender_nonce,
                               **kwargs, **ctx.vnfm.header_kwargs())
    answer = _send(ctx, cert_type, conf)
    sound.append(exchange(answer[0], cmp.parse_message(conf)))
    return answer


def _other_hash(cert: x509.Certificate) -> dict[str, Any]:
    """certHash with SHA-384 (SHA-256 if the signature uses SHA-384), hashAlg left out."""
    other = hashes.SHA384() if cert_hash_alg(cert).name != "sha384" else hashes.SHA256()
    return {"cert_hash_value": cmp.cert_hash(cert, other)}


CERTCONF_PROBES: tuple[tuple[str, str, Callable[[x509.Certificate], dict[str, Any]]], ...] = (
    ("certconf-one-status", "8", lambda cert: {"copies": 2}),
    ("certconf-known-req-id", "9", lambda cert: {"cert_req_id": 7}),
    ("certconf-no-failinfo-accepted", "10", lambda cert: {"status": 0, "fail_info": ("badRequest",)}),
    ("certconf-hash-alg", "11", _other_hash),
)


def _certconf_probes(ctx: RunContext, rec: Recorder, cert_type: str) -> None:
    sound: list[CmpExchange | None] = []
    sent, error = _cert_conf(ctx, rec, cert_type, "7", sound)
    ok = sent is not None and sent[1] is not None and sent[1].body_type == "pkiconf"
    control = (ok, "control certConf: " + _outcome(sent, error))
    rec.note("7", Verdict.PASS if ok else Verdict.INCONCLUSIVE, control[1], seqs_of(sent[0]) if sent else ())
    for name, step, content in CERTCONF_PROBES:
        sent, error = _cert_conf(ctx, rec, cert_type, step, sound, content)
        if sent is None and error.startswith(PRECONDITION):
            rec.skip_remaining((name,), Verdict.INCONCLUSIVE, error)
            continue
        _judge(rec, name, step, sent, error, control)
    rec.step("12")
    header_checks(ctx, rec, [e for e in sound if e is not None], "12")


def cert_req_id_checks(ctx: RunContext, rec: Recorder, sent: Sent | None, step: str) -> None:
    """The certReqId of the cp answering a p10cr, judged against pics.p10cr_cert_req_id (SOL023 vs RFC 9483)."""
    response, message = sent if sent is not None else (None, None)
    obs = Observation(response=response, message=message, trace_seqs=seqs_of(response) if response else (),
                      facts={"claimed": ctx.profile.pics.p10cr_cert_req_id})
    for name in CERT_REQ_ID_CHECKS:
        rec.check(name, obs, step=step)


def run_request_rules(ctx: RunContext, rec: Recorder) -> None:
    cert_type = _immediate_type(ctx)
    _header_probes(ctx, rec, cert_type)
    _certconf_probes(ctx, rec, cert_type)


def _applicable(ctx: RunContext) -> str | None:
    pics = ctx.profile.pics
    if not pics.rest_registration or not pics.delegation_mode or not pics.cert_types:
        return "the PICS does not claim delegation mode with the SOL023 5.6 subject resources"
    return None


def scenarios() -> list[Scenario]:
    from scenarios import cmp_failinfo  # it builds on this module's probes

    return [Scenario("RFC9483-3.1[request-rules]", "RFC 9483 3.1, 4.1.1", FLOW.title, FLOW,
                     (*REQUEST_RULE_CHECKS, *CERTCONF_CHECKS, *CERT_REQ_ID_CHECKS, *HEADER_CHECKS), run_request_rules, {},
                     _applicable),
            cmp_failinfo.scenario()]
