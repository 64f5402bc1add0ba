"""The simulated CA of direct mode (IFA026 C.2.1): end-entity registration by the CMF, enrolment and renewal
by the VNFCI over CMP.

Harness binding for CMF -> CA (CA-1 has no ETSI wire format; README, "Direct mode"), JSON over HTTPS with mTLS:

* ``POST /ca1/v1/end-entities`` ``{"entityId", "certType", "subject": RFC 4514 DN, "subjectAltName": [DNS name, ...],
  "initialCredential": {"reference", "secret": base64}, "maxUses": int, "validSeconds": int}``
  -> 201 ``{"entityId", "status": "registered", "enrolmentUrl", "recipient"}`` (IFA026 C.2.1.1.6 note 2: the CA
  acknowledges the registration with the acceptance of the initial credential); 409 when the id exists;
* ``GET /ca1/v1/end-entities/{entityId}`` -> 200 ``{"status", "usesLeft", "certificates": [serial hex]}``;
* ``POST /ca1/v1/end-entities/{entityId}/revocation`` ``{"reason": int}`` -> 200 ``{"revoked": [serial hex]}``;
* ``DELETE /ca1/v1/end-entities/{entityId}`` -> 204 (deregistered: no more enrolment or update).

VNFCI -> CA is CMP (RFC 9810 / RFC 9483) at ``/.well-known/cmp/p/{vnfc|vnfoam}`` on a server-authenticated TLS
listener: ``ir`` MAC-protected (PBM or PBMAC1) with the initial credential (senderKID = its reference), limited
to ``maxUses`` enrolments within ``validSeconds`` (C.2.1.1.6 note 4); ``kur`` signature-protected with the
certificate being updated, which must be one this CA issued, unexpired and unrevoked, to a still registered end
entity (C.2.1.4); ``certConf`` -> ``pkiConf``. Responses are signed by the issuing CA."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.trace import Trace
from simulators.ca import URL_LABEL, CaSimulator, TYPE_OF_LABEL
from wire.cmp import (
    CmpDecodeError,
    PkiMessageView,
    build_error,
    build_ip,
    build_kup,
    build_pki_conf,
    parse_message,
    verify_mac_protection,
    verify_signature_protection,
)

CA1 = "CA-1 (harness binding: JSON over HTTPS, see README)"
CMP_CHANNEL = "CMP over HTTPS (RFC 9483), VNFCI -> CA"
CMP_TYPE = "application/pkixcmp"


@dataclass
class EndEntity:
    entity_id: str
    cert_type: str
    subject: x509.Name
    san: list[str]
    reference: str
    secret: bytes = field(repr=False)
    uses_left: int
    not_after: datetime
    active: bool = True
    serials: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CmpEvent:
    """One CMP exchange at the CA: what came, what went back, why."""

    body: str  # ir, kur, certConf, ...
    entity_id: str
    accepted: bool
    reason: str
    serial: int | None
    seq: int


@dataclass(frozen=True)
class _Template:
    """What CaSimulator.issue reads from a request: the subject and the public key."""

    subject: x509.Name
    key: Any

    def public_key(self) -> Any:
        return self.key


@dataclass
class DirectCa:
    ca: CaSimulator
    trace: Trace
    anchor: x509.Certificate  # the trust anchor above the issuing CAs
    validity_days: int = 30
    cmp_base_url: str = ""
    entities: dict[str, EndEntity] = field(default_factory=dict)
    by_reference: dict[str, EndEntity] = field(default_factory=dict)  # initial-credential reference -> entity
    events: list[CmpEvent] = field(default_factory=list)
    registrations: list[tuple[dict[str, Any], int, int]] = field(default_factory=list)  # (body, status, seq)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def anchor_pem(self) -> str:
        return self.anchor.public_bytes(serialization.Encoding.PEM).decode()

    # -- CA-1: end-entity registration by the CMF -------------------------------------------------------------

    def ca1_app(self) -> Starlette:
        return Starlette(routes=[
            Route("/ca1/v1/end-entities", self._register, methods=["POST"]),
            Route("/ca1/v1/end-entities/{id:path}/revocation", self._revoke, methods=["POST"]),
            Route("/ca1/v1/end-entities/{id:path}", self._entity, methods=["GET", "DELETE"]),
        ])

    def _record_ca1(self, request: Request, body: bytes, response: JSONResponse | Response) -> int:
        seq = self.trace.record("CMF", "CA", "http-request", f"{request.method} {request.url.path}", channel=CA1,
                                headers={"content-type": request.headers.get("content-type", "")},
                                body_text=body.decode("utf-8", "replace"))
        self.trace.record("CA", "CMF", "http-response", str(response.status_code), channel=CA1,
                          body_text=bytes(response.body).decode("utf-8", "replace"))
        return seq

    async def _register(self, request: Request) -> Response:
        raw = await request.body()
        response, body = self._registration(raw)
        seq = self._record_ca1(request, raw, response)
        with self._lock:
            self.registrations.append((body, response.status_code, seq))
        return response

    def _registration(self, raw: bytes) -> tuple[JSONResponse, dict[str, Any]]:
        try:
            body = json.loads(raw)
            cred = body["initialCredential"]
            entity = EndEntity(
                entity_id=str(body["entityId"]), cert_type=str(body["certType"]),
                subject=x509.Name.from_rfc4514_string(str(body["subject"])),
                san=[str(s) for s in body.get("subjectAltName", [])], reference=str(cred["reference"]),
                secret=base64.b64decode(str(cred["secret"]), validate=True), uses_left=int(body.get("maxUses", 1)),
                not_after=datetime.now(timezone.utc) + timedelta(seconds=int(body.get("validSeconds", 3600))))
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"malformed registration: {exc}"}, status_code=400), {}
        if entity.cert_type not in URL_LABEL or entity.cert_type not in self.ca.issuing:
            return JSONResponse({"error": f"unknown certType {entity.cert_type!r}"}, status_code=400), body
        if not entity.secret:
            return JSONResponse({"error": "empty initial credential"}, status_code=400), body
        with self._lock:
            if entity.entity_id in self.entities:
                return JSONResponse({"error": f"{entity.entity_id} is already registered"}, status_code=409), body
            if entity.reference in self.by_reference:  # an index: a load registers thousands
                return JSONResponse({"error": "initial credential reference already in use"}, status_code=409), body
            self.entities[entity.entity_id] = entity
            self.by_reference[entity.reference] = entity
        issuing = self.ca.issuing[entity.cert_type].cert
        return JSONResponse({"entityId": entity.entity_id, "status": "registered",
                             "enrolmentUrl": f"{self.cmp_base_url}/.well-known/cmp/p/{URL_LABEL[entity.cert_type]}",
                             "recipient": issuing.subject.rfc4514_string()}, status_code=201), body

    async def _entity(self, request: Request) -> Response:
        entity = self.entities.get(request.path_params["id"])
        response: Response
        if entity is None:
            response = JSONResponse({"error": "unknown end entity"}, status_code=404)
        elif request.method == "DELETE":
            entity.active = False
            response = Response(status_code=204)
        else:
            response = JSONResponse({"entityId": entity.entity_id, "status": "registered" if entity.active else
                                     "deregistered", "usesLeft": entity.uses_left,
                                     "certificates": [f"{s:x}" for s in entity.serials]})
        self._record_ca1(request, b"", response)
        return response

    async def _revoke(self, request: Request) -> Response:
        raw = await request.body()
        entity = self.entities.get(request.path_params["id"])
        if entity is None:
            response = JSONResponse({"error": "unknown end entity"}, status_code=404)
        else:
            revoked = [f"{serial:x}" for serial in entity.serials
                       if self.ca.revoke(serial, 5) == "revoked"]  # 5: cessationOfOperation
            response = JSONResponse({"revoked": revoked})
        self._record_ca1(request, raw, response)
        return response

    # -- CMP: enrolment and update by the VNFCI ---------------------------------------------------------------

    def cmp_app(self) -> Starlette:
        return Starlette(routes=[Route("/.well-known/cmp/p/{label}", self._cmp, methods=["POST"])])

    async def _cmp(self, request: Request) -> Response:
        raw = await request.body()
        seq = self.trace.record("VNFCI", "CA", "http-request", f"POST {request.url.path}", cmp_label=True,
                                channel=CMP_CHANNEL, headers={"content-type": request.headers.get("content-type", "")},
                                body=raw, content_type=CMP_TYPE)  # decoded at report time (harness/trace.py)
        cert_type = TYPE_OF_LABEL.get(request.path_params["label"], "")
        der, event = self._answer(raw, cert_type, seq)
        with self._lock:
            self.events.append(event)
        self.trace.record("CA", "VNFCI", "http-response", "200", channel=CMP_CHANNEL, cmp_label=True,
                          headers={"content-type": CMP_TYPE}, body=der, content_type=CMP_TYPE)
        return Response(der, media_type=CMP_TYPE)

    def _signer(self, cert_type: str) -> dict[str, Any]:
        issuing = self.ca.issuing[cert_type if cert_type in self.ca.issuing else "VNFCI_certificate"]
        return {"signer_key": issuing.key, "signer_cert": issuing.cert, "extra_certs": (issuing.cert,)}

    def _refuse(self, view: PkiMessageView | None, cert_type: str, fail: str, reason: str, seq: int,
                entity_id: str = "") -> tuple[bytes, CmpEvent]:
        der = build_error(request=view, fail_info=(fail,), status_string=reason, **self._signer(cert_type))
        return der, CmpEvent(view.body_type if view else "undecodable", entity_id, False, reason, None, seq)

    def _answer(self, raw: bytes, cert_type: str, seq: int) -> tuple[bytes, CmpEvent]:
        try:
            view = parse_message(raw)
        except CmpDecodeError as exc:
            return self._refuse(None, cert_type, "badDataFormat", f"not a PKIMessage: {exc}", seq)
        if not cert_type:
            return self._refuse(view, cert_type, "badRequest", "unknown CMP path label", seq)
        if view.body_type == "certConf":
            return (build_pki_conf(request=view, **self._signer(cert_type)),
                    CmpEvent("certConf", "", True, "confirmed", None, seq))
        if view.body_type == "ir":
            return self._ir(view, cert_type, seq)
        if view.body_type == "kur":
            return self._kur(view, cert_type, seq)
        return self._refuse(view, cert_type, "badRequest", f"{view.body_type} is not served here", seq)

    def _template_ok(self, view: PkiMessageView, entity: EndEntity) -> str:
        if len(view.cert_templates) != 1:
            return "exactly one CertReqMsg expected"
        template = view.cert_templates[0]
        if template.popo_verified is not True:
            return "proof of possession missing or invalid"
        if template.subject != entity.subject:
            return f"subject {template.subject and template.subject.rfc4514_string()} is not the registered one"
        names = sorted(str(n.value) for n in template.subject_alt_names)
        if names != sorted(entity.san):
            return f"subjectAltName {names} is not the registered {sorted(entity.san)}"
        return ""

    def _issue(self, view: PkiMessageView, entity: EndEntity, seq: int, body: str) -> tuple[bytes, CmpEvent]:
        template = view.cert_templates[0]
        record = self.ca.issue(_Template(entity.subject, template.public_key), entity.cert_type,  # type: ignore[arg-type]
                               entity.entity_id, self.validity_days, san=entity.san)
        entity.serials.append(record.cert.serial_number)
        chain = self.ca.chain_for(entity.cert_type)
        build = build_ip if body == "ir" else build_kup
        signer = self._signer(entity.cert_type)
        der = build(request=view, status=0, cert=record.cert, ca_pubs=(self.anchor,),
                    signer_key=signer["signer_key"], signer_cert=signer["signer_cert"],
                    extra_certs=tuple(c for c in chain if c != self.anchor))
        return der, CmpEvent(body, entity.entity_id, True, "issued", record.cert.serial_number, seq)

    def _ir(self, view: PkiMessageView, cert_type: str, seq: int) -> tuple[bytes, CmpEvent]:
        reference = (view.sender_kid or b"").decode("utf-8", "replace")
        entity = self.by_reference.get(reference)
        if entity is None or not entity.active:
            return self._refuse(view, cert_type, "badRequest", f"no registered end entity for senderKID {reference!r}",
                                seq)
        if not verify_mac_protection(view, entity.secret):
            return self._refuse(view, cert_type, "badMessageCheck", "MAC protection does not verify with the "
                                "registered initial credential", seq, entity.entity_id)
        if entity.cert_type != cert_type:
            return self._refuse(view, cert_type, "badRequest", f"registered for {entity.cert_type}, not {cert_type}",
                                seq, entity.entity_id)
        with self._lock:
            if entity.uses_left <= 0 or datetime.now(timezone.utc) > entity.not_after:
                spent = entity.uses_left <= 0
                return self._refuse(view, cert_type, "notAuthorized", "initial credential " + (
                    "already used" if spent else "expired"), seq, entity.entity_id)
            problem = self._template_ok(view, entity)
            if problem:
                return self._refuse(view, cert_type, "badCertTemplate", problem, seq, entity.entity_id)
            entity.uses_left -= 1
        return self._issue(view, entity, seq, "ir")

    def _kur(self, view: PkiMessageView, cert_type: str, seq: int) -> tuple[bytes, CmpEvent]:
        old = view.extra_certs[0] if view.extra_certs else None
        record = self.ca.records.get(old.serial_number) if old is not None else None
        if old is None or record is None or record.cert != old:
            return self._refuse(view, cert_type, "badRequest", "kur not protected by a certificate this CA issued",
                                seq)
        entity = self.entities.get(record.subject_id)
        entity_id = entity.entity_id if entity else ""
        if not verify_signature_protection(view, old):
            return self._refuse(view, cert_type, "badMessageCheck", "signature protection does not verify", seq,
                                entity_id)
        if record.revoked_at is not None:
            return self._refuse(view, cert_type, "certRevoked", "the certificate to update is revoked", seq, entity_id)
        if datetime.now(timezone.utc) > old.not_valid_after_utc:
            return self._refuse(view, cert_type, "certRevoked", "the certificate to update has expired", seq,
                                entity_id)
        if entity is None or not entity.active:
            return self._refuse(view, cert_type, "notAuthorized", "the end entity is no longer registered", seq,
                                entity_id)
        problem = self._template_ok(view, entity)
        if problem:
            return self._refuse(view, cert_type, "badCertTemplate", problem, seq, entity_id)
        return self._issue(view, entity, seq, "kur")
