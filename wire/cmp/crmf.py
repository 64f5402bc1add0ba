"""Client-side CRMF requests (RFC 9483 4.1.1-4.1.3): ir, cr, kur. Each returns DER bytes.

One CertReqMsg: certReqId (default 0), certTemplate {subject, publicKey (SubjectPublicKeyInfo
of ``new_key``), optional extensions}, POPO signature (POPOSigningKey without poposkInput,
signed over the DER of the CertRequest with ``new_key``, RFC 4211 4.1). Header keyword
arguments as in :mod:`.requests`; ``mac_secret`` (+ ``mac_alg``, ``mac_iterations``,
``sender_kid``) replaces signature protection with PBM / PBMAC1 (:mod:`.mac`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal, Union

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import univ
from pyasn1_alt_modules import rfc4211, rfc5280, rfc9810

from .asn1util import copy_fields, name_to_asn1, set_directory_name
from .certreq import OLD_CERT_ID
from .header import SHA256_WITH_RSA, SigningKey, finish_message, protection_alg_oid, sign
from .mac import MacAlg, mac_protection
from .requests import _fields

CrmfBody = Literal["ir", "cr", "kur"]
PopoKind = Literal["signature", "raVerified", "none"]
ExtensionLike = Union[x509.Extension[x509.ExtensionType], x509.ExtensionType]


def _extension(source: ExtensionLike, target: univ.Sequence) -> univ.Sequence:
    if isinstance(source, x509.Extension):
        value, critical = source.value, source.critical
    else:
        value, critical = source, False
    target["extnID"] = univ.ObjectIdentifier(value.oid.dotted_string)
    if critical:
        target["critical"] = True
    target["extnValue"] = target["extnValue"].clone(value.public_bytes())
    return target


def cert_req_messages(
    *,
    body: CrmfBody,
    new_key: SigningKey,
    subject: x509.Name | None,
    extensions: Sequence[ExtensionLike] = (),
    subject_alt_names: Sequence[x509.GeneralName] = (),
    cert_req_id: int = 0,
    popo: PopoKind = "signature",
    popo_key: SigningKey | None = None,
    old_cert: x509.Certificate | None = None,
) -> rfc9810.PKIBody:
    """A PKIBody ir/cr/kur with one CertReqMsg (see module doc). ``popo_key`` signs the POPO
    instead of ``new_key`` (fault injection); ``old_cert`` adds the oldCertID control."""
    if body not in ("ir", "cr", "kur"):
        raise ValueError(f"not a CertReqMessages body: {body!r}")
    pki_body = rfc9810.PKIBody()
    messages = pki_body[body]
    msg = messages.componentType.clone()
    request = msg["certReq"]
    request["certReqId"] = cert_req_id
    template = request["certTemplate"]
    if subject is not None:
        set_directory_name_like(template["subject"], subject)
    spki_der = new_key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    spki, rest = der_decode(spki_der, asn1Spec=rfc5280.SubjectPublicKeyInfo())
    if rest:
        raise ValueError("trailing bytes after SubjectPublicKeyInfo")
    copy_fields(spki, template["publicKey"])
    all_extensions: list[ExtensionLike] = list(extensions)
    if subject_alt_names:
        all_extensions.append(x509.SubjectAlternativeName(list(subject_alt_names)))
    for extension in all_extensions:
        template["extensions"].append(_extension(extension, template["extensions"].componentType.clone()))
    if old_cert is not None:
        cert_id = rfc4211.CertId()
        set_directory_name(cert_id["issuer"], old_cert.issuer)
        cert_id["serialNumber"] = old_cert.serial_number
        control = request["controls"].componentType.clone()
        control["type"] = univ.ObjectIdentifier(OLD_CERT_ID)
        control["value"] = univ.Any(der_encode(cert_id))
        request["controls"].append(control)
    if popo == "signature":
        signer = popo_key if popo_key is not None else new_key
        signing = msg["popo"]["signature"]
        alg = protection_alg_oid(signer)
        signing["algorithmIdentifier"]["algorithm"] = univ.ObjectIdentifier(alg)
        if alg == SHA256_WITH_RSA:
            signing["algorithmIdentifier"]["parameters"] = univ.Any(der_encode(univ.Null("")))
        signature = sign(signer, bytes(der_encode(request)))
        signing["signature"] = signing["signature"].clone(hexValue=signature.hex())
    elif popo == "raVerified":
        msg["popo"]["raVerified"] = msg["popo"]["raVerified"].clone("")
    elif popo != "none":
        raise ValueError(f"unknown POPO kind {popo!r}")
    messages.append(msg)
    return pki_body


def set_directory_name_like(target: univ.Choice, name: x509.Name) -> None:
    """Fill a (tagged) ``Name`` CHOICE field, e.g. CertTemplate.subject [5]."""
    target.setComponentByPosition(0, name_to_asn1(name).getComponent())


def _build(
    body: CrmfBody,
    *,
    new_key: SigningKey,
    subject: x509.Name | None,
    extensions: Sequence[ExtensionLike],
    subject_alt_names: Sequence[x509.GeneralName],
    cert_req_id: int,
    popo: PopoKind,
    popo_key: SigningKey | None,
    old_cert: x509.Certificate | None,
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
    mac_secret: bytes | None,
    mac_alg: MacAlg,
    mac_iterations: int,
    sender_kid: bytes | None,
) -> bytes:
    pki_body = cert_req_messages(
        body=body, new_key=new_key, subject=subject, extensions=extensions,
        subject_alt_names=subject_alt_names, cert_req_id=cert_req_id, popo=popo, popo_key=popo_key,
        old_cert=old_cert,
    )
    return finish_message(
        _fields(
            sender=sender, recipient=recipient, signer_key=signer_key, signer_cert=signer_cert,
            extra_certs=extra_certs, general_info=general_info, implicit_confirm=implicit_confirm,
            transaction_id=transaction_id, sender_nonce=sender_nonce, recip_nonce=recip_nonce,
            message_time=message_time, pvno=pvno, info_type_overrides=info_type_overrides,
            mac=mac_protection(mac_secret, mac_alg, mac_iterations), sender_kid=sender_kid,
        ),
        pki_body,
    )


def build_ir(
    *,
    new_key: SigningKey,
    subject: x509.Name | None,
    extensions: Sequence[ExtensionLike] = (),
    subject_alt_names: Sequence[x509.GeneralName] = (),
    cert_req_id: int = 0,
    popo: PopoKind = "signature",
    popo_key: SigningKey | None = None,
    old_cert: x509.Certificate | None = None,
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
    """An initialization request (RFC 9483 4.1.1), typically MAC-protected (``mac_secret``)."""
    return _build("ir", **locals())


def build_cr(
    *,
    new_key: SigningKey,
    subject: x509.Name | None,
    extensions: Sequence[ExtensionLike] = (),
    subject_alt_names: Sequence[x509.GeneralName] = (),
    cert_req_id: int = 0,
    popo: PopoKind = "signature",
    popo_key: SigningKey | None = None,
    old_cert: x509.Certificate | None = None,
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
    """A certification request (RFC 9483 4.1.2) from an entity that already has a certificate."""
    return _build("cr", **locals())


def build_kur(
    *,
    new_key: SigningKey,
    subject: x509.Name | None,
    extensions: Sequence[ExtensionLike] = (),
    subject_alt_names: Sequence[x509.GeneralName] = (),
    cert_req_id: int = 0,
    popo: PopoKind = "signature",
    popo_key: SigningKey | None = None,
    old_cert: x509.Certificate | None = None,
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
    """A key update request (RFC 9483 4.1.3): signed with the certificate being updated
    (``signer_key`` / ``signer_cert``); ``old_cert`` adds the oldCertID control."""
    return _build("kur", **locals())


__all__ = ["CrmfBody", "ExtensionLike", "PopoKind", "build_cr", "build_ir", "build_kur", "cert_req_messages"]
