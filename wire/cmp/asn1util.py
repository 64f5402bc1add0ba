"""Shared pyasn1 helpers: names, certificates, PKIStatusInfo, failInfo bits, times, hashes.

All encoding goes through pyasn1 (``pyasn1_alt_modules`` specs) or ``cryptography``; no DER is
written by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import char, univ, useful
from pyasn1_alt_modules import rfc4210, rfc5280, rfc9810

try:  # keeps the string type of each attribute so re-encoding is byte-exact
    from cryptography.x509.name import _ASN1Type
except ImportError:  # pragma: no cover - older/newer cryptography
    _ASN1Type = None  # type: ignore[assignment,misc]
_ASN1_TAGS = frozenset(t.value for t in _ASN1Type) if _ASN1Type is not None else frozenset()

PKI_STATUS: dict[int, str] = {
    0: "accepted",
    1: "grantedWithMods",
    2: "rejection",
    3: "waiting",
    4: "revocationWarning",
    5: "revocationNotification",
    6: "keyUpdateWarning",
}

FAIL_INFO_BITS: dict[str, int] = {
    name: int(bit) for name, bit in rfc4210.PKIFailureInfo.namedValues.items()
}
_FAIL_INFO_NAMES: dict[int, str] = {bit: name for name, bit in FAIL_INFO_BITS.items()}

# Hash OIDs (RFC 5754 / RFC 8702) used for certConf hashAlg.
HASH_OIDS: dict[str, str] = {
    "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3",
    "sha224": "2.16.840.1.101.3.4.2.4",
    "sha1": "1.3.14.3.2.26",
    "shake256": "2.16.840.1.101.3.4.2.12",
}


_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    HASH_OIDS["sha256"]: hashes.SHA256,
    HASH_OIDS["sha384"]: hashes.SHA384,
    HASH_OIDS["sha512"]: hashes.SHA512,
    HASH_OIDS["sha224"]: hashes.SHA224,
    HASH_OIDS["sha1"]: hashes.SHA1,
    HASH_OIDS["shake256"]: lambda: hashes.SHAKE256(64),
}


def hash_by_oid(oid: str) -> hashes.HashAlgorithm | None:
    """The ``cryptography`` hash for a hash OID (SHAKE256 with 64-byte output), else None."""
    factory = _HASHES.get(oid)
    return factory() if factory is not None else None


# -- names -----------------------------------------------------------------------------------


def name_to_asn1(name: x509.Name) -> rfc5280.Name:
    """An ``x509.Name`` as a pyasn1 ``Name`` (via cryptography's own DER of the name)."""
    decoded, rest = der_decode(name.public_bytes(), asn1Spec=rfc5280.Name())
    if rest:
        raise ValueError("trailing bytes after Name")
    return decoded


def set_directory_name(general_name: univ.Choice, name: x509.Name) -> None:
    """Make a GeneralName (possibly tagged) the directoryName ``name``.

    ``Name`` is a CHOICE whose RDNSequence alternative is named ``rdnSequence`` in
    pyasn1_alt_modules 0.4.10 (``""`` elsewhere); address it by position, not by name.
    """
    general_name["directoryName"].setComponentByPosition(0, name_to_asn1(name).getComponent())


def general_name_from_der(general_name: univ.Choice, der: bytes) -> None:
    """Copy a DER GeneralName (e.g. a request's sender) into a (tagged) GeneralName field."""
    decoded, rest = der_decode(der, asn1Spec=rfc5280.GeneralName())
    if rest:
        raise ValueError("trailing bytes after GeneralName")
    chosen = decoded.getName()
    general_name.setComponentByName(chosen, decoded.getComponent())


def asn1_name_to_x509(name: univ.Choice) -> x509.Name:
    """A decoded pyasn1 ``Name`` as an ``x509.Name``; raises ValueError on unsupported values."""
    rdns: list[x509.RelativeDistinguishedName] = []
    for rdn in name.getComponent():
        attrs: list[x509.NameAttribute[str]] = []
        for atv in rdn:
            oid = x509.ObjectIdentifier(str(atv["type"]))
            value, rest = der_decode(bytes(atv["value"]))
            if rest:
                raise ValueError("trailing bytes in name attribute value")
            if not isinstance(value, char.AbstractCharacterString):
                raise ValueError(f"name attribute {oid.dotted_string} is not a character string")
            tag_number = value.tagSet[-1].tagId
            if _ASN1Type is not None and tag_number in _ASN1_TAGS:
                attrs.append(x509.NameAttribute(oid, str(value), _type=_ASN1Type(tag_number)))
            else:
                attrs.append(x509.NameAttribute(oid, str(value)))
        if not attrs:
            raise ValueError("empty RelativeDistinguishedName")
        rdns.append(x509.RelativeDistinguishedName(attrs))
    return x509.Name(rdns)


# -- certificates ----------------------------------------------------------------------------


def cert_to_asn1(cert: x509.Certificate) -> rfc9810.CMPCertificate:
    decoded, rest = der_decode(
        cert.public_bytes(Encoding.DER), asn1Spec=rfc9810.CMPCertificate()
    )
    if rest:
        raise ValueError("trailing bytes after certificate")
    return decoded


def copy_fields(source: univ.Sequence, target: univ.Sequence) -> univ.Sequence:
    """Copy the components of SEQUENCE ``source`` into ``target``, a value of the same type
    under another tag (e.g. an [n] EXPLICIT field); returns ``target``.

    Deep ``clone(tagSet=..., cloneValueFlag=True)`` of decoded values fails in pyasn1 0.6 on
    constrained SET OFs (RDNs), so re-tagging goes field by field.
    """
    for idx in range(len(source.componentType)):
        component = source.getComponentByPosition(idx, instantiate=False)
        if component is not univ.noValue and component.isValue:
            target.setComponentByPosition(idx, component)
    return target


def asn1_to_cert(value: univ.Sequence) -> x509.Certificate:
    """A decoded certificate (possibly carrying a context tag, e.g. CertOrEncCert's [0]
    EXPLICIT) as an ``x509.Certificate``: re-tag to the plain SEQUENCE before DER."""
    plain = copy_fields(value, rfc5280.Certificate())
    return x509.load_der_x509_certificate(der_encode(plain))


def cert_into(target: univ.Sequence, cert: x509.Certificate) -> univ.Sequence:
    """Fill ``target`` (a possibly tagged, empty certificate value) with ``cert``."""
    return copy_fields(cert_to_asn1(cert), target)


# Certificates as opaque DER (an open-type ``Any`` in place of the CMPCertificate): the same bytes on the wire as
# the decoded form re-encoded, without decoding and re-encoding a certificate in pure Python (~2-5 ms each).


def append_cert(certs: univ.SequenceOf, cert: x509.Certificate) -> None:
    """Append ``cert`` to a SEQUENCE OF CMPCertificate (extraCerts, caPubs) as its DER, undecoded."""
    certs.setComponentByPosition(len(certs), univ.Any(cert.public_bytes(Encoding.DER)), matchTags=False,
                                 matchConstraints=False)


def set_cert_choice(choice: univ.Choice, name: str, cert: x509.Certificate) -> None:
    """Make ``name`` (a tagged CMPCertificate alternative, e.g. CertOrEncCert's [0] EXPLICIT) of ``choice``
    ``cert``, as its DER under the alternative's tags, undecoded."""
    tags = choice.componentType[choice.componentType.getPositionByName(name)].asn1Object.tagSet
    value = univ.Any(cert.public_bytes(Encoding.DER), tagSet=univ.Any.tagSet.tagExplicitly(tags[-1])
                     if len(tags) > 1 else univ.Any.tagSet)
    choice.setComponentByPosition(choice.componentType.getPositionByName(name), value, matchTags=False,
                                  matchConstraints=False)


_DECODED: dict[bytes, x509.Certificate] = {}  # DER as received -> the certificate it decoded to (bounded)
_DECODED_MAX = 1024


def any_to_cert(value: univ.Any) -> x509.Certificate:
    """A certificate received as an open type (``Any``), decoded exactly as a CMPCertificate component is (pyasn1
    decode, DER re-encode, ``cryptography``), once per distinct DER: a peer's extraCerts are the same in every
    message, so only a new certificate costs the pure-Python decode. Failures are not remembered."""
    der = bytes(value)
    cert = _DECODED.get(der)
    if cert is None:
        decoded, rest = der_decode(der, asn1Spec=rfc9810.CMPCertificate())
        if rest:
            raise ValueError("trailing bytes after certificate")
        cert = asn1_to_cert(decoded)
        if len(_DECODED) >= _DECODED_MAX:
            _DECODED.clear()  # bounded; clear() is atomic where popping the oldest could race another thread
        _DECODED[der] = cert
    return cert


# -- status ------------------------------------------------------------------------------------


def fail_info_bits(names: Iterable[str]) -> rfc4210.PKIFailureInfo | None:
    """PKIFailureInfo BIT STRING for the given failure names (None when empty)."""
    wanted = sorted(set(names))
    unknown = [n for n in wanted if n not in FAIL_INFO_BITS]
    if unknown:
        raise ValueError(f"unknown PKIFailureInfo name(s): {', '.join(unknown)}")
    if not wanted:
        return None
    return rfc4210.PKIFailureInfo(",".join(wanted))


def fail_info_names(bits: univ.BitString) -> frozenset[str]:
    """Names of the bits set in a decoded PKIFailureInfo (unknown bits as ``bit<N>``)."""
    return frozenset(
        _FAIL_INFO_NAMES.get(i, f"bit{i}") for i, bit in enumerate(bits) if bit
    )


def fill_status_info(
    info: univ.Sequence, status: int, fail_info: Iterable[str] = (), status_string: str | None = None
) -> None:
    """Fill a PKIStatusInfo (either module's class, tagged or not) in place."""
    if status not in PKI_STATUS:
        raise ValueError(f"PKIStatus must be 0..6, got {status}")
    info["status"] = status
    if status_string is not None:
        info["statusString"].append(status_string)
    bits = fail_info_bits(fail_info)
    if bits is not None:
        info["failInfo"] = info["failInfo"].clone(bits)


def free_text(value: univ.SequenceOf) -> tuple[str, ...]:
    return tuple(str(s) for s in value) if value.isValue else ()


# -- time ------------------------------------------------------------------------------------


def generalized_time(when: datetime | None = None) -> str:
    """GeneralizedTime text (whole seconds, UTC, ``Z``) for an aware datetime (default: now)."""
    if when is None:
        when = datetime.now(timezone.utc)
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("message time must be a timezone-aware datetime")
    return when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%SZ")


def parse_generalized_time(value: useful.GeneralizedTime) -> datetime:
    dt: datetime = value.asDateTime
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


# -- certConf hash -----------------------------------------------------------------------------


def cert_hash_alg(cert: x509.Certificate) -> hashes.HashAlgorithm:
    """The hash of the certificate's signature algorithm (RFC 9810 5.3.18, RFC 9481 3):
    SHA-512 for Ed25519 and SHAKE256 (512 bits) for Ed448 issuers."""
    alg = cert.signature_hash_algorithm
    if alg is not None:
        return alg
    oid = cert.signature_algorithm_oid.dotted_string
    if oid == "1.3.101.112":
        return hashes.SHA512()
    if oid == "1.3.101.113":
        return hashes.SHAKE256(64)
    raise ValueError(f"no hash known for signature algorithm {oid}")


def cert_hash(cert: x509.Certificate, hash_alg: hashes.HashAlgorithm | str | None = None) -> bytes:
    """certHash of ``cert``: with ``hash_alg`` (object or OID) or its signature's hash."""
    if isinstance(hash_alg, str):
        resolved = hash_by_oid(hash_alg)
        if resolved is None:
            raise ValueError(f"unsupported hash algorithm OID {hash_alg}")
        hash_alg = resolved
    algorithm = hash_alg or cert_hash_alg(cert)
    digest = hashes.Hash(algorithm)
    digest.update(cert.public_bytes(Encoding.DER))
    return digest.finalize()


def hash_oid(alg: hashes.HashAlgorithm) -> str:
    try:
        return HASH_OIDS[alg.name]
    except KeyError:
        raise ValueError(f"no OID known for hash {alg.name}") from None
