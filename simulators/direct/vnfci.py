"""The simulated VNFCIs of direct mode: the endpoint that takes the CMF's configuration (IFA026 C.2.1.1.6 step 3)
and each VNFCI's enrolment (ir, MAC-protected with the initial credential) and renewal (kur) at the CA over CMP.

Harness binding for CMF -> VNFCI (no ETSI wire format; README, "Direct mode"): ``POST
{certConfigEndpoint}`` (the URL in the VNFC's metadata), mutually authenticated TLS, JSON
``{"vnfcInstanceId", "identities": [{"name", "certType", "subject", "subjectAltName": [...], "trustAnchor": PEM,
"enrolment": {"protocol": "CMP", "url", "recipient"}, "initialCredential": {"reference", "secret": base64},
"trigger": "enrol", "renewal": {"beforeExpirySeconds": int}, "hsm": {"interface": "PKCS#11", "token": str}}]}``
-> 202. ``renewal`` is the renewal condition of C.2.1.4 step 0; ``hsm`` the HSM details of C.2.1.3 step 5."""

from __future__ import annotations

import base64
import json
import ssl
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.trace import Trace
from wire.cmp import build_cert_conf, build_ir, build_kur, parse_message, verify_signature_protection
from wire.cmp.parse import PkiMessageView
from wire.x509util import PathError, build_path

CONFIG_CHANNEL = "CMF -> VNFCI configuration (harness binding: JSON over HTTPS)"


@dataclass(frozen=True)
class ConfigReceived:
    vnfc_id: str
    body: dict[str, Any]
    seq: int
    at: datetime


@dataclass
class VnfciConfigServer:
    """One listener for every simulated VNFCI: ``POST /vnfci/{vnfcInstanceId}/certificate-configuration``."""

    trace: Trace
    base_url: str = ""
    received: list[ConfigReceived] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint(self, vnfc_id: str) -> str:
        return f"{self.base_url}/vnfci/{vnfc_id}/certificate-configuration"

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/vnfci/{id}/certificate-configuration", self._config, methods=["POST"])])

    async def _config(self, request: Request) -> Response:
        raw = await request.body()
        vnfc_id = request.path_params["id"]
        seq = self.trace.record("CMF", "VNFCI", "http-request", f"POST {request.url.path}",
                                channel=CONFIG_CHANNEL, headers=dict(request.headers),
                                body_text=raw.decode("utf-8", "replace"))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("identities"), list):
            response = JSONResponse({"error": "configuration with an identities list expected"}, status_code=400)
        else:
            with self._lock:
                self.received.append(ConfigReceived(vnfc_id, body, seq, datetime.now(timezone.utc)))
            response = JSONResponse({"status": "accepted"}, status_code=202)
        self.trace.record("VNFCI", "CMF", "http-response", str(response.status_code),
                          channel=CONFIG_CHANNEL, body_text=bytes(response.body).decode())
        return response

    def configs_for(self, vnfc_id: str) -> list[ConfigReceived]:
        with self._lock:
            return [c for c in self.received if c.vnfc_id == vnfc_id]


@dataclass
class Enrolment:
    """The outcome of one ir or kur: the certificate, or why there is none."""

    identity: str
    ok: bool
    detail: str
    cert: x509.Certificate | None = None
    key: Any = None
    chain: tuple[x509.Certificate, ...] = ()
    response: PkiMessageView | None = None


def _post(url: str, der: bytes, tls_trust: str, timeout: float) -> bytes:
    with httpx.Client(verify=ssl.create_default_context(cafile=tls_trust), timeout=timeout) as client:
        response = client.post(url, content=der, headers={"Content-Type": "application/pkixcmp"})
    return response.content


