"""Client-side (VNFM) request builders: p10cr, rr, pollReq, certConf. Each returns DER bytes.

Common keyword arguments of every builder:

* ``sender`` / ``recipient``: ``x509.Name`` (sent as directoryName, RFC 9483 3.1),
* ``signer_key`` / ``signer_cert``: signature protection key and its certificate (first
  extraCert; its SubjectKeyIdentifier becomes senderKID). ``signer_key=None`` sends the
  message unprotected (for negative tests),
* ``extra_certs``: further certificates after the signer certificate,
* ``general_info``: ``(urn, value)`` pairs bound per :mod:`.infotypes`,
* ``implicit_confirm``: add id-it-implicitConfirm (NULL) to generalInfo,
* ``transaction_id`` / ``sender_nonce`` / ``recip_nonce``: fresh 16 random bytes for the first
  two when not given; ``message_time`` (aware, default now), ``pvno`` (default 2),
  ``info_type_overrides`` (URN -> OID); ``header_omit`` (p10cr, certConf): header fields to
  leave out for negative tests ("messageTime", "senderKID").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import univ
from pyasn1_alt_modules import rfc5280, rfc6402, rfc9810

from .asn1util import cert_hash, cert_hash_alg, fill_status_info, hash_oid, name_to_asn1
from .header import PVNO_CMP2000, PVNO_CMP2021, HeaderFields, SigningKey, finish_message
from .mac import MacAlg, MacProtection, mac_protection

_P10CR_FIELDS = ("certificationRequestInfo", "signatureAlgorithm", "signature")


def _fields(
    *,
    sender: x509.Name,
    recipient: x509.Name,
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    extra_certs: Sequence[x509.Certificate],
    general_info: Sequence[tuple[str, str]],
    implicit_confirm: bool,
    transaction_id: bytes | None,
    sender_nonce: bytes | None,
    recip_nonce: bytes | None,
    message_time: datetime | None,
    pvno: int | None,
    info_type_overrides: Mapping[str, str] | None,
    mac: MacProtection | None = None,
    sender_kid: bytes | None = None,
    default_pvno: int = PVNO_CMP2000,
    omit: Sequence[str] = (),
) -> HeaderFields:
    return HeaderFields(
        sender=sender,
        recipient=recipient,
        signer_key=signer_key,
        signer_cert=signer_cert,
        transaction_id=transaction_id,
        sender_nonce=sender_nonce,
        recip_nonce=recip_nonce,
        general_info=tuple(general_info),
        implicit_confirm=implicit_confirm,
        message_time=message_time,
        pvno=default_pvno if pvno is None else pvno,
        info_type_overrides=info_type_overrides,
        extra_certs=tuple(extra_certs),
        mac=mac,
        sender_kid=sender_kid,
        omit=frozenset(omit),
    )


def build_p10cr(
    *,
    csr_der: bytes,
    sender: x509.Name,
    recipient: x509.Name,
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    extra_certs: Sequence[x509.Certificate] = (),
    general_info: Sequence[tuple[str, str]] = (),
    implicit_confirm: bool = False,
    transaction_id: bytes | None = None,
    sender_nonce: bytes | None = None,
    recip_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
    header_omit: Sequence[str] = (),
) -> bytes:
    """A p10cr (PKCS#10 certification request, RFC 9483 4.1.4) carrying ``csr_der`` as is."""
    csr, rest = der_decode(csr_der, asn1Spec=rfc6402.CertificationRequest())
    if rest:
        raise ValueError(f"{len(rest)} trailing bytes after the CSR")
    body = rfc9810.PKIBody()
    p10cr = body["p10cr"]  # [4]-tagged CertificationRequest: copy field by field
    for name in _P10CR_FIELDS:
        p10cr[name] = csr[name]
    return finish_message(
        _fields(
            sender=sender, recipient=recipient, signer_key=signer_key, signer_cert=signer_cert,
            extra_certs=extra_certs, general_info=general_info, implicit_confirm=implicit_confirm,
            transaction_id=transaction_id, sender_nonce=sender_nonce, recip_nonce=recip_nonce,
            message_time=message_time, pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
            omit=header_omit,
        ),
        body,
    )


def build_rr(
    *,
    serial: int,
    issuer: x509.Name,
    reason: int | None = None,
    sender: x509.Name,
    recipient: x509.Name,
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    extra_certs: Sequence[x509.Certificate] = (),
    general_info: Sequence[tuple[str, str]] = (),
    implicit_confirm: bool = False,
    transaction_id: bytes | None = None,
    sender_nonce: bytes | None = None,
    recip_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A revocation request (RFC 9483 4.2): certDetails {serialNumber, issuer} and, when
    ``reason`` is given, crlEntryDetails with the reasonCode extension (RFC 9483 requires it;
    pass 0 = unspecified)."""
    body = rfc9810.PKIBody()
    rev_req = body["rr"]
    details = rev_req.componentType.clone()
    template = details["certDetails"]
    template["serialNumber"] = serial
    template["issuer"].setComponentByPosition(0, name_to_asn1(issuer).getComponent())
    if reason is not None:
        extension = rfc5280.Extension()
        extension["extnID"] = rfc5280.id_ce_cRLReasons
        extension["critical"] = False
        extension["extnValue"] = der_encode(rfc5280.CRLReason(reason))
        details["crlEntryDetails"].append(extension)
    rev_req.append(details)
    return finish_message(
        _fields(
            sender=sender, recipient=recipient, signer_key=signer_key, signer_cert=signer_cert,
            extra_certs=extra_certs, general_info=general_info, implicit_confirm=implicit_confirm,
            transaction_id=transaction_id, sender_nonce=sender_nonce, recip_nonce=recip_nonce,
            message_time=message_time, pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        body,
    )


def build_poll_req(
    *,
    cert_req_id: int = 0,
    transaction_id: bytes,
    recip_nonce: bytes,
    sender: x509.Name,
    recipient: x509.Name,
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    extra_certs: Sequence[x509.Certificate] = (),
    general_info: Sequence[tuple[str, str]] = (),
    implicit_confirm: bool = False,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A pollReq (RFC 9483 4.4) for ``cert_req_id`` within an ongoing transaction."""
    body = rfc9810.PKIBody()
    poll_req = body["pollReq"]
    entry = poll_req.componentType.clone()
    entry["certReqId"] = cert_req_id
    poll_req.append(entry)
    return finish_message(
        _fields(
            sender=sender, recipient=recipient, signer_key=signer_key, signer_cert=signer_cert,
            extra_certs=extra_certs, general_info=general_info, implicit_confirm=implicit_confirm,
            transaction_id=transaction_id, sender_nonce=sender_nonce, recip_nonce=recip_nonce,
            message_time=message_time, pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        body,
    )


def build_cert_conf(
    *,
    cert: x509.Certificate,
    cert_req_id: int = 0,
    transaction_id: bytes,
    recip_nonce: bytes,
    hash_alg: hashes.HashAlgorithm | None = None,
    status: int | None = None,
    fail_info: Sequence[str] = (),
    status_string: str | None = None,
    sender: x509.Name,
    recipient: x509.Name,
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    extra_certs: Sequence[x509.Certificate] = (),
    general_info: Sequence[tuple[str, str]] = (),
    implicit_confirm: bool = False,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
    header_omit: Sequence[str] = (),
    copies: int = 1,
    cert_hash_value: bytes | None = None,
) -> bytes:
    """A certConf (RFC 9483 4.1.1) confirming ``cert``.

    certHash uses the hash of the certificate's signature algorithm (SHA-256 for
    ecdsa-with-SHA256 certificates). A different ``hash_alg`` is sent in hashAlg, which needs
    pvno 3 (cmp2021, RFC 9810 5.3.18). ``status`` (default: omitted = accepted) adds
    statusInfo, e.g. 2 with ``fail_info`` to reject the certificate. Negative-test options:
    ``copies`` repeats the CertStatus, ``cert_hash_value`` replaces the certHash (e.g. a digest
    with another algorithm and no hashAlg).
    """
    natural = cert_hash_alg(cert)
    needs_hash_alg = hash_alg is not None and (
        hash_alg.name != natural.name or hash_alg.digest_size != natural.digest_size
    )
    body = rfc9810.PKIBody()
    confirm = body["certConf"]
    cert_status = confirm.componentType.clone()
    cert_status["certHash"] = cert_hash_value if cert_hash_value is not None else cert_hash(cert, hash_alg or natural)
    cert_status["certReqId"] = cert_req_id
    if status is not None:
        fill_status_info(cert_status["statusInfo"], status, fail_info, status_string)
    if needs_hash_alg and hash_alg is not None:
        cert_status["hashAlg"]["algorithm"] = univ.ObjectIdentifier(hash_oid(hash_alg))
    for _ in range(copies):
        confirm.append(cert_status)
    return finish_message(
        _fields(
            sender=sender, recipient=recipient, signer_key=signer_key, signer_cert=signer_cert,
            extra_certs=extra_certs, general_info=general_info, implicit_confirm=implicit_confirm,
            transaction_id=transaction_id, sender_nonce=sender_nonce, recip_nonce=recip_nonce,
            message_time=message_time, pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
            default_pvno=PVNO_CMP2021 if needs_hash_alg else PVNO_CMP2000, omit=header_omit,
        ),
        body,
    )


def fill_info_items(content: univ.SequenceOf, items: Sequence[tuple[str, bytes | None]]) -> None:
    """Append InfoTypeAndValue entries (dotted OID, DER of infoValue or None) to a genm/genp."""
    for oid, value in items:
        itav = content.componentType.clone()
        itav["infoType"] = univ.ObjectIdentifier(oid)
        if value is not None:
            itav["infoValue"] = univ.Any(value)
        content.append(itav)


def build_genm(
    *,
    info_types: Sequence[str] = (),
    items: Sequence[tuple[str, bytes | None]] = (),
    sender: x509.Name,
    recipient: x509.Name,
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    extra_certs: Sequence[x509.Certificate] = (),
    general_info: Sequence[tuple[str, str]] = (),
    implicit_confirm: bool = False,
    transaction_id: bytes | None = None,
    sender_nonce: bytes | None = None,
    recip_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A general message (RFC 9483 4.3): one InfoTypeAndValue without value per dotted OID of
    ``info_types``, then the ``(OID, DER infoValue or None)`` pairs of ``items``."""
    body = rfc9810.PKIBody()
    content = body["genm"]
    fill_info_items(content, [(oid, None) for oid in info_types] + list(items))
    return finish_message(
        _fields(
            sender=sender, recipient=recipient, signer_key=signer_key, signer_cert=signer_cert,
            extra_certs=extra_certs, general_info=general_info, implicit_confirm=implicit_confirm,
            transaction_id=transaction_id, sender_nonce=sender_nonce, recip_nonce=recip_nonce,
            message_time=message_time, pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        body,
    )
