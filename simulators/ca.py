"""Simulated CA with the harness's CA-1 binding (CMF -> CA).

IFA026 leaves CMF -> CA (reference point CA-1) without a wire format, so this is the
harness's own binding, documented in the README and labelled as such in reports:

* ``POST /ca1/v1/certificates``  JSON ``{"csr": PEM, "certType", "subjectId", "validityDays"}`` (an optional
  ``"validitySeconds"`` selects a short-lived test profile: notBefore now - 1 s, notAfter now + seconds)
  -> 201 ``{"serialNumber": hex, "certificate": PEM, "chain": [PEM, ...]}`` (issuer first,
  trust anchor last); an optional ``"subjectAltName": [str]`` replaces the CSR's SANs (the
  RA-side template override a CMF may apply);
* ``POST /ca1/v1/revocations``  JSON ``{"serialNumber": hex, "reason": int|null}``
  -> 200 ``{"status": "revoked"}``, 409 if already revoked, 404 if unknown;
* ``GET /ca1/v1/certificates/{serialNumber}`` -> 200 ``{"status": "good"|"revoked", ...}``.

* ``GET /ca1/v1/crl/{vnfc|vnfoam}`` (DER CRL) and ``GET /ca1/v1/issuers/{vnfc|vnfoam}`` (DER CA certificate):
  the cRLDistributionPoints and AIA caIssuers URLs of the certificates it issues (IFA026 table C.6-1); the AIA OCSP
  URL is written but no OCSP responder is served.

A vendor CMF can be pointed at this CA to make steps 3-5 of C.2.2.2 observable.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.trace import Trace
from simulators.pki import Issued, new_key
from wire.x509util import san_general_names

URL_LABEL = {"VNFCI_certificate": "vnfc", "VNF_OAM_certificate": "vnfoam", "NFV_MANO_certificate": "mano"}
TYPE_OF_LABEL = {v: k for k, v in URL_LABEL.items()}
BINDING = "CA-1 (harness binding: JSON over HTTPS, see README)"


@dataclass
class IssuedRecord:
    cert: x509.Certificate
    cert_type: str
    subject_id: str
    revoked_at: datetime | None = None
    reason: int | None = None


@dataclass
class CaSimulator:
    issuing: dict[str, Issued]  # certificate type -> issuing CA
    trace: Trace | None = None
    faults: frozenset[str] = frozenset()  # C.6 profile deviations (simulators/faults_profile.py)
    base_url: str = ""  # its own https://127.0.0.1:port, for the CRL and caIssuers URLs it writes
    records: dict[int, IssuedRecord] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(
        self,
        csr: x509.CertificateSigningRequest,
        cert_type: str,
        subject_id: str,
        days: int,
        san: list[str] | None = None,
        seconds: float | None = None,
    ) -> IssuedRecord:
        ca = self.issuing[cert_type]
        now = datetime.now(timezone.utc)
        if "ca-validity-5y" in self.faults:
            days, seconds = 5 * 365, None
        builder = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(ca.cert.subject)
            .public_key(csr.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - (timedelta(seconds=1) if seconds else timedelta(minutes=1)))
            # X.509 times have whole seconds: a short-lived certificate's notAfter is rounded up, not truncated
            .not_valid_after(now + (timedelta(seconds=seconds + 1 - now.microsecond / 1e6) if seconds
                                    else timedelta(days=days)))
            .add_extension(x509.BasicConstraints(ca="ca-ee-ca-extensions" in self.faults, path_length=None),
                           critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, "ca-ee-ca-extensions" in self.faults,
                                         False, False, False), critical="ca-ku-noncritical" not in self.faults)
        )
        builder = self._not_end_entity(builder, cert_type)
        builder = self._profile_extensions(builder, ca, csr, cert_type)
        if san:
            names = x509.SubjectAlternativeName(san_general_names(san))
            builder = builder.add_extension(names, critical=not csr.subject.rdns)
        elif san is None:  # an empty list: no subjectAltName at all
            try:
                requested = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
                builder = builder.add_extension(requested.value, critical=not csr.subject.rdns)
            except x509.ExtensionNotFound:
                pass
        cert = builder.sign(ca.key, hashes.SHA256())
        record = IssuedRecord(cert, cert_type, subject_id)
        with self._lock:
            self.records[cert.serial_number] = record
        return record

    def _not_end_entity(self, builder: x509.CertificateBuilder, cert_type: str) -> x509.CertificateBuilder:
        """Faults: extensions that do not belong in an end-entity certificate (RFC 5280 4.2.1.10, 5.2.5)."""
        label = URL_LABEL.get(cert_type, cert_type)
        if "ca-ee-idp" in self.faults:  # a CRL extension
            point = x509.UniformResourceIdentifier(f"{self.base_url}/ca1/v1/crl/{label}")
            builder = builder.add_extension(x509.IssuingDistributionPoint(
                [point], None, False, False, None, False, False), critical=False)
        if "ca-ee-ca-extensions" in self.faults:
            builder = builder.add_extension(x509.NameConstraints([x509.DNSName("nfvct.test")], None), critical=True)
        return builder

    def _profile_extensions(self, builder: x509.CertificateBuilder, ca: Issued, csr: x509.CertificateSigningRequest,
                            cert_type: str) -> x509.CertificateBuilder:
        """EKU, key identifiers, CRL distribution point and AIA as IFA026 table C.6-1 has them."""
        usages = [ExtendedKeyUsageOID.SERVER_AUTH]
        if "ca-eku-server-only" not in self.faults:
            usages.append(ExtendedKeyUsageOID.CLIENT_AUTH)
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        ski = x509.SubjectKeyIdentifier.from_public_key(csr.public_key())
        if "ca-ski-random" in self.faults:
            ski = x509.SubjectKeyIdentifier(os.urandom(20))
        builder = builder.add_extension(ski, critical=False)
        aki_key = new_key().public_key() if "ca-wrong-aki" in self.faults else ca.key.public_key()
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_key), critical=False)
        label = URL_LABEL.get(cert_type, cert_type)
        if "ca-no-crldp" not in self.faults:
            point = x509.DistributionPoint([x509.UniformResourceIdentifier(f"{self.base_url}/ca1/v1/crl/{label}")],
                                           None, None, None)
            builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
        if "ca-no-aia" not in self.faults:
            builder = builder.add_extension(x509.AuthorityInformationAccess([
                x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                       x509.UniformResourceIdentifier(f"{self.base_url}/ca1/v1/issuers/{label}")),
                x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                       x509.UniformResourceIdentifier(f"{self.base_url}/ca1/v1/ocsp")),
            ]), critical=False)
        return builder

    def crl(self, cert_type: str) -> x509.CertificateRevocationList:
        """The issuing CA's current CRL (served at the cRLDistributionPoint URL)."""
        ca = self.issuing[cert_type]
        now = datetime.now(timezone.utc)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject).last_update(now)
                   .next_update(now + timedelta(hours=1)))
        with self._lock:
            revoked = [r for r in self.records.values() if r.revoked_at is not None and r.cert_type == cert_type]
        for record in revoked:
            assert record.revoked_at is not None
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(record.cert.serial_number)
                .revocation_date(record.revoked_at).build())
        return builder.sign(ca.key, hashes.SHA256())

    async def _get_crl(self, request: Request) -> Response:
        cert_type = TYPE_OF_LABEL.get(request.path_params["label"])
        if cert_type not in self.issuing:
            return JSONResponse({"status": 404, "detail": "no such CRL"}, status_code=404)
        der = self.crl(cert_type).public_bytes(serialization.Encoding.DER)
        return Response(der, media_type="application/pkix-crl")

    async def _get_issuer(self, request: Request) -> Response:
        cert_type = TYPE_OF_LABEL.get(request.path_params["label"])
        if cert_type not in self.issuing:
            return JSONResponse({"status": 404, "detail": "no such CA"}, status_code=404)
        der = self.issuing[cert_type].cert.public_bytes(serialization.Encoding.DER)
        return Response(der, media_type="application/pkix-cert")

    def chain_for(self, cert_type: str) -> tuple[x509.Certificate, ...]:
        ca = self.issuing[cert_type]
        return (ca.cert, *ca.chain)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/ca1/v1/certificates", self._post_certificate, methods=["POST"]),
                Route("/ca1/v1/certificates/{serial}", self._get_certificate, methods=["GET"]),
                Route("/ca1/v1/revocations", self._post_revocation, methods=["POST"]),
                Route("/ca1/v1/crl/{label}", self._get_crl, methods=["GET"]),
                Route("/ca1/v1/issuers/{label}", self._get_issuer, methods=["GET"]),
            ]
        )

    def _trace(self, request: Request, body: bytes, response: JSONResponse) -> None:
        if self.trace is None:
            return
        self.trace.record(
            "CMF", "CA", "http-request", f"{request.method} {request.url.path}",
            channel=BINDING, headers={"content-type": request.headers.get("content-type", "")},
            body_text=body.decode("utf-8", "replace"),
        )
        self.trace.record(
            "CA", "CMF", "http-response", f"{response.status_code}",
            channel=BINDING, headers={"content-type": "application/json"},
            body_text=bytes(response.body).decode("utf-8", "replace"),
        )

    async def _post_certificate(self, request: Request) -> JSONResponse:
        body = await request.body()
        response = self._issue_response(body)
        self._trace(request, body, response)
        return response

    def _issue_response(self, body: bytes) -> JSONResponse:
        try:
            data = json.loads(body)
            csr = x509.load_pem_x509_csr(data["csr"].encode())
            cert_type = str(data["certType"])
            days = int(data.get("validityDays", 90))
            seconds = float(data["validitySeconds"]) if data.get("validitySeconds") is not None else None
            san = data.get("subjectAltName")
            if san is not None and not (isinstance(san, list) and all(isinstance(v, str) for v in san)):
                raise ValueError("subjectAltName must be an array of strings")
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"status": 400, "detail": f"bad CA-1 request: {exc}"}, status_code=400)
        if cert_type not in self.issuing:
            return JSONResponse({"status": 400, "detail": f"no issuing CA for {cert_type}"}, status_code=400)
        if not csr.is_signature_valid:
            return JSONResponse({"status": 400, "detail": "CSR signature invalid"}, status_code=400)
        record = self.issue(csr, cert_type, str(data.get("subjectId", "")), days, san, seconds)
        pem = serialization.Encoding.PEM
        return JSONResponse(
            {
                "serialNumber": format(record.cert.serial_number, "x"),
                "certificate": record.cert.public_bytes(pem).decode(),
                "chain": [c.public_bytes(pem).decode() for c in self.chain_for(cert_type)],
            },
            status_code=201,
        )

    async def _get_certificate(self, request: Request) -> JSONResponse:
        try:
            serial = int(request.path_params["serial"], 16)
        except ValueError:
            return JSONResponse({"status": 400, "detail": "serial must be hex"}, status_code=400)
        record = self.records.get(serial)
        if record is None:
            return JSONResponse({"status": 404, "detail": "unknown certificate"}, status_code=404)
        status = "revoked" if record.revoked_at else "good"
        return JSONResponse({"serialNumber": format(serial, "x"), "status": status, "certType": record.cert_type})

    async def _post_revocation(self, request: Request) -> JSONResponse:
        body = await request.body()
        try:
            data = json.loads(body)
            serial = int(data["serialNumber"], 16)
        except (ValueError, KeyError, TypeError) as exc:
            response = JSONResponse({"status": 400, "detail": f"bad CA-1 request: {exc}"}, status_code=400)
        else:
            response = self._revoke(serial, data.get("reason"))
        self._trace(request, body, response)
        return response

    def revoke(self, serial: int, reason: object) -> str:
        """Revoke a certificate this CA issued: "revoked", "unknown" or "already revoked"."""
        with self._lock:
            record = self.records.get(serial)
            if record is None:
                return "unknown"
            if record.revoked_at is not None:
                return "already revoked"
            record.revoked_at = datetime.now(timezone.utc)
            record.reason = reason if isinstance(reason, int) else None
        return "revoked"

    def _revoke(self, serial: int, reason: object) -> JSONResponse:
        outcome = self.revoke(serial, reason)
        if outcome == "unknown":
            return JSONResponse({"status": 404, "detail": "unknown certificate"}, status_code=404)
        if outcome == "already revoked":
            return JSONResponse({"status": 409, "detail": "already revoked"}, status_code=409)
        return JSONResponse({"serialNumber": format(serial, "x"), "status": "revoked"})

    def status(self, serial: int) -> str:
        """"good", "revoked", or "unknown" (not issued by this CA)."""
        record = self.records.get(serial)
        if record is None:
            return "unknown"
        return "revoked" if record.revoked_at is not None else "good"
