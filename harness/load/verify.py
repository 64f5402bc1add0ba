"""Correctness under load: every answer judged by the harness's own registered checks (harness/checks), and every
answer that is not a success classified (HTTP status, CMP body type, PKIStatus, failInfo).

An answer is one of
* ``ok``: a success that every applicable check PASSes;
* ``incorrect``: a check FAILs on it (a wrong certificate, a wrong header, a wrong status code): a FAIL;
* ``error``: a refusal (HTTP error, CMP error/rejection) or no answer (timeout, connection), or an answer the
  checks cannot judge: the workload was not done, the run is INCONCLUSIVE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography import x509

from harness.checks import REGISTRY
from harness.checks.registry import Observation
from harness.model import Verdict
from wire.cmp.status import STATUS_NAMES, first_status

HEADER = ("cmp-transaction-id", "cmp-recip-nonce", "cmp-response-protection")
CERTIFICATE = ("cert-binds-csr-key", "cert-subject-as-registered", "cert-chains-to-ca")


@dataclass(frozen=True)
class Finding:
    """A FAIL of one registered check on one answer."""

    check: str
    requirements: tuple[str, ...]
    observed: str
    expected: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "requirements": list(self.requirements), "expected": self.expected,
                "observed": self.observed}


@dataclass
class Judgement:
    outcome: str = "ok"  # ok | error | incorrect
    kind: str = ""  # error taxonomy key, or the failing check's name
    detail: str = ""
    findings: list[Finding] = field(default_factory=list)

    def fail(self, finding: Finding) -> None:
        if self.outcome != "incorrect":
            self.outcome, self.kind, self.detail = "incorrect", finding.check, f"{finding.check}: {finding.observed}"
        self.findings.append(finding)

    def error(self, kind: str, detail: str = "") -> None:
        if self.outcome == "ok":
            self.outcome, self.kind, self.detail = "error", kind, detail[:300]


@dataclass(frozen=True)
class Trust:
    """What the checks need from the profile (loaded once per load process)."""

    ca_anchors: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    cmp_anchors: tuple[x509.Certificate, ...]
    protection_claimed: bool


def run_checks(names: tuple[str, ...], obs: Observation, judgement: Judgement) -> None:
    for name in names:
        spec = REGISTRY[name]
        result = spec.func(obs)
        if result.verdict is Verdict.FAIL:
            judgement.fail(Finding(name, tuple(spec.requirements), result.observed[:400], result.expected[:200]))


def classify_http(response: httpx.Response) -> str:
    return f"HTTP {response.status_code}"


def classify_cmp(response: httpx.Response, message: Any) -> str:
    """A taxonomy key for a CMP answer that is not a success: 'HTTP 400 · error · failInfo badPOP'."""
    if message is None:
        return f"HTTP {response.status_code} · no decodable PKIMessage"
    parts = [f"HTTP {response.status_code}", message.body_type]
    status = first_status(message)
    if status is not None:
        parts.append(STATUS_NAMES.get(status[0], f"status {status[0]}"))
        if status[1]:
            parts.append("failInfo " + ",".join(sorted(status[1])))
    return " · ".join(parts)


def classify_exception(exc: BaseException) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer · timeout ({type(exc).__name__})"
    if isinstance(exc, httpx.TransportError):
        return f"no answer · {type(exc).__name__}"
    return f"harness error · {type(exc).__name__}"


def header_checks(exchange: Any, trust: Trust, judgement: Judgement) -> None:
    """SOL023 5.5.2.2/5.5.2.3 on one decoded CMP response: transactionID and recipNonce echoed, protection."""
    if exchange.message is None:
        return
    obs = Observation(response=exchange.response, message=exchange.message, facts={
        "request": exchange.request, "anchors": list(trust.cmp_anchors),
        "protection_claimed": trust.protection_claimed})
    run_checks(HEADER, obs, judgement)


def certificate_checks(cert: x509.Certificate, csr: x509.CertificateSigningRequest, registered: dict[str, Any],
                       message: Any, trust: Trust, judgement: Judgement) -> None:
    """Chain to a CA trust anchor, key binding to the CSR, subject and SAN as registered."""
    obs = Observation(message=message, facts={
        "cert": cert, "csr": csr, "registered": registered, "anchors": list(trust.ca_anchors),
        "intermediates": list(trust.intermediates), "extra_certs": tuple(message.extra_certs),
        "ca_pubs": tuple(message.ca_pubs)})
    run_checks(CERTIFICATE, obs, judgement)