def _accept(view: PkiMessageView, identity: dict[str, Any], name: str, key: Any) -> Enrolment:
    """Judge the CA's ip/kup as a VNFCI would: status accepted, signed by a certificate in extraCerts that
    chains to the configured trust anchor, and a certificate for our key."""
    if not view.responses:
        status = view.error_status
        detail = "; ".join(status.status_string) if status else view.body_type
        return Enrolment(name, False, f"{view.body_type}: {detail} ({', '.join(sorted(status.fail_info)) if status else ''})",
                         response=view)
    rep = view.responses[0]
    if rep.status not in (0, 1) or rep.certificate is None:
        return Enrolment(name, False, f"status {rep.status}: {'; '.join(rep.status_string)} "
                                      f"({', '.join(sorted(rep.fail_info))})", response=view)
    cert = rep.certificate
    try:
        anchors = x509.load_pem_x509_certificates(str(identity.get("trustAnchor", "")).encode())
    except ValueError:
        anchors = []
    candidates = [*view.extra_certs, *view.ca_pubs]
    try:
        path = build_path(cert, candidates, anchors)
    except PathError as exc:
        return Enrolment(name, False, f"certificate does not chain to the configured trust anchor: {exc}",
                         cert, key, tuple(candidates), view)
    signer = next((c for c in view.extra_certs if verify_signature_protection(view, c)), None)
    if signer is None:
        return Enrolment(name, False, "response protection does not verify with its extraCerts", cert, key,
                         tuple(path[1:]), view)
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        return Enrolment(name, False, "certificate is not for the requested key", cert, key, tuple(path[1:]), view)
    return Enrolment(name, True, f"certificate serial {cert.serial_number:x}", cert, key, tuple(path[1:]), view)


def enrol(identity: dict[str, Any], key: Any, tls_trust: str, timeout: float = 10.0) -> Enrolment:
    """C.2.1.1.6 steps 4-7: an ir for ``identity`` (one configured identity), MAC-protected with its initial
    credential (senderKID = reference), then certConf."""
    name = str(identity.get("name", "?"))
    try:
        cred = identity["initialCredential"]
        secret = base64.b64decode(str(cred["secret"]), validate=True)
        url, recipient = identity["enrolment"]["url"], identity["enrolment"].get("recipient", "")
        subject = x509.Name.from_rfc4514_string(str(identity["subject"]))
    except (KeyError, TypeError, ValueError) as exc:
        return Enrolment(name, False, f"configuration incomplete for enrolment: {type(exc).__name__}: {exc}")
    names = [x509.DNSName(str(n)) for n in identity.get("subjectAltName", [])]
    recipient_name = x509.Name.from_rfc4514_string(recipient) if recipient else x509.Name([])
    der = build_ir(new_key=key, subject=subject, subject_alt_names=names, sender=subject, recipient=recipient_name,
                   signer_key=None, signer_cert=None, mac_secret=secret, sender_kid=str(cred["reference"]).encode())
    try:
        view = parse_message(_post(url, der, tls_trust, timeout))
    except (httpx.HTTPError, ValueError) as exc:
        return Enrolment(name, False, f"no CMP answer from {url}: {type(exc).__name__}: {exc}")
    result = _accept(view, identity, name, key)
    if result.ok and result.cert is not None and view.transaction_id and view.sender_nonce:
        conf = build_cert_conf(cert=result.cert, transaction_id=view.transaction_id, recip_nonce=view.sender_nonce,
                               sender=subject, recipient=recipient_name, signer_key=None, signer_cert=None,
                               mac_secret=secret, sender_kid=str(cred["reference"]).encode())
        try:
            _post(url, conf, tls_trust, timeout)
        except httpx.HTTPError:
            pass  # the certificate is ours either way; the CA's side of certConf is not what is judged
    return result


def renew(identity: dict[str, Any], current: Enrolment, new_key: Any, tls_trust: str,
          timeout: float = 10.0) -> Enrolment:
    """C.2.1.4.6 steps 2-5: a kur for a new key, signed with the certificate being updated."""
    name = current.identity
    if current.cert is None or current.key is None:
        return Enrolment(name, False, "nothing to renew: no certificate")
    url = str(identity.get("enrolment", {}).get("url", ""))
    der = build_kur(new_key=new_key, subject=current.cert.subject,
                    subject_alt_names=[x509.DNSName(str(n)) for n in identity.get("subjectAltName", [])],
                    sender=current.cert.subject, recipient=current.cert.issuer, signer_key=current.key,
                    signer_cert=current.cert, extra_certs=(current.cert,), old_cert=current.cert)
    try:
        view = parse_message(_post(url, der, tls_trust, timeout))
    except (httpx.HTTPError, ValueError) as exc:
        return Enrolment(name, False, f"no CMP answer from {url}: {type(exc).__name__}: {exc}")
    return _accept(view, identity, name, new_key)


def new_software_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())
