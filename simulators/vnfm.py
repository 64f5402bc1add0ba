"""Simulated VNFM: consumer of the CMF's Certificate Management interface (Cm-Vnfm).

It authenticates with its NFV-MANO certificate twice over, as SOL023 implies: mTLS on every
HTTPS connection, and signature-based CMP protection (extraCerts carry the certificate).
Every request and response goes into the run's trace.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from harness.bounds import bounded
from harness.endpoints import guarded
from harness.profile import URL_NAMES, Identity
from harness.trace import Trace, trace_hooks
from wire import cmp
from simulators.pki import new_key
from wire.x509util import san_general_names, subject_from_data

CM_VNFM = "Cm-Vnfm / HTTPS mTLS"
PKIXCMP = "application/pkixcmp"
CERT_TYPE_URN = {"VNFCI_certificate": cmp.CERT_TYPE_VNFC, "VNF_OAM_certificate": cmp.CERT_TYPE_VNFOAM}


class SentRequest:
    """A CMP request the VNFM sent, standing for its cmp.PkiMessageView: the header values the VNFM chose (body_type,
    transaction_id, sender_nonce, recip_nonce, raw) without decoding its own DER; any other field is decoded from
    ``raw`` on first use (once)."""

    def __init__(self, raw: bytes, body_type: str, transaction_id: bytes, sender_nonce: bytes,
                 recip_nonce: bytes | None = None) -> None:
        self.raw, self.body_type, self.transaction_id = raw, body_type, transaction_id
        self.sender_nonce, self.recip_nonce = sender_nonce, recip_nonce

    def __getattr__(self, name: str) -> Any:  # only for the fields not set above
        if name.startswith("__"):
            raise AttributeError(name)
        view = self.__dict__.get("_view")
        if view is None:
            view = self.__dict__["_view"] = cmp.parse_message(self.raw)
        return getattr(view, name)


def fresh_ids() -> tuple[bytes, bytes]:
    """A new transactionID and senderNonce (RFC 9483 3.1: 128 bits of randomness each)."""
    return os.urandom(cmp.NONCE_LENGTH), os.urandom(cmp.NONCE_LENGTH)


@dataclass(frozen=True)
class CmpExchange:
    """One CMP request/response pair as the VNFM saw it."""

    response: httpx.Response
    message: cmp.PkiMessageView | None  # None if the body did not decode
    decode_error: str
    request: SentRequest | cmp.PkiMessageView  # what the VNFM sent (a cmp.PkiMessageView's fields, its own DER not re-parsed)

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(s for s in (self.response.request.extensions.get("nfvct_seq"),
                                 self.response.extensions.get("nfvct_seq")) if s)


def seqs_of(*responses: httpx.Response) -> tuple[int, ...]:
    out: list[int] = []
    for r in responses:
        for s in (r.request.extensions.get("nfvct_seq"), r.extensions.get("nfvct_seq")):
            if s:
                out.append(s)
    return tuple(out)


class VnfmClient:
    def __init__(
        self,
        *,
        name: str,
        identity: Identity | None,
        api_root: str,
        cmp_base: str,
        server_ca: str,
        trace: Trace,
        timeout: float = 10.0,
        single_path: bool = False,
    ) -> None:
        self.name = name
        self.single_path = single_path
        self.api_root = api_root
        self.cmp_base = cmp_base
        context = ssl.create_default_context(cafile=server_ca)
        self.cert: x509.Certificate | None = None
        self.chain: list[x509.Certificate] = []
        self.key: Any = None
        if identity is not None:
            context.load_cert_chain(str(identity.cert), str(identity.key))
            certs = x509.load_pem_x509_certificates(identity.cert.read_bytes())
            self.cert, self.chain = certs[0], certs[1:]
            self.key = serialization.load_pem_private_key(identity.key.read_bytes(), password=None)
        self.http = httpx.Client(
            verify=context,
            timeout=timeout,
            transport=bounded(trace, context),  # per-exchange deadline and body size (harness/bounds.py)
            event_hooks=guarded(trace, trace_hooks(trace, name, "CMF", CM_VNFM)),  # fail-fast on a dead endpoint
        )

    def close(self) -> None:
        self.http.close()

    # REST (SOL023 5.6) ----------------------------------------------------------------
    def request(self, method: str, path_or_url: str, **kwargs: Any) -> httpx.Response:
        url = path_or_url if path_or_url.startswith("http") else self.api_root + path_or_url
        return self.http.request(method, url, **kwargs)

    def register(self, body: dict[str, Any]) -> httpx.Response:
        return self.request("POST", "/nfv-cert/v1/subjects", json=body)

    # CMP (SOL023 5.2, 5.5, 5.7) ----------------------------------------------------------
    def cmp_url(self, cert_type: str, operation: str) -> str:
        return self.cmp_base + ("/" if self.single_path else f"/{URL_NAMES[cert_type]}/{operation}")

    def _cmp_post(self, cert_type: str, operation: str, der: bytes, sent: SentRequest | None = None) -> CmpExchange:
        url = self.cmp_url(cert_type, operation)
        response = self.http.post(url, content=der, headers={"content-type": PKIXCMP})
        request_view = sent if sent is not None else cmp.parse_message(der)  # a caller's own bytes: decoded
        try:
            return CmpExchange(response, cmp.parse_message(response.content), "", request_view)
        except cmp.CmpDecodeError as exc:
            return CmpExchange(response, None, str(exc), request_view)

    def _protection(self) -> dict[str, Any]:
        if self.cert is None:
            raise RuntimeError(f"{self.name} has no NFV-MANO certificate for CMP protection")
        return {"signer_key": self.key, "signer_cert": self.cert, "extra_certs": tuple(self.chain[:-1])}

    def _recipient(self) -> x509.Name:
        return x509.Name([])

    def p10cr(
        self,
        cert_type: str,
        csr: x509.CertificateSigningRequest | bytes,
        *,
        vnfci_id: str | None,
        chain_request: bool,
        implicit_confirm: bool = True,
    ) -> CmpExchange:
        csr_der = csr if isinstance(csr, bytes) else csr.public_bytes(serialization.Encoding.DER)
        general_info = [
            (cmp.CERT_TYPE, CERT_TYPE_URN[cert_type]),
            (cmp.HANDLING, cmp.HANDLING_DELEGATION),
            (cmp.CERT_CHAIN_REQUEST, "true" if chain_request else "false"),
        ]
        if vnfci_id is not None:
            general_info.append((cmp.VNFCI_ID, vnfci_id))
        tid, nonce = fresh_ids()
        der = cmp.build_p10cr(
            csr_der=csr_der,
            sender=self.cert.subject if self.cert else x509.Name([]),
            recipient=self._recipient(),
            general_info=general_info,
            implicit_confirm=implicit_confirm,
            transaction_id=tid,
            sender_nonce=nonce,
            **self._protection(),
        )
        return self._cmp_post(cert_type, "pkcs10", der, SentRequest(der, "p10cr", tid, nonce))

    def poll(self, cert_type: str, previous: CmpExchange) -> CmpExchange:
        assert previous.message is not None
        tid, nonce = previous.request.transaction_id, fresh_ids()[1]
        der = cmp.build_poll_req(
            cert_req_id=0,
            transaction_id=tid,
            recip_nonce=previous.message.sender_nonce,
            sender_nonce=nonce,
            sender=self.cert.subject if self.cert else x509.Name([]),
            recipient=self._recipient(),
            **self._protection(),
        )
        return self._cmp_post(cert_type, "pkcs10", der,
                              SentRequest(der, "pollReq", tid, nonce, previous.message.sender_nonce))

    def post_raw(self, cert_type: str, operation: str, der: bytes) -> tuple[httpx.Response, Any]:
        """POST arbitrary bytes as application/pkixcmp: (response, decoded reply or None)."""
        response = self.http.post(self.cmp_url(cert_type, operation), content=der, headers={"content-type": PKIXCMP})
        try:
            return response, cmp.parse_message(response.content)
        except cmp.CmpDecodeError:
            return response, None

    def header_kwargs(self) -> dict[str, Any]:
        """Sender, recipient and signature protection for building a request by hand."""
        return {"sender": self.cert.subject if self.cert else x509.Name([]), "recipient": self._recipient(),
                **self._protection()}

    def cert_conf(self, cert_type: str, previous: CmpExchange, cert: x509.Certificate) -> CmpExchange:
        """certConf for a certificate received without implicit confirmation."""
        assert previous.message is not None
        tid, nonce = previous.request.transaction_id, fresh_ids()[1]
        der = cmp.build_cert_conf(
            cert=cert,
            cert_req_id=previous.message.responses[0].cert_req_id if previous.message.responses else 0,
            transaction_id=tid,
            recip_nonce=previous.message.sender_nonce,
            sender_nonce=nonce,
            sender=self.cert.subject if self.cert else x509.Name([]),
            recipient=self._recipient(),
            **self._protection(),
        )
        return self._cmp_post(cert_type, "pkcs10", der,
                              SentRequest(der, "certConf", tid, nonce, previous.message.sender_nonce))

    def rr(self, cert_type: str, cert: x509.Certificate) -> CmpExchange:
        tid, nonce = fresh_ids()
        der = cmp.build_rr(
            serial=cert.serial_number,
            issuer=cert.issuer,
            reason=0,  # unspecified; RFC 9483 4.2 wants a reasonCode
            transaction_id=tid,
            sender_nonce=nonce,
            sender=self.cert.subject if self.cert else x509.Name([]),
            recipient=self._recipient(),
            **self._protection(),
        )
        return self._cmp_post(cert_type, "revocation", der, SentRequest(der, "rr", tid, nonce))


def make_csr(
    subject_name: dict[str, str] | None,
    sans: list[str],
    *,
    break_pop: bool = False,
    key: Any = None,
) -> tuple[x509.CertificateSigningRequest, bytes]:
    """A VNFCI key pair and PKCS#10 request (the consumer generates both, C.2.2.2 step 0).

    With ``break_pop`` the self-signature is made invalid (last signature octet flipped),
    the "CSR that fails validation" branch of C.2.2.2 step 2. Returns (parsed CSR, DER).
    """
    key = key or new_key()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject_from_data(subject_name))
        .add_extension(x509.SubjectAlternativeName(san_general_names(sans)), critical=not subject_name)
        .sign(key, hashes.SHA256())
    )
    der = csr.public_bytes(serialization.Encoding.DER)
    if break_pop:
        der = der[:-1] + bytes([der[-1] ^ 0x01])
    return x509.load_der_x509_csr(der), der
