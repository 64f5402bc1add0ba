"""Building blocks shared by the scenarios: register a subject, obtain a certificate."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography import x509

from harness.context import IssuedCert, RunContext
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from harness.sut_input import json_or_none
from harness.checks.cmp_checks import describe_cmp, first_status
from harness.checks.cmp_header_checks import HEADER_CHECKS
from harness.checks.profile_checks import CHECKS as PER_CERTIFICATE
from harness.checks.registry import Observation
from simulators.pki import new_key
from simulators.vnfm import CmpExchange, VnfmClient, make_csr, seqs_of
from wire.cmp.status import issued_certificate


@dataclass(frozen=True)
class Scenario:
    id: str
    use_case: str
    title: str
    flow: Any  # scenarios.flows.UseCase
    checks: tuple[str, ...]
    body: Callable[[RunContext, Recorder], None]
    parameters: dict[str, str] = field(default_factory=dict)
    applicable: Callable[[RunContext], str | None] = lambda ctx: None
    issues: bool = False  # obtains certificates from the SUT: the C.6 checks judge each one (INCONCLUSIVE if none)
    # the shared state its observations depend on, so that it may run inside another scenario's wait
    # (harness/overlap.py); None: anything, it never runs inside a wait
    uses: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.issues and not set(PER_CERTIFICATE) <= set(self.checks):
            object.__setattr__(self, "checks", (*self.checks, *PER_CERTIFICATE))


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or {} when the body is not one."""
    body = json_or_none(response.content, "response body")  # too deep a nesting raises SutInputError
    return body if isinstance(body, dict) else {}


def registration_body(cert_type: str, vnfci_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "certType": cert_type,
        "subjectId": [{"subjectId": vnfci_id, "certificateData": [data]}],
        "typeOfVnfcCertHandling": "delegation_mode",
    }


@dataclass(frozen=True)
class Registered:
    subject_id: str  # id of the Individual Subject resource
    url: str
    vnfci_id: str
    data: dict[str, Any]
    response: httpx.Response


def register(ctx: RunContext, rec: Recorder, cert_type: str, *, step: str = "pre-condition",
             client: VnfmClient | None = None) -> Registered:
    """Register a fresh VNFCI with the VNFM (or ``client``) as delegate (a pre-condition of most flows)."""
    rec.step(step)
    vnfci_id, data = ctx.fresh_vnfci(cert_type)
    response = (client or ctx.vnfm).register(registration_body(cert_type, vnfci_id, data))
    if response.status_code not in (200, 201):
        raise PreconditionFailed(f"registration of {vnfci_id} failed: HTTP {response.status_code} {response.text[:200]}")
    body = json_or_none(response.content, "registration response body")
    if not isinstance(body, dict) or not body.get("id"):
        raise PreconditionFailed(f"registration of {vnfci_id} returned no SubjectInstance with an id")
    subject_id = str(body["id"])
    url = response.headers.get("location") or f"{ctx.profile.pixit.api_root}/nfv-cert/v1/subjects/{subject_id}"
    return Registered(subject_id, url, vnfci_id, data, response)


@dataclass
class Obtained:
    cert: x509.Certificate | None
    csr: x509.CertificateSigningRequest
    first: CmpExchange
    last: CmpExchange
    polls: list[dict[str, Any]]
    how: str
    budget_exhausted: bool = False  # the harness's own polling bound stopped the polling
    confirmation: CmpExchange | None = None  # certConf/pkiConf, when implicit confirmation was not granted
    key: Any = None  # the VNFCI private key the consumer generated (memory only; never traced)

    @property
    def seqs(self) -> tuple[int, ...]:
        return seqs_of(self.first.response, self.last.response)


def certificate_of(exchange: CmpExchange) -> x509.Certificate | None:
    return issued_certificate(exchange.message)


