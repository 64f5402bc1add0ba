"""PKIHeader construction (RFC 9483 clause 3.1) and signature protection of outgoing messages."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Union

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import char, univ
from pyasn1_alt_modules import rfc9810

from .asn1util import append_cert, general_name_from_der, generalized_time, set_directory_name
from .infotypes import IMPLICIT_CONFIRM, info_type_oid
from .mac import MacProtection, hmac_sha256
from .mac import protection_alg as mac_protection_alg

SigningKey = Union[
    ec.EllipticCurvePrivateKey,
    rsa.RSAPrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
]

# A header party: an x509.Name (sent as directoryName) or the DER of any GeneralName.
Party = Union[x509.Name, bytes]

PVNO_CMP2000 = 2
PVNO_CMP2021 = 3
NONCE_LENGTH = 16

_EC_HASH: dict[str, tuple[str, type[hashes.HashAlgorithm]]] = {
    "secp256r1": ("1.2.840.10045.4.3.2", hashes.SHA256),
    "secp384r1": ("1.2.840.10045.4.3.3", hashes.SHA384),
    "secp521r1": ("1.2.840.10045.4.3.4", hashes.SHA512),
}
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
ED25519 = "1.3.101.112"
ED448 = "1.3.101.113"


def protection_alg_oid(key: SigningKey) -> str:
    """protectionAlg for a signing key (RFC 9481 clause 3): ecdsa-with-SHA256/384/512 by
    curve, sha256WithRSAEncryption, id-Ed25519 or id-Ed448."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        try:
            return _EC_HASH[key.curve.name][0]
        except KeyError:
            raise ValueError(f"unsupported EC curve {key.curve.name}") from None
    if isinstance(key, rsa.RSAPrivateKey):
        return SHA256_WITH_RSA
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return ED25519
    if isinstance(key, ed448.Ed448PrivateKey):
        return ED448
    raise TypeError(f"unsupported signing key type {type(key).__name__}")


def sign(key: SigningKey, data: bytes) -> bytes:
    """Signature over ``data`` matching :func:`protection_alg_oid` of ``key``."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(_EC_HASH[key.curve.name][1]()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        return key.sign(data)
    raise TypeError(f"unsupported signing key type {type(key).__name__}")


def subject_key_id(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return None


@dataclass(frozen=True)
class HeaderFields:
    """Everything that goes into one PKIHeader. ``None`` nonces/IDs are generated."""

    sender: Party
    recipient: Party
    signer_key: SigningKey | None = None
    signer_cert: x509.Certificate | None = None
    transaction_id: bytes | None = None
    sender_nonce: bytes | None = None
    recip_nonce: bytes | None = None
    general_info: Sequence[tuple[str, str]] = ()
    implicit_confirm: bool = False
    message_time: datetime | None = None
    pvno: int = PVNO_CMP2000
    info_type_overrides: Mapping[str, str] | None = None
    extra_certs: Sequence[x509.Certificate] = field(default_factory=tuple)
    # MAC protection (PBM / PBMAC1): replaces the signature; signer_key is then not used.
    mac: MacProtection | None = None
    # senderKID override (e.g. the shared-secret reference); default: signer_cert's SKI.
    sender_kid: bytes | None = None
    # header fields left out on purpose (negative tests): "messageTime", "senderKID", "senderNonce"
    omit: frozenset[str] = frozenset()


_PARTIES: dict[tuple[bool, bytes], bytes] = {}  # (is a Name, its DER) -> DER of the GeneralName (bounded)


def _party_der(party: Party) -> bytes:
    """DER of the GeneralName for ``party``, made with pyasn1 once per distinct party (a peer's name is the same
    in every message); an invalid one raises every time."""
    key = (isinstance(party, x509.Name), party.public_bytes() if isinstance(party, x509.Name) else bytes(party))
    der = _PARTIES.get(key)
    if der is None:
        general_name = rfc9810.PKIHeader()["sender"].clone()
        if isinstance(party, x509.Name):
            set_directory_name(general_name, party)
        else:
            general_name_from_der(general_name, party)
        der = bytes(der_encode(general_name))
        if len(_PARTIES) >= 1024:
            _PARTIES.clear()  # bounded; clear() is atomic where popping the oldest could race another thread
        _PARTIES[key] = der
    return der


def _set_party(header: rfc9810.PKIHeader, field_name: str, party: Party) -> None:
    """Set the header's sender or recipient GeneralName, as its DER (an open type: the same bytes)."""
    header.setComponentByName(field_name, univ.Any(_party_der(party)), matchTags=False, matchConstraints=False)


def _octets(holder: univ.Sequence, name: str, value: bytes) -> None:
    holder[name] = holder[name].clone(value)


def build_header(fields: HeaderFields) -> rfc9810.PKIHeader:
    """A PKIHeader per RFC 9483 clause 3.1 from ``fields``."""
    return _header_and_mac_key(fields)[0]


