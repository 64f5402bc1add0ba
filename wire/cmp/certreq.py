"""CRMF (RFC 4211) CertReqMessages of ir/cr/kur: the decoded view (:class:`CertTemplateView`)
and POPOSigningKey signing/verification. Builders live in :mod:`.crmf`.

This module only depends on :mod:`.asn1util` so that :mod:`.parse` can use it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import univ
from pyasn1_alt_modules import rfc4211, rfc5280

from .asn1util import asn1_name_to_x509, copy_fields

OLD_CERT_ID = str(rfc4211.id_regCtrl_oldCertID)  # 1.3.6.1.5.5.7.5.1.5


@dataclass(frozen=True)
class CertTemplateView:
    """One CertReqMsg of an ir/cr/kur (RFC 4211 / RFC 9483 4.1.1-4.1.3).

    ``popo`` is the ProofOfPossession choice name (``signature``, ``raVerified``, ...) or None
    when absent; ``popo_verified`` is True/False for a signature POPO (verified with the
    template's public key over the DER of the CertRequest, or of poposkInput when present),
    None otherwise. ``extensions`` holds (OID, critical, DER of extnValue) triples;
    ``subject_alt_names`` the decodable subjectAltName entries as ``x509.GeneralName``.
    """

    cert_req_id: int
    subject: x509.Name | None = None
    public_key: PublicKeyTypes | None = None
    public_key_der: bytes | None = None  # SubjectPublicKeyInfo DER
    extensions: tuple[tuple[str, bool, bytes], ...] = ()
    subject_alt_names: tuple[x509.GeneralName, ...] = ()
    popo: str | None = None
    popo_verified: bool | None = None
    popo_alg: str | None = None
    old_cert_serial: int | None = None  # controls: id-regCtrl-oldCertID
    old_cert_issuer: x509.Name | None = None
    cert_request_der: bytes = b""


def verify_with_alg(public_key: Any, alg_oid: str, signature: bytes, data: bytes) -> bool:
    """Verify ``signature`` over ``data`` for a signature algorithm OID; never raises."""
    from .protection import SIGNATURE_ALGS  # lazy: protection imports parse, which imports us

    alg = SIGNATURE_ALGS.get(alg_oid)
    if alg is None:
        return False
    family, hash_cls = alg
    try:
        if family == "ec" and isinstance(public_key, ec.EllipticCurvePublicKey) and hash_cls:
            public_key.verify(signature, data, ec.ECDSA(hash_cls()))
        elif family == "rsa" and isinstance(public_key, rsa.RSAPublicKey) and hash_cls:
            public_key.verify(signature, data, padding.PKCS1v15(), hash_cls())
        elif family == "ed25519" and isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, data)
        elif family == "ed448" and isinstance(public_key, ed448.Ed448PublicKey):
            public_key.verify(signature, data)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _general_name(value: univ.Choice) -> x509.GeneralName | None:
    kind = value.getName()
    inner = value.getComponent()
    if kind == "dNSName":
        return x509.DNSName(str(inner))
    if kind == "rfc822Name":
        return x509.RFC822Name(str(inner))
    if kind == "uniformResourceIdentifier":
        return x509.UniformResourceIdentifier(str(inner))
    if kind == "iPAddress":
        raw = bytes(inner)
        if len(raw) in (4, 16):
            return x509.IPAddress(ipaddress.ip_address(raw))
        return None
    if kind == "registeredID":
        return x509.RegisteredID(x509.ObjectIdentifier(str(inner)))
    if kind == "directoryName":
        return x509.DirectoryName(asn1_name_to_x509(inner))
    return None


def _san(extn_value: bytes) -> tuple[x509.GeneralName, ...]:
    names, rest = der_decode(extn_value, asn1Spec=rfc5280.SubjectAltName())
    if rest:
        raise ValueError("trailing bytes in subjectAltName")
    result = []
    for name in names:
        try:
            converted = _general_name(name)
        except ValueError:
            converted = None
        if converted is not None:
            result.append(converted)
    return tuple(result)


def _popo(msg: univ.Sequence, public_key: Any, cert_request_der: bytes) -> tuple[str | None, bool | None, str | None]:
    popo = msg["popo"]
    if not popo.isValue:
        return None, None, None
    kind = popo.getName()
    if kind != "signature":
        return kind, None, None
    signing = popo.getComponent()
    alg = str(signing["algorithmIdentifier"]["algorithm"])
    if public_key is None:
        return kind, False, alg
    if signing["poposkInput"].isValue:
        data = der_encode(copy_fields(signing["poposkInput"], rfc4211.POPOSigningKeyInput()))
    else:
        data = cert_request_der
    return kind, verify_with_alg(public_key, alg, signing["signature"].asOctets(), data), alg


def cert_template_views(content: univ.SequenceOf) -> tuple[CertTemplateView, ...]:
    """Views of a decoded CertReqMessages (ir/cr/kur body)."""
    views: list[CertTemplateView] = []
    for msg in content:
        request = msg["certReq"]
        template = request["certTemplate"]
        request_der = bytes(der_encode(request))
        subject = asn1_name_to_x509(template["subject"]) if template["subject"].isValue else None
        public_key = None
        spki_der = None
        if template["publicKey"].isValue:
            spki_der = bytes(der_encode(copy_fields(template["publicKey"], rfc5280.SubjectPublicKeyInfo())))
            try:
                public_key = load_der_public_key(spki_der)
            except (ValueError, UnsupportedAlgorithm):
                public_key = None
        extensions: list[tuple[str, bool, bytes]] = []
        sans: tuple[x509.GeneralName, ...] = ()
        if template["extensions"].isValue:
            for extension in template["extensions"]:
                oid = str(extension["extnID"])
                value = bytes(extension["extnValue"])
                extensions.append((oid, bool(extension["critical"]), value))
                if oid == str(rfc5280.id_ce_subjectAltName):
                    sans = _san(value)
        old_serial = None
        old_issuer = None
        if request["controls"].isValue:
            for control in request["controls"]:
                if str(control["type"]) == OLD_CERT_ID:
                    cert_id, rest = der_decode(bytes(control["value"]), asn1Spec=rfc4211.CertId())
                    if rest:
                        raise ValueError("trailing bytes in oldCertID")
                    old_serial = int(cert_id["serialNumber"])
                    issuer = cert_id["issuer"]
                    if issuer.getName() == "directoryName":
                        old_issuer = asn1_name_to_x509(issuer.getComponent())
        popo, verified, popo_alg = _popo(msg, public_key, request_der)
        views.append(
            CertTemplateView(
                cert_req_id=int(request["certReqId"]),
                subject=subject,
                public_key=public_key,
                public_key_der=spki_der,
                extensions=tuple(extensions),
                subject_alt_names=sans,
                popo=popo,
                popo_verified=verified,
                popo_alg=popo_alg,
                old_cert_serial=old_serial,
                old_cert_issuer=old_issuer,
                cert_request_der=request_der,
            )
        )
    return tuple(views)


__all__ = ["OLD_CERT_ID", "CertTemplateView", "cert_template_views", "verify_with_alg"]
