"""CMP over HTTP (RFC 6712 / RFC 9483) of the reference CMF, profiled by SOL023 5.2-5.5 and 5.7.

``{cmp_base}/{name}/pkcs10``: p10cr -> cp (201, or 202 "waiting" then pollReq/pollRep and a
final cp with 200), certConf -> pkiConf. ``{cmp_base}/{name}/revocation``: rr -> rp (200).
The numbered comments are the steps of IFA026 table C.2.2.2.6-1.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wire import cmp, sol013
from wire.cmp.header import subject_key_id
from wire.credentials import Issued, load_issued, new_key
from reference.cmf import attestation
from reference.cmf.ca_client import CaClient, CaError, CaIssued
from reference.cmf.config import URL_NAME, RefCmfConfig
from reference.cmf.notifier import Notifier
from reference.cmf.store import CertRow, Store
from wire.x509util import PathError, build_path, san_strings, subject_matches

PKIXCMP = "application/pkixcmp"
# senderNonce of the response being built, per request (contextvars: one per asyncio task, so per request)
_SENT_NONCE: contextvars.ContextVar[bytes | None] = contextvars.ContextVar("refcmf_sent_nonce", default=None)
SEEN_NONCES = 100_000
MESSAGE_TIME_TOLERANCE = timedelta(hours=1)  # local policy for messageTime (RFC 9810 5.2.3 badTime)
SUPPORTED_PVNO = (cmp.PVNO_CMP2000, cmp.PVNO_CMP2021)
_PEM = Encoding.PEM
_DER = Encoding.DER
CERT_TYPE_URN = {"VNFCI_certificate": cmp.CERT_TYPE_VNFC, "VNF_OAM_certificate": cmp.CERT_TYPE_VNFOAM}


class Reject(Exception):
    """A CMP rejection: PKIStatus rejection with failInfo and a statusString."""

    def __init__(self, fail_info: str, text: str) -> None:
        super().__init__(text)
        self.fail_info = fail_info
        self.text = text


@dataclass(frozen=True)
class CsrRequest:
    owner: str
    cert_type: str
    vnfci_id: str
    subject_resource: str
    csr_pem: str
    chain_requested: bool
    sans: list[str]
    implicit_confirm: bool = False  # asked for in the p10cr (a later pollReq does not repeat it)


class CmpService:
    def __init__(self, config: RefCmfConfig, store: Store, ca: CaClient, notifier: Notifier | None = None) -> None:
        self.config = config
        self.notifier = notifier
        self.store = store
        self.ca = ca
        if config.has("ca-pool-closed-after-idle"):
            ca.fault_keeps_closed_pool = True
        self._wrong_key = new_key()  # for the bad-response-protection fault
        self._fault_signer = self._load_fault_signer()  # for the protection-cert-no-digitalsignature/-expired faults
        self._seen_nonces: dict[bytes, None] = {}  # insertion-ordered, bounded: replay detection
        self._last_nonce: dict[bytes, bytes] = {}  # transactionID -> senderNonce of our last response
        self._issued: dict[bytes, bytes] = {}  # transactionID -> DER of the certificate awaiting certConf
        self._paths: dict[tuple[x509.Certificate, ...], tuple[datetime, datetime]] = {}  # path -> validity window

    def routes(self) -> list[Route]:
        base = self.config.cmp_base
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        return [
            Route(f"{base}/{{name}}/pkcs10", self.pkcs10, methods=methods),
            Route(f"{base}/{{name}}/revocation", self.revocation, methods=methods),
        ]

    # transport --------------------------------------------------------------------------
    async def _receive(self, request: Request) -> tuple[str, cmp.PkiMessageView] | Response:
        if request.method != "POST":
            return sol013.to_response(sol013.method_not_allowed("CMP endpoints accept POST only", ["POST"]))
        cert_type = URL_NAME.get(request.path_params["name"])
        if cert_type is None:
            return sol013.to_response(sol013.not_found(f"unknown certificate type {request.path_params['name']}"))
        try:
            return cert_type, cmp.parse_message(await request.body())
        except cmp.CmpDecodeError as exc:
            if self.config.has("malformed-500"):
                return Response(b"internal error", status_code=500)
            bit = "badRequest" if self.config.has("failinfo-badrequest-everywhere") else "badDataFormat"
            return self._send(cmp.build_error(request=None, fail_info=(bit,),
                                              status_string=f"undecodable PKIMessage: {exc}",
                                              **self._signer()), 400)

    def _load_fault_signer(self) -> Issued | None:
        """A second protection identity `nfvct init` writes beside the CMF's own, loaded only when a fault needs
        it: keyUsage without digitalSignature (cmf-cmp-nods), or expired yesterday (cmf-cmp-expired)."""
        for fault, stem in (("protection-cert-no-digitalsignature", "cmf-cmp-nods"),
                            ("protection-cert-expired", "cmf-cmp-expired")):
            if not self.config.has(fault):
                continue
            where = self.config.tls_cert.with_name(f"{stem}.crt") if self.config.tls_cert else None
            if where is None or not where.is_file():
                raise ValueError(f"fault {fault} needs {where or stem + '.crt'}: make the environment anew with "
                                 "`nfvct init`")
            return load_issued(where, where.with_suffix(".key"))
        return None

    def _signer(self) -> dict[str, Any]:
        """Protection and header arguments for every response builder (header faults applied here)."""
        signer = self._fault_signer or self.config.signer
        kwargs: dict[str, Any] = {"signer_key": signer.key, "signer_cert": signer.cert,
                                  "extra_certs": signer.chain[:-1]}
        if self.config.has("bad-response-protection"):
            kwargs["signer_key"] = self._wrong_key
        if self.config.has("unprotected-responses"):
            kwargs["signer_key"] = None
        if self.config.has("pvno-3"):
            kwargs["pvno"] = 3
        if self.config.has("new-transaction-id"):
            kwargs["transaction_id"] = os.urandom(16)
        if self.config.has("no-nonce-echo"):
            kwargs["recip_nonce"] = os.urandom(16)
        if self.config.has("stale-sender-nonce"):
            kwargs["sender_nonce"] = b"\x5a" * 16
        kwargs.setdefault("sender_nonce", os.urandom(cmp.NONCE_LENGTH))  # chosen here: _send knows it unparsed
        _SENT_NONCE.set(kwargs["sender_nonce"])
        return kwargs

    def _send(self, der: bytes, status: int, request: cmp.PkiMessageView | None = None) -> Response:
        """Send a response and remember its senderNonce under the request's transactionID: the next
        message of the transaction must echo it. The nonce is the one the last ``_signer()`` of this request
        chose (every response is built with it, just before it is sent), else read from the message."""
        nonce = _SENT_NONCE.get()
        _SENT_NONCE.set(None)
        txid = request.transaction_id if request is not None else None
        if txid and nonce is None:
            nonce = cmp.parse_message(der).sender_nonce
        if txid and nonce:
            self._last_nonce[txid] = nonce
            while len(self._last_nonce) > SEEN_NONCES:
                self._last_nonce.pop(next(iter(self._last_nonce)))
        return Response(der, status_code=status, media_type=PKIXCMP)

    def _check_recip_nonce(self, view: cmp.PkiMessageView) -> None:
        expected = self._last_nonce.get(view.transaction_id or b"")
        if expected is None or view.recip_nonce != expected:
            raise Reject("badRecipientNonce", "recipNonce is not the senderNonce of this transaction's last response")

    def _fail_info(self, reject: Reject) -> tuple[str, ...]:
        if self.config.has("failinfo-badrequest-everywhere") and reject.fail_info in ("badDataFormat",
                                                                                       "badSenderNonce"):
            return ("badRequest",)
        return ("badRequest",) if self.config.has("generic-failinfo") else (reject.fail_info,)

    def _cert_req_id(self) -> int:
        """certReqId of a CertResponse to a p10cr: 0 (SOL023 table 5.5.3.2-1), -1 (RFC 9483 4.1.4) under the fault."""
        return -1 if self.config.has("cert-req-id-rfc9483") else 0

    def _error(self, view: cmp.PkiMessageView, reject: Reject) -> Response:
        signer = self._signer()
        request: cmp.PkiMessageView | None = view
        if self.config.has("certconf-error-unechoed") and view.body_type == "certConf":
            request = None  # the fault: a refused certConf answered as if it could not be read (fresh IDs)
        if (self.config.has("csr-error-unprotected") and view.body_type == "p10cr"
                and reject.fail_info in ("badAlg", "badDataFormat")):
            signer = {**signer, "signer_key": None}  # the fault: a CSR it cannot use is refused unprotected
        return self._send(cmp.build_error(request=request, fail_info=self._fail_info(reject),
                                          status_string=reject.text, **signer), 200, view)

    def _check_header(self, view: cmp.PkiMessageView) -> None:
        """RFC 9483 3.1 header rules a receiver can enforce: pvno, 128-bit IDs, our name or NULL-DN,
        messageTime within local policy, no replay."""
        if view.pvno not in SUPPORTED_PVNO and not self.config.has("accept-any-pvno"):
            raise Reject("unsupportedVersion", f"pvno {view.pvno} is not supported (2 or 3)")
        if view.message_time is not None:
            skew = abs(datetime.now(timezone.utc) - view.message_time.astimezone(timezone.utc))
            if skew > MESSAGE_TIME_TOLERANCE:
                bit = "badRequest" if self.config.has("messagetime-wrong-failinfo") else "badTime"
                raise Reject(bit, f"messageTime is {skew} off the local time (tolerance {MESSAGE_TIME_TOLERANCE})")
        # failInfo as RFC 9810 5.2.3 names it: a bad senderNonce is badSenderNonce, a malformed ID badDataFormat
        for label, value, bit in (("transactionID", view.transaction_id, "badDataFormat"),
                                  ("senderNonce", view.sender_nonce, "badSenderNonce")):
            if value is None or len(value) != 16:
                raise Reject(bit, f"{label} must be 128 bits, got {len(value or b'') * 8}")
        if view.recipient is not None and view.recipient.rdns and view.recipient != self.config.signer.cert.subject:
            raise Reject("wrongAuthority", f"recipient '{view.recipient.rfc4514_string()}' is not this CMF")
        if view.sender_nonce in self._seen_nonces:
            raise Reject("badSenderNonce", "senderNonce already used (replayed message?)")
        self._seen_nonces[view.sender_nonce] = None
        while len(self._seen_nonces) > SEEN_NONCES:
            self._seen_nonces.pop(next(iter(self._seen_nonces)))

    def _check_path(self, signer: x509.Certificate, candidates: tuple[x509.Certificate, ...]) -> None:
        """build_path to the client trust anchors, remembered per (signer, extraCerts, anchors) while the time is
        within every path certificate's validity: only build_path's validity check depends on the time, so the
        answer is the one it would give. A refusal is never remembered."""
        key = (signer, *candidates, *self.config.client_trust)  # certificates hash and compare by their DER
        now = datetime.now(timezone.utc)
        window = self._paths.get(key)
        if window is not None and window[0] <= now <= window[1]:
            return
        path = build_path(signer, candidates, self.config.client_trust, at=now)
        self._paths[key] = (max(c.not_valid_before_utc for c in path), min(c.not_valid_after_utc for c in path))
        while len(self._paths) > 1024:
            self._paths.pop(next(iter(self._paths)))

    def _authenticate(self, view: cmp.PkiMessageView) -> str:
        """The requester's identity from signature-based protection by an NFV-MANO certificate."""
        if view.protection is None:
            raise Reject("badMessageCheck", "unprotected messages are not accepted")
        signer = cmp.protection_signer(view)
        if signer is None:
            raise Reject("badMessageCheck", "protection does not verify with any certificate in extraCerts")
        try:
            self._check_path(signer, view.extra_certs)
        except PathError as exc:
            raise Reject("signerNotTrusted", f"protection certificate not trusted: {exc}") from exc
        # after path validation: a trusted certificate parses (an untrusted one may not)
        if view.sender != signer.subject and not self.config.has("skip-sender-check"):
            raise Reject("badMessageCheck", "sender is not the subject of the CMP protection certificate")
        ski = subject_key_id(signer)
        if ski is not None and view.sender_kid != ski and not self.config.has("skip-senderkid-check"):
            raise Reject("badMessageCheck", "senderKID is not the SubjectKeyIdentifier of the protection certificate")
        self._check_header(view)  # after authentication: unauthenticated junk cannot fill the nonce cache
        return signer.subject.rfc4514_string()

    # pkcs10: p10cr, pollReq, certConf ---------------------------------------------------
    async def pkcs10(self, request: Request) -> Response:
        received = await self._receive(request)
        if isinstance(received, Response):
            return received
        cert_type, view = received
        try:
            owner = self._authenticate(view)
            if view.body_type == "p10cr":
                return await self._p10cr(view, owner, cert_type)
            if view.body_type == "pollReq":
                return await self._poll(view, owner)
            if view.body_type == "certConf":
                return self._cert_conf(view, owner)
            if self.config.has("unsupported-body-pkiconf"):
                return self._send(cmp.build_pki_conf(request=view, **self._signer()), 200, view)
            raise Reject("badRequest", f"body type {view.body_type} is not supported on pkcs10")
        except Reject as reject:
            return self._error(view, reject)

    def _first_message(self, view: cmp.PkiMessageView) -> None:
        """RFC 9483 3.1: recipNonce is absent in the first message of a PKI management operation."""
        if view.recip_nonce is not None and not self.config.has("accept-first-recipnonce"):
            raise Reject("badRecipientNonce", "recipNonce present in the first message of a transaction")

    def _check_cert_status(self, view: cmp.PkiMessageView) -> None:
        """RFC 9483 4.1.1 certConf content: one CertStatus, our certReqId, no failInfo with "accepted",
        certHash over the delivered certificate with its signature's hash (or hashAlg)."""
        if self.config.has("certconf-content-unchecked"):
            return
        if len(view.cert_confirms) != 1:
            raise Reject("badRequest", f"certConf must hold exactly one CertStatus, got {len(view.cert_confirms)}")
        status = view.cert_confirms[0]
        if status.cert_req_id != self._cert_req_id():  # the certReqId of our cp (SOL023 table 5.5.3.2-1)
            raise Reject("badRequest", f"certReqId {status.cert_req_id} matches no CertResponse of this transaction")
        if status.status is not None and status.status.status == 0 and status.status.fail_info:
            raise Reject("badRequest", "failInfo present although the status is accepted")
        der = self._issued.get(view.transaction_id or b"")
        if der is not None:
            cert = x509.load_der_x509_certificate(der)
            try:
                expected = cmp.cert_hash(cert, status.hash_alg)
            except ValueError as exc:
                raise Reject("badAlg", f"certConf hashAlg not supported: {exc}") from exc
            if status.cert_hash != expected:
                raise Reject("badRequest", "certHash does not match the delivered certificate")

    def _cert_conf(self, view: cmp.PkiMessageView, owner: str) -> Response:
        if self.config.has("certconf-error"):
            raise Reject("systemFailure", "certConf processing failed")
        txn = self.store.transaction(view.transaction_id or b"")
        if txn is None or txn[0] != owner or txn[1] != "awaiting-confirmation":
            raise Reject("badRequest", "certConf outside a transaction awaiting confirmation")
        self._check_recip_nonce(view)
        self._check_cert_status(view)
        self._issued.pop(view.transaction_id or b"", None)
        self.store.put_transaction(view.transaction_id or b"", owner, "confirmed", 0, txn[3])
        return self._send(cmp.build_pki_conf(request=view, **self._signer()), 200, view)

    async def _p10cr(self, view: cmp.PkiMessageView, owner: str, cert_type: str) -> Response:
        self._first_message(view)
        info = dict(view.general_info)
        announced = info.get(cmp.CERT_TYPE)
        if announced is not None and announced != CERT_TYPE_URN[cert_type]:
            raise Reject("badRequest", f"generalInfo {cmp.CERT_TYPE}={announced} does not match the URI")
        handling = info.get(cmp.HANDLING)
        if handling is not None and handling != cmp.HANDLING_DELEGATION:
            raise Reject("badRequest", f"only {cmp.HANDLING_DELEGATION} is supported")
        if self.store.transaction(view.transaction_id or b"") is not None:
            raise Reject("transactionIdInUse", "a transaction with this transactionID exists already")
        try:
            csr = x509.load_der_x509_csr(view.csr_der or b"")
            csr.public_key()
            csr.signature_hash_algorithm  # noqa: B018  (an unknown signature algorithm raises here)
            valid_pop = csr.is_signature_valid
        except UnsupportedAlgorithm as exc:  # RFC 9810 5.2.3 badAlg: unrecognized or unsupported algorithm
            bit = "badDataFormat" if self.config.has("failinfo-baddataformat-for-alg") else "badAlg"
            raise Reject(bit, f"the CSR's key or signature algorithm is not supported: {exc}") from exc
        except ValueError as exc:
            raise Reject("badDataFormat", f"p10cr does not hold a usable PKCS#10 request: {exc}") from exc
        req = self._validate(view, owner, cert_type, csr, info, valid_pop)
        if cert_type in self.config.deferred_types:
            self.store.put_transaction(view.transaction_id or b"", owner, "pending",
                                       self.config.polls_before_ready, req.__dict__)
            waiting = cmp.build_cp(request=view, status=3, cert=None, status_string="issuance pending",
                                   cert_req_id=self._cert_req_id(),
                                   **self._signer())
            return self._send(waiting, 200 if self.config.has("waiting-200") else 202, view)
        return await self._issue_and_reply(view, req, 200 if self.config.has("csr-200") else 201)

    def _validate(
        self, view: cmp.PkiMessageView, owner: str, cert_type: str, csr: x509.CertificateSigningRequest,
        info: dict[str, Any], valid_pop: bool,
    ) -> CsrRequest:
        vnfci_id = info.get(cmp.VNFCI_ID)
        registered = self.store.vnfci_owner(vnfci_id, cert_type) if vnfci_id else self._find_by_csr(csr, cert_type)
        # step 1: is the consumer the registered delegate for this VNFCI?
        if registered is None:
            raise Reject("notAuthorized", f"no {cert_type} subject registered for this request")
        delegate, subject_resource = registered
        if delegate != owner and not self.config.has("skip-delegate-check"):
            raise Reject("notAuthorized", "the requester is not the registered delegate of this VNFCI")
        vnfci_id = vnfci_id or self._vnfci_of(subject_resource, csr)
        # step 2: validate the CSR
        if not valid_pop and not self.config.has("accept-bad-pop"):
            raise Reject("badPOP", "the CSR's self-signature does not verify")
        data = self._certificate_data(subject_resource, vnfci_id, csr)
        if data is None and not self.config.has("skip-csr-subject-check"):
            raise Reject("badCertTemplate", "CSR subject/subjectAltName do not match the registered certificateData")
        if why := attestation.refusal(self._entries(subject_resource), vnfci_id, csr, self.config.has):  # CertLcm.011
            raise Reject(attestation.FAIL_INFO, why)
        sans = san_strings(csr)
        if self.config.has("drop-csr-san"):
            sans = []  # CA-1: an empty subjectAltName list replaces the CSR's with none
        if self.config.has("wrong-subject"):
            sans = [*sans, "cmf-added.invalid"]
        return CsrRequest(owner, cert_type, vnfci_id or "", subject_resource,
                          csr.public_bytes(_PEM).decode(), info.get(cmp.CERT_CHAIN_REQUEST) == "true", sans,
                          view.implicit_confirm)

    def _entries(self, subject_resource: str) -> list[dict[str, Any]]:
        row = self.store.subject(subject_resource)
        return row.entries if row else []

    def _certificate_data(self, subject_resource: str, vnfci_id: str | None, csr: x509.CertificateSigningRequest) -> dict[str, Any] | None:
        for entry in self._entries(subject_resource):
            if vnfci_id and entry.get("subjectId") != vnfci_id:
                continue
            for data in entry.get("certificateData", []):
                registered, asked = set(data.get("subjectAlternateName", [])), set(san_strings(csr))
                sans_ok = registered <= asked if self.config.has("csr-san-superset") else registered == asked
                dn_ok = self.config.has("csr-ignores-subject-dn") or subject_matches(csr.subject, data.get("subjectName"))
                if sans_ok and dn_ok:
                    return data
        return None

    def _find_by_csr(self, csr: x509.CertificateSigningRequest, cert_type: str) -> tuple[str, str] | None:
        """Without the vnfci-id binding (e.g. a plain OpenSSL client): find the subject by SAN."""
        for row in self.store.subjects():
            if row.cert_type == cert_type and self._certificate_data(row.id, None, csr) is not None:
                return row.owner, row.id
        return None

    def _vnfci_of(self, subject_resource: str, csr: x509.CertificateSigningRequest) -> str:
        for entry in self._entries(subject_resource):
            if self._certificate_data(subject_resource, entry.get("subjectId"), csr) is not None:
                return str(entry.get("subjectId"))
        return ""

    async def _issue(self, req: CsrRequest) -> CaIssued:
        csr = x509.load_pem_x509_csr(req.csr_pem.encode())
        if self.config.has("cmf-signs-itself"):
            return self._self_sign(csr)
        if self.config.has("wrong-public-key"):
            key = new_key()
            csr = x509.CertificateSigningRequestBuilder().subject_name(csr.subject).add_extension(
                csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value, critical=False
            ).sign(key, hashes.SHA256())
        cert_type = req.cert_type
        if self.config.has("wrong-ca-selection"):
            cert_type = "VNFCI_certificate"
        # steps 3-5: CMF -> CA, the CA issues, CA -> CMF
        try:
            domain = self.config.short_lived_san_domain
            short = bool(domain) and bool(req.sans) and all(s == domain or s.endswith("." + domain) for s in req.sans)
            if self.config.has("short-lived-profile-ignored"):
                short = False
            elif self.config.has("ordinary-cert-short-lived"):
                short = bool(domain)
            return await self.ca.issue(csr.public_bytes(_PEM).decode(), cert_type, req.vnfci_id,
                                       self.config.validity_days, req.sans,
                                       seconds=self.config.short_lived_seconds if short else None)
        except CaError as exc:
            raise Reject("systemUnavail", str(exc)) from exc

    def _self_sign(self, csr: x509.CertificateSigningRequest) -> CaIssued:
        signer = self.config.signer
        now = signer.cert.not_valid_before_utc.astimezone(timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(signer.cert.subject)
                .public_key(csr.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(signer.cert.not_valid_after_utc)
                .add_extension(csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value, False)
                .sign(signer.key, hashes.SHA256()))
        return CaIssued(cert, (signer.cert, *signer.chain))

    async def _issue_and_reply(self, view: cmp.PkiMessageView, req: CsrRequest, http_status: int) -> Response:
        issued = await self._issue(req)
        row = CertRow(
            issued.cert.serial_number, issued.cert.issuer.rfc4514_string(), req.subject_resource, req.vnfci_id,
            req.owner, req.cert_type, issued.cert.not_valid_after_utc, False, issued.cert.public_bytes(_DER))
        self.store.add_certificate(row)
        grant = req.implicit_confirm or self.config.has("implicit-confirm-always")
        state = "confirmed" if grant else "awaiting-confirmation"
        self.store.put_transaction(view.transaction_id or b"", req.owner, state, 0, req.__dict__)
        if not grant:
            self._issued[view.transaction_id or b""] = issued.cert.public_bytes(_DER)
            while len(self._issued) > SEEN_NONCES:
                self._issued.pop(next(iter(self._issued)))
        send_chain = (req.chain_requested or self.config.has("chain-always")) and not self.config.has("no-chain")
        signer = self._signer()
        extra = tuple(signer.pop("extra_certs"))
        chain = issued.chain if send_chain else ()
        reply = cmp.build_cp(
            request=view, status=0, cert=issued.cert, cert_req_id=self._cert_req_id(),
            fail_info=("badRequest",) if self.config.has("failinfo-on-accept") else (),
            ca_pubs=chain[-1:], extra_certs=extra + chain[:-1],
            implicit_confirm_granted=grant, **signer)
        if self.notifier is not None:
            self.notifier.issued(row, reply)  # queued: the CSR flow does not wait for the delivery (7.3.2 NOTE 1)
        return self._send(reply, http_status, view)

    async def _poll(self, view: cmp.PkiMessageView, owner: str) -> Response:
        txn = self.store.transaction(view.transaction_id or b"")
        if txn is None or txn[0] != owner:
            raise Reject("badRequest", "no pending request with this transactionID")
        _, state, polls_left, data = txn
        if state != "pending":
            raise Reject("badRequest", f"the request is {state}")
        self._check_recip_nonce(view)
        if polls_left < self.config.polls_before_ready and self.config.has("poll-forgets-request"):
            raise Reject("badRequest", "no pending request with this transactionID")
        if polls_left > 0:
            self.store.put_transaction(view.transaction_id or b"", owner, "pending", max(polls_left - 1, 0), data)
            rep = cmp.build_poll_rep(request=view, check_after=self.config.check_after, **self._signer())
            return self._send(rep, 202 if self.config.has("poll-202") else 200, view)
        return await self._issue_and_reply(view, CsrRequest(**data), 200)

    # revocation: rr -> rp ------------------------------------------------------------------------
    async def revocation(self, request: Request) -> Response:
        received = await self._receive(request)
        if isinstance(received, Response):
            return received
        _, view = received
        try:
            owner = self._authenticate(view)
            if view.body_type != "rr":
                raise Reject("badRequest", f"body type {view.body_type} is not supported on revocation")
            self._first_message(view)
            if len(view.rev_details) != 1:
                raise Reject("badRequest", f"exactly one RevDetails expected, got {len(view.rev_details)}")
            detail = view.rev_details[0]
            if detail.serial is None or detail.issuer is None:
                raise Reject("addInfoNotAvailable", "RevDetails must name serialNumber and issuer")
            row = self.store.certificate(detail.serial, detail.issuer.rfc4514_string())
            if row is None:
                raise Reject("badCertId", "no certificate with this serialNumber and issuer")
            if row.owner != owner and not self.config.has("skip-revoke-delegate-check"):
                raise Reject("notAuthorized", "the requester is not the delegate of this certificate's VNFCI")
            if not self.config.has("revoke-no-effect"):
                if row.revoked:
                    raise Reject("certRevoked", "the certificate is already revoked")
                if not self.config.has("cmf-signs-itself"):  # its own certificates: revoked locally
                    try:
                        await self.ca.revoke(row.serial)
                    except CaError as exc:
                        raise Reject("systemUnavail", str(exc)) from exc
                self.store.mark_revoked(row.serial, row.issuer)
                if self.notifier is not None:
                    self.notifier.revoked(row)
        except Reject as reject:
            rp = cmp.build_rp(request=view, status=2, fail_info=self._fail_info(reject),
                              status_string=reject.text, **self._signer())
            return self._send(rp, 200, view)
        rp = cmp.build_rp(request=view, status=0, **self._signer())
        return self._send(rp, 201 if self.config.has("revoke-201") else 200, view)