def _header_and_mac_key(fields: HeaderFields) -> tuple[rfc9810.PKIHeader, bytes | None]:
    """The PKIHeader and, with ``fields.mac``, the MAC key matching its protectionAlg."""
    mac_key: bytes | None = None
    header = rfc9810.PKIHeader()
    header["pvno"] = fields.pvno
    _set_party(header, "sender", fields.sender)
    _set_party(header, "recipient", fields.recipient)
    if "messageTime" not in fields.omit:
        header["messageTime"] = header["messageTime"].clone(generalized_time(fields.message_time))
    if fields.mac is not None:
        oid, params, mac_key = mac_protection_alg(fields.mac)
        alg = header["protectionAlg"]
        alg["algorithm"] = univ.ObjectIdentifier(oid)
        alg["parameters"] = univ.Any(params)
    elif fields.signer_key is not None:
        alg = header["protectionAlg"]
        oid = protection_alg_oid(fields.signer_key)
        alg["algorithm"] = univ.ObjectIdentifier(oid)
        if oid == SHA256_WITH_RSA:  # RFC 4055: parameters NULL
            alg["parameters"] = univ.Any(der_encode(univ.Null("")))
    if "senderKID" in fields.omit:
        pass
    elif fields.sender_kid is not None:
        _octets(header, "senderKID", fields.sender_kid)
    elif fields.signer_cert is not None and fields.mac is None:
        kid = subject_key_id(fields.signer_cert)
        if kid is not None:
            _octets(header, "senderKID", kid)
    tid = fields.transaction_id if fields.transaction_id is not None else os.urandom(NONCE_LENGTH)
    _octets(header, "transactionID", tid)
    if "senderNonce" not in fields.omit:
        nonce = fields.sender_nonce if fields.sender_nonce is not None else os.urandom(NONCE_LENGTH)
        _octets(header, "senderNonce", nonce)
    if fields.recip_nonce is not None:
        _octets(header, "recipNonce", fields.recip_nonce)
    items: list[tuple[str, univ.Any]] = [
        (info_type_oid(urn, fields.info_type_overrides), univ.Any(der_encode(char.UTF8String(value))))
        for urn, value in fields.general_info
    ]
    if fields.implicit_confirm:
        items.append((IMPLICIT_CONFIRM, univ.Any(der_encode(univ.Null("")))))
    if items:
        general_info = header["generalInfo"]
        for oid, value in items:
            itav = general_info.componentType.clone()
            itav["infoType"] = univ.ObjectIdentifier(oid)
            itav["infoValue"] = value
            general_info.append(itav)
    return header, mac_key


def protected_part_der(header: rfc9810.PKIHeader, body: rfc9810.PKIBody) -> bytes:
    """DER of ProtectedPart ::= SEQUENCE { header, body } (the bytes that get signed)."""
    part = rfc9810.ProtectedPart()
    part["header"] = header
    part["body"] = body
    return bytes(der_encode(part))


def finish_message(fields: HeaderFields, body: rfc9810.PKIBody) -> bytes:
    """Assemble, protect (MAC when ``fields.mac`` is given, else a signature when a signer key
    is given) and DER-encode a PKIMessage.

    extraCerts = [signer_cert, *extra_certs] (RFC 9483 clause 3.3).
    """
    header, mac_key = _header_and_mac_key(fields)
    message = rfc9810.PKIMessage()
    # header and body encoded once: the DER that is protected is the DER that is sent
    parts = [univ.Any(der_encode(header)), univ.Any(der_encode(body))]
    for position, part in enumerate(parts):
        message.setComponentByPosition(position, part, matchTags=False, matchConstraints=False)
    if mac_key is not None or fields.signer_key is not None:
        protected = univ.SequenceOf(componentType=univ.Any())  # ProtectedPart ::= SEQUENCE { header, body }
        protected.extend(parts)
        data = bytes(der_encode(protected))
        value = hmac_sha256(mac_key, data) if mac_key is not None else sign(fields.signer_key, data)  # type: ignore[arg-type]
        message["protection"] = message["protection"].clone(hexValue=value.hex())
    certs = ([fields.signer_cert] if fields.signer_cert is not None else []) + list(fields.extra_certs)
    if certs:
        extra = message["extraCerts"]
        for cert in certs:
            append_cert(extra, cert)  # as its DER: no pyasn1 decode and re-encode of each certificate
    return bytes(der_encode(message))


__all__ = [
    "HeaderFields",
    "NONCE_LENGTH",
    "PVNO_CMP2000",
    "PVNO_CMP2021",
    "Party",
    "SigningKey",
    "build_header",
    "finish_message",
    "protected_part_der",
    "protection_alg_oid",
    "sign",
    "subject_key_id",
]