def obtain(
    ctx: RunContext,
    rec: Recorder,
    cert_type: str,
    reg: Registered,
    *,
    chain_request: bool,
    client: VnfmClient | None = None,
    on_first: Callable[[CmpExchange], None] | None = None,
    poll_step: str = "6",
    implicit_confirm: bool = True,
) -> Obtained:
    """Send a p10cr for the registered VNFCI; follow 202 + polling (SOL023 5.3.3) to the end."""
    client = client or ctx.vnfm
    key = new_key()
    csr, csr_der = make_csr(reg.data.get("subjectName"), reg.data["subjectAlternateName"], key=key)
    first = client.p10cr(cert_type, csr_der, vnfci_id=reg.vnfci_id, chain_request=chain_request,
                         implicit_confirm=implicit_confirm)
    if on_first is not None:
        on_first(first)
    last, polls, exhausted = first, [], False
    status = first_status(first.message) if first.message is not None else None
    if status is not None and status[0] == 3:
        exhausted = True
        rec.step(poll_step)
        deadline = time.monotonic() + ctx.profile.pixit.max_poll_seconds
        for _ in range(ctx.profile.pixit.max_polls):
            wait = 0.0
            if last.message is not None and last.message.body_type == "pollRep" and last.message.poll_reps:
                wait = float(last.message.poll_reps[0][1] or 0)
            if time.monotonic() + wait > deadline:
                break
            time.sleep(min(wait, ctx.profile.pixit.max_poll_seconds))  # checkAfter honoured (SOL023 5.3.6 step 1)
            last = client.poll(cert_type, last)
            body = last.message.body_type if last.message is not None else "undecodable"
            check_after = last.message.poll_reps[0][1] if body == "pollRep" and last.message.poll_reps else None
            polls.append({"body": body, "check_after": check_after, "http": last.response.status_code,
                          "exchange": last})
            if body != "pollRep":
                exhausted = False
                break
    cert = certificate_of(last)
    if cert is not None and last.message is not None:
        ctx.issued.append(IssuedCert(rec.scenario, cert_type, cert,
                                     (*last.message.extra_certs, *last.message.ca_pubs), csr, reg.data,
                                     seqs_of(first.response, last.response)))
    confirmed = None
    if cert is not None and last.message is not None and not last.message.implicit_confirm:
        confirmed = client.cert_conf(cert_type, last, cert)  # RFC 9483 4.1.1: confirm unless implicit
        if confirmed.message is None or confirmed.message.body_type != "pkiconf":
            rec.note(poll_step, Verdict.INCONCLUSIVE,
                     f"certConf not answered with pkiConf: {describe_cmp(confirmed.message, confirmed.response)}",
                     confirmed.seqs)
    how = describe_cmp(last.message, last.response)
    if polls:
        how = f"202 waiting, then {len(polls)} poll(s); last: {how}"
    if exhausted:
        how += (f"; polling stopped by the harness's bound (pixit.max_polls {ctx.profile.pixit.max_polls}, "
                f"pixit.max_poll_seconds {ctx.profile.pixit.max_poll_seconds})")
    return Obtained(cert, csr, first, last, polls, how, exhausted, confirmed, key)


def vnfm2_trusted(ctx: RunContext, rec: Recorder, cert_type: str) -> tuple[bool, str]:
    """Positive control for the not-the-delegate checks: VNFM-2 can use the CMF for its own VNFCI."""
    assert ctx.vnfm2 is not None
    rec.step("pre-condition")
    try:
        reg = register(ctx, rec, cert_type, client=ctx.vnfm2)
    except PreconditionFailed as exc:
        return False, f"VNFM-2 cannot register its own VNFCI: {exc}"
    own = obtain(ctx, rec, cert_type, reg, chain_request=False, client=ctx.vnfm2, poll_step="pre-condition")
    if own.cert is None:
        return False, f"VNFM-2 cannot obtain a certificate for its own VNFCI: {own.how}"
    return True, "VNFM-2 is trusted for its own VNFCI"


def header_checks(ctx: RunContext, rec: Recorder, exchanges: CmpExchange | Sequence[CmpExchange], step: str) -> None:
    """SOL023 5.5.2.2/5.5.2.3 header and protection checks on every CMP response of a transaction (the first
    answer, each pollRep, the final cp, the pkiConf, error messages alike), each response its own instance when
    there is more than one ("2: pollRep")."""
    trust = ctx.profile.pixit.cmp_trust or ctx.profile.pixit.server_ca
    anchors = x509.load_pem_x509_certificates(trust.read_bytes())
    several = not isinstance(exchanges, CmpExchange) and len(exchanges) > 1
    for number, exchange in enumerate([exchanges] if isinstance(exchanges, CmpExchange) else exchanges, 1):
        body = exchange.message.body_type if exchange.message is not None else "no CMP message"
        obs = Observation(response=exchange.response, message=exchange.message, trace_seqs=exchange.seqs, facts={
            "request": exchange.request, "seen_nonces": set(ctx.seen_nonces), "anchors": anchors,
            "protection_claimed": ctx.profile.pics.cmp_protected_responses})
        for name in HEADER_CHECKS:
            rec.check(name, obs, step=step, instance=f"{number}: {body}" if several else "")
        for message in (exchange.request, exchange.message):
            if message is not None and message.sender_nonce:
                ctx.seen_nonces.add(message.sender_nonce)


def transaction(obtained: Obtained) -> list[CmpExchange]:
    """Every exchange of one enrolment: the p10cr's answer, each poll, the certConf's answer."""
    polls = [p["exchange"] for p in obtained.polls if isinstance(p.get("exchange"), CmpExchange)]
    return [obtained.first, *polls, *([obtained.confirmation] if obtained.confirmation is not None else [])]


def probe_methods(ctx: RunContext, rec: Recorder, resource: str, checks: tuple[tuple[str, str], ...],
                  step: str) -> None:
    """Unsupported methods on a resource, each judged by its 405 check; a GET on it is the control."""
    control = ctx.vnfm.request("GET", resource)
    for method, name in checks:
        response = ctx.vnfm.request(method, resource, json=None if method == "DELETE" else {})
        rec.check(name, Observation(response=response, facts={"method": method, "resource": resource,
                                                              "control": control},
                                    trace_seqs=seqs_of(response)), step=step)


def note_stimulus(rec: Recorder, step: str, response: httpx.Response | None, what: str) -> None:
    """The harness's own stimulus at a step: PASS if sent and answered, INCONCLUSIVE if not."""
    if response is None:
        rec.note(step, Verdict.INCONCLUSIVE, f"{what}: no answer")
    else:
        rec.note(step, Verdict.PASS, f"{what} sent; answered HTTP {response.status_code}", seqs_of(response))
