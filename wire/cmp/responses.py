"""Server-side (CMF) response builders: cp/ip/kup, rp, pollRep, error, pkiconf (DER bytes).

Every response answers a parsed request (:class:`PkiMessageView`): it copies transactionID,
sets recipNonce to the request's senderNonce, a fresh senderNonce, sender = signer
certificate subject, recipient = the request's sender (its GeneralName copied as sent).
Keyword arguments shared by all builders: ``signer_key`` / ``signer_cert`` (``signer_key=None``
sends the response unprotected), ``extra_certs``, ``general_info``, ``sender`` (override of the
signer subject), and, for fault injection, ``transaction_id`` / ``recip_nonce`` /
``sender_nonce`` / ``message_time`` / ``pvno`` overrides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from cryptography import x509
from pyasn1.type import char
from pyasn1_alt_modules import rfc9810

from .asn1util import append_cert, fill_status_info, set_cert_choice
from .header import PVNO_CMP2000, HeaderFields, Party, SigningKey, finish_message
from .mac import MacAlg, MacProtection, mac_protection
from .parse import PkiMessageView
from .requests import fill_info_items

CertRepBody = Literal["cp", "ip", "kup", "ccp"]


def _fields(
    request: PkiMessageView | None,
    *,
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    extra_certs: Sequence[x509.Certificate],
    general_info: Sequence[tuple[str, str]],
    implicit_confirm: bool = False,
    sender: x509.Name | None,
    transaction_id: bytes | None,
    recip_nonce: bytes | None,
    sender_nonce: bytes | None,
    message_time: datetime | None,
    pvno: int | None,
    info_type_overrides: Mapping[str, str] | None,
    mac: MacProtection | None = None,
    sender_kid: bytes | None = None,
) -> HeaderFields:
    if sender is not None:
        own: Party = sender
    elif signer_cert is not None:
        own = signer_cert.subject
    else:
        own = x509.Name([])
    recipient: Party = x509.Name([])
    if request is not None and request.sender_raw is not None:
        recipient = request.sender_raw
    if transaction_id is None and request is not None:
        transaction_id = request.transaction_id
    if recip_nonce is None and request is not None:
        recip_nonce = request.sender_nonce
    return HeaderFields(
        sender=own,
        recipient=recipient,
        signer_key=signer_key,
        signer_cert=signer_cert,
        transaction_id=transaction_id,
        sender_nonce=sender_nonce,
        recip_nonce=recip_nonce,
        general_info=tuple(general_info),
        implicit_confirm=implicit_confirm,
        message_time=message_time,
        pvno=PVNO_CMP2000 if pvno is None else pvno,
        info_type_overrides=info_type_overrides,
        extra_certs=tuple(extra_certs),
        mac=mac,
        sender_kid=sender_kid,
    )


def _free_text(holder: rfc9810.PKIFreeText, text: str) -> None:
    holder.append(char.UTF8String(text))


def build_cp(
    *,
    request: PkiMessageView,
    status: int,
    cert: x509.Certificate | None,
    fail_info: Iterable[str] = (),
    status_string: str | None = None,
    ca_pubs: Sequence[x509.Certificate] = (),
    extra_certs: Sequence[x509.Certificate] = (),
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    implicit_confirm_granted: bool = False,
    cert_req_id: int = 0,
    body: CertRepBody = "cp",
    general_info: Sequence[tuple[str, str]] = (),
    sender: x509.Name | None = None,
    transaction_id: bytes | None = None,
    recip_nonce: bytes | None = None,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A CertRepMessage (cp, or ip/kup/ccp via ``body``) with one CertResponse.

    ``cert`` becomes certifiedKeyPair.certOrEncCert.certificate ([0] EXPLICIT); a waiting
    response (status 3) carries none. SOL023 table 5.5.3.2-1 fixes certReqId to 0 (note that
    RFC 9483 4.1.4 says -1 for a p10cr; pass ``cert_req_id=-1`` for that).
    ``implicit_confirm_granted`` adds id-it-implicitConfirm to generalInfo.
    """
    if body not in ("cp", "ip", "kup", "ccp"):
        raise ValueError(f"not a CertRepMessage body: {body!r}")
    if status == 3 and cert is not None:
        raise ValueError("a waiting response (status 3) carries no certificate")
    pki_body = rfc9810.PKIBody()
    rep = pki_body[body]
    if ca_pubs:
        for ca in ca_pubs:
            append_cert(rep["caPubs"], ca)
    response = rep["response"].componentType.clone()
    response["certReqId"] = cert_req_id
    fill_status_info(response["status"], status, fail_info, status_string)
    if cert is not None:
        # certOrEncCert.certificate is [0] EXPLICIT: the certificate's DER under that tag
        set_cert_choice(response["certifiedKeyPair"]["certOrEncCert"], "certificate", cert)
    rep["response"].append(response)
    return finish_message(
        _fields(
            request, signer_key=signer_key, signer_cert=signer_cert, extra_certs=extra_certs,
            general_info=general_info, implicit_confirm=implicit_confirm_granted, sender=sender,
            transaction_id=transaction_id, recip_nonce=recip_nonce, sender_nonce=sender_nonce,
            message_time=message_time, pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        pki_body,
    )


def build_rp(
    *,
    request: PkiMessageView,
    status: int,
    fail_info: Iterable[str] = (),
    status_string: str | None = None,
    extra_certs: Sequence[x509.Certificate] = (),
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    general_info: Sequence[tuple[str, str]] = (),
    sender: x509.Name | None = None,
    transaction_id: bytes | None = None,
    recip_nonce: bytes | None = None,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A revocation response (RFC 9483 4.2) with a single PKIStatusInfo."""
    pki_body = rfc9810.PKIBody()
    statuses = pki_body["rp"]["status"]
    info = statuses.componentType.clone()
    fill_status_info(info, status, fail_info, status_string)
    statuses.append(info)
    return finish_message(
        _fields(
            request, signer_key=signer_key, signer_cert=signer_cert, extra_certs=extra_certs,
            general_info=general_info, sender=sender, transaction_id=transaction_id,
            recip_nonce=recip_nonce, sender_nonce=sender_nonce, message_time=message_time,
            pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        pki_body,
    )


def build_poll_rep(
    *,
    request: PkiMessageView,
    check_after: int,
    cert_req_id: int = 0,
    reason: str | None = None,
    extra_certs: Sequence[x509.Certificate] = (),
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    general_info: Sequence[tuple[str, str]] = (),
    sender: x509.Name | None = None,
    transaction_id: bytes | None = None,
    recip_nonce: bytes | None = None,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A pollRep (RFC 9483 4.4): poll again after ``check_after`` seconds."""
    pki_body = rfc9810.PKIBody()
    poll_rep = pki_body["pollRep"]
    entry = poll_rep.componentType.clone()
    entry["certReqId"] = cert_req_id
    entry["checkAfter"] = check_after
    if reason is not None:
        _free_text(entry["reason"], reason)
    poll_rep.append(entry)
    return finish_message(
        _fields(
            request, signer_key=signer_key, signer_cert=signer_cert, extra_certs=extra_certs,
            general_info=general_info, sender=sender, transaction_id=transaction_id,
            recip_nonce=recip_nonce, sender_nonce=sender_nonce, message_time=message_time,
            pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        pki_body,
    )


def build_error(
    *,
    request: PkiMessageView | None,
    status: int = 2,
    fail_info: Iterable[str] = (),
    status_string: str | None = None,
    error_code: int | None = None,
    error_details: Sequence[str] = (),
    extra_certs: Sequence[x509.Certificate] = (),
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    general_info: Sequence[tuple[str, str]] = (),
    sender: x509.Name | None = None,
    transaction_id: bytes | None = None,
    recip_nonce: bytes | None = None,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """An error message (RFC 9483 3.6.4). ``request=None`` when the request could not be
    parsed: the recipient is then the NULL-DN and transactionID fresh (unless given)."""
    pki_body = rfc9810.PKIBody()
    content = pki_body["error"]
    fill_status_info(content["pKIStatusInfo"], status, fail_info, status_string)
    if error_code is not None:
        content["errorCode"] = error_code
    for detail in error_details:
        _free_text(content["errorDetails"], detail)
    return finish_message(
        _fields(
            request, signer_key=signer_key, signer_cert=signer_cert, extra_certs=extra_certs,
            general_info=general_info, sender=sender, transaction_id=transaction_id,
            recip_nonce=recip_nonce, sender_nonce=sender_nonce, message_time=message_time,
            pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        pki_body,
    )


def build_pki_conf(
    *,
    request: PkiMessageView,
    extra_certs: Sequence[x509.Certificate] = (),
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    general_info: Sequence[tuple[str, str]] = (),
    sender: x509.Name | None = None,
    transaction_id: bytes | None = None,
    recip_nonce: bytes | None = None,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A pkiconf (RFC 9483 4.1.1), the answer to a certConf."""
    pki_body = rfc9810.PKIBody()
    pki_body["pkiconf"] = pki_body["pkiconf"].clone("")
    return finish_message(
        _fields(
            request, signer_key=signer_key, signer_cert=signer_cert, extra_certs=extra_certs,
            general_info=general_info, sender=sender, transaction_id=transaction_id,
            recip_nonce=recip_nonce, sender_nonce=sender_nonce, message_time=message_time,
            pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        pki_body,
    )


def build_ip(**kwargs: Any) -> bytes:
    """An initialization response: :func:`build_cp` with ``body="ip"`` (same keywords)."""
    return build_cp(**{**kwargs, "body": "ip"})


def build_kup(**kwargs: Any) -> bytes:
    """A key update response: :func:`build_cp` with ``body="kup"`` (same keywords)."""
    return build_cp(**{**kwargs, "body": "kup"})


def build_genp(
    *,
    request: PkiMessageView,
    items: Sequence[tuple[str, bytes | None]] = (),
    extra_certs: Sequence[x509.Certificate] = (),
    signer_key: SigningKey | None,
    signer_cert: x509.Certificate | None,
    general_info: Sequence[tuple[str, str]] = (),
    sender: x509.Name | None = None,
    transaction_id: bytes | None = None,
    recip_nonce: bytes | None = None,
    sender_nonce: bytes | None = None,
    message_time: datetime | None = None,
    pvno: int | None = None,
    info_type_overrides: Mapping[str, str] | None = None,
    mac_secret: bytes | None = None,
    mac_alg: MacAlg = "pbm",
    mac_iterations: int = 10_000,
    sender_kid: bytes | None = None,
) -> bytes:
    """A general response (RFC 9483 4.3) with the ``(dotted OID, DER infoValue or None)``
    pairs of ``items``."""
    pki_body = rfc9810.PKIBody()
    fill_info_items(pki_body["genp"], items)
    return finish_message(
        _fields(
            request, signer_key=signer_key, signer_cert=signer_cert, extra_certs=extra_certs,
            general_info=general_info, sender=sender, transaction_id=transaction_id,
            recip_nonce=recip_nonce, sender_nonce=sender_nonce, message_time=message_time,
            pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        pki_body,
    )
