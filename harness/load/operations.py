"""The operations of a simulated VNFCI under load, on the harness's own VNFM client without per-message tracing.

Each operation returns one :class:`Sample` per measured exchange (name, wall time, latency, outcome) judged by
harness/load/verify.py. Nothing here imports Locust: the Locust users (harness/load/users.py) time these calls.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509

from harness.checks.registry import Observation
from harness.load.verify import (Judgement, Trust, certificate_checks, classify_cmp,
                                 classify_exception, classify_http, header_checks, run_checks)
from harness.profile import Profile
from harness.trace import Trace
from wire.cmp.status import issued_certificate
from simulators.pki import new_key
from simulators.vnfm import CmpExchange, VnfmClient, make_csr

POLL_SECONDS_CAP = 30.0


@dataclass
class Sample:
    name: str
    at: float  # time.time() when the exchange ended
    ms: float
    outcome: str  # ok | error | incorrect
    kind: str = ""
    detail: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "at": round(self.at, 3), "ms": round(self.ms, 2), "outcome": self.outcome,
                "kind": self.kind, "detail": self.detail, "findings": self.findings}


@dataclass
class Vnfci:
    index: int
    vnfci_id: str
    data: dict[str, Any]
    cert: x509.Certificate | None = None
    serials: list[str] = field(default_factory=list)  # every serial issued for it (hex)
    revoked: list[tuple[str, float]] = field(default_factory=list)  # (serial, time.time() of the rp)


def new_vnfci(run_id: str, index: int, san_domain: str) -> Vnfci:
    """The same naming as a conformance run (harness/context.py fresh_vnfci), unique per run and index."""
    fqdn = f"vnfc-{index:06d}-{run_id}.{san_domain}"
    return Vnfci(index, f"vnfci-{index:06d}-{run_id}", {
        "subjectName": {"commonName": fqdn, "organization": "NFVCT Test", "country": "FR"},
        "subjectAlternateName": [fqdn]})


class LoadClient(VnfmClient):
    """The VNFM client of the conformance run, its httpx client swapped for one without trace hooks (connections
    kept alive; httpx's per-operation timeouts bound every exchange)."""

    def __init__(self, profile: Profile) -> None:
        pixit = profile.pixit
        super().__init__(name="VNFM", identity=pixit.vnfm, api_root=pixit.api_root, cmp_base=pixit.cmp_base,
                         server_ca=str(pixit.server_ca), trace=Trace(), timeout=pixit.timeout,
                         single_path=pixit.cmp_single_path)
        self.http.close()
        context = ssl.create_default_context(cafile=str(pixit.server_ca))
        if pixit.vnfm is not None:
            context.load_cert_chain(str(pixit.vnfm.cert), str(pixit.vnfm.key))
        self.http = httpx.Client(verify=context, timeout=pixit.timeout)
        self.max_poll_seconds = min(pixit.max_poll_seconds, POLL_SECONDS_CAP)
        self.max_polls = pixit.max_polls


def trust_of(profile: Profile) -> Trust:
    pixit = profile.pixit

    def certs(paths: list[Path]) -> tuple[x509.Certificate, ...]:
        return tuple(c for p in paths for c in x509.load_pem_x509_certificates(p.read_bytes()))

    return Trust(certs(list(pixit.ca_trust_anchors)), certs(list(pixit.ca_certificates)),
                 certs([pixit.cmp_trust or pixit.server_ca]), profile.pics.cmp_protected_responses)


def _timed(name: str, started: float, judgement: Judgement) -> Sample:
    return Sample(name, time.time(), (time.perf_counter() - started) * 1000, judgement.outcome, judgement.kind,
                  judgement.detail, [f.to_json() for f in judgement.findings])


def register(client: LoadClient, vnfci: Vnfci, cert_type: str) -> Sample:
    judgement, started = Judgement(), time.perf_counter()
    body = {"certType": cert_type, "subjectId": [{"subjectId": vnfci.vnfci_id, "certificateData": [vnfci.data]}],
            "typeOfVnfcCertHandling": "delegation_mode"}
    try:
        response = client.register(body)
    except Exception as exc:  # noqa: BLE001 - every failure of the exchange is classified, never raised
        judgement.error(classify_exception(exc), str(exc))
        return _timed("register", started, judgement)
    if response.status_code >= 300:
        judgement.error(classify_http(response), response.text[:200])
    else:
        run_checks(("register-created",), Observation(response=response), judgement)
    return _timed("register", started, judgement)


def _cmp(judgement: Judgement, call: Any, *args: Any, **kwargs: Any) -> CmpExchange | None:
    try:
        return call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        judgement.error(classify_exception(exc), str(exc))
        return None


def enrol(client: LoadClient, vnfci: Vnfci, cert_type: str, trust: Trust, *, implicit: bool,
          name: str = "enrol") -> list[Sample]:
    """p10cr (following 202 + pollReq within the PIXIT's polling bounds), the certificate judged, then certConf
    unless implicit confirmation was granted: one sample for the p10cr, one for the certConf."""
    judgement, started = Judgement(), time.perf_counter()
    key = new_key()
    csr, der = make_csr(vnfci.data.get("subjectName"), vnfci.data["subjectAlternateName"], key=key)
    first = _cmp(judgement, client.p10cr, cert_type, der, vnfci_id=vnfci.vnfci_id, chain_request=True,
                 implicit_confirm=implicit)
    last = first
    deadline = time.monotonic() + client.max_poll_seconds
    for _ in range(client.max_polls):
        if last is None or last.message is None or last.message.body_type not in ("cp", "pollRep"):
            break
        waiting = (last.message.poll_reps and last.message.body_type == "pollRep") or (
            last.message.responses and last.message.responses[0].status == 3)
        if not waiting:
            break
        header_checks(last, trust, judgement)
        wait = float(last.message.poll_reps[0][1]) if last.message.poll_reps else 0.0
        if time.monotonic() + wait > deadline:
            judgement.error("still waiting when pixit.max_poll_seconds ran out")
            break
        time.sleep(wait)  # checkAfter honoured (SOL023 5.3.6)
        last = _cmp(judgement, client.poll, cert_type, last)
    samples: list[Sample] = []
    cert = issued_certificate(last.message) if last is not None else None
    if last is not None:
        header_checks(last, trust, judgement)
        if cert is None:
            judgement.error(classify_cmp(last.response, last.message))
        else:
            certificate_checks(cert, csr, vnfci.data, last.message, trust, judgement)
            vnfci.cert = cert
            vnfci.serials.append(format(cert.serial_number, "x"))
    samples.append(_timed(name, started, judgement))
    if cert is not None and last is not None and last.message is not None and not last.message.implicit_confirm:
        samples.append(_confirm(client, cert_type, last, cert, trust))
    return samples


def _confirm(client: LoadClient, cert_type: str, last: CmpExchange, cert: x509.Certificate,
             trust: Trust) -> Sample:
    judgement, started = Judgement(), time.perf_counter()
    confirmed = _cmp(judgement, client.cert_conf, cert_type, last, cert)
    if confirmed is not None:
        if confirmed.message is None or confirmed.message.body_type == "error":
            judgement.error(classify_cmp(confirmed.response, confirmed.message))
        else:
            header_checks(confirmed, trust, judgement)
            run_checks(("certconf-pkiconf",), Observation(facts={"confirmation": confirmed}), judgement)
    return _timed("certConf", started, judgement)


def revoke(client: LoadClient, vnfci: Vnfci, cert_type: str, trust: Trust) -> Sample:
    judgement, started = Judgement(), time.perf_counter()
    if vnfci.cert is None:
        judgement.error("nothing to revoke (the enrolment failed)")
        return _timed("revoke", started, judgement)
    exchange = _cmp(judgement, client.rr, cert_type, vnfci.cert)
    if exchange is not None:
        status = exchange.message is not None and exchange.message.body_type == "rp" and bool(
            exchange.message.rev_statuses) and exchange.message.rev_statuses[0].status in (0, 1)
        if not status:
            judgement.error(classify_cmp(exchange.response, exchange.message))
        else:
            header_checks(exchange, trust, judgement)
            run_checks(("revoke-http-200",), Observation(response=exchange.response, message=exchange.message),
                       judgement)
            vnfci.revoked.append((format(vnfci.cert.serial_number, "x"), time.time()))
    return _timed("revoke", started, judgement)
