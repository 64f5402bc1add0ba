"""Certificate path building and small X.509 helpers, on cryptography's primitives."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID


class PathError(ValueError):
    pass


def build_path(
    leaf: x509.Certificate,
    candidates: Iterable[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    *,
    at: datetime | None = None,
    max_depth: int = 8,
) -> list[x509.Certificate]:
    """Leaf-to-anchor path using ``candidates`` as intermediates; raises PathError saying why not
    (also for certificates whose names or keys do not parse: cryptography parses them lazily)."""
    try:
        return _build_path(leaf, candidates, anchors, at=at, max_depth=max_depth)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        if isinstance(exc, PathError):
            raise
        raise PathError(f"malformed certificate: {exc}") from exc


def _build_path(
    leaf: x509.Certificate,
    candidates: Iterable[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    *,
    at: datetime | None,
    max_depth: int,
) -> list[x509.Certificate]:
    when = at or datetime.now(timezone.utc)
    pool = [c for c in candidates if c != leaf]
    path = [leaf]
    current = leaf
    for _ in range(max_depth):
        _check_validity(current, when)
        for anchor in anchors:
            if anchor.subject == current.issuer and _issued_by(current, anchor):
                return [*path, anchor] if anchor != current else path
        issuer = next((c for c in pool if c.subject == current.issuer and _issued_by(current, c)), None)
        if issuer is None:
            raise PathError(
                f"no issuer for '{current.subject.rfc4514_string()}' (issuer "
                f"'{current.issuer.rfc4514_string()}') among {len(pool)} supplied certificate(s) "
                f"and {len(anchors)} trust anchor(s)"
            )
        if not _is_ca(issuer):
            raise PathError(f"'{issuer.subject.rfc4514_string()}' is not a CA certificate")
        pool.remove(issuer)
        path.append(issuer)
        current = issuer
    raise PathError(f"no path within {max_depth} certificates")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _check_validity(cert: x509.Certificate, when: datetime) -> None:
    if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
        raise PathError(f"'{cert.subject.rfc4514_string()}' is not valid at {when.isoformat()}")


def san_strings(obj: x509.Certificate | x509.CertificateSigningRequest) -> list[str]:
    """subjectAltName values as plain strings (DNS names, IPs, URIs, e-mail addresses)."""
    try:
        san = obj.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    values: list[str] = []
    for name in san:
        value = name.value
        values.append(str(value) if not isinstance(value, x509.Name) else value.rfc4514_string())
    return values


def san_general_names(values: Iterable[str]) -> list[x509.GeneralName]:
    """Registered subjectAlternateName strings -> GeneralNames (IP, URI, e-mail or DNS)."""
    names: list[x509.GeneralName] = []
    for value in values:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(value)))
            continue
        except ValueError:
            pass
        if ":" in value:
            names.append(x509.UniformResourceIdentifier(value))
        elif "@" in value:
            names.append(x509.RFC822Name(value))
        else:
            names.append(x509.DNSName(value))
    return names


SUBJECT_ATTRIBUTES = {
    "commonName": NameOID.COMMON_NAME,
    "organization": NameOID.ORGANIZATION_NAME,
    "country": NameOID.COUNTRY_NAME,
    "state": NameOID.STATE_OR_PROVINCE_NAME,
    "locality": NameOID.LOCALITY_NAME,
    "emailAddress": NameOID.EMAIL_ADDRESS,
}


def subject_from_data(data: dict[str, str] | None) -> x509.Name:
    """CertSubjectData (SOL023 5.6.4.3.2) -> X.509 Name, in a fixed attribute order."""
    attrs = [
        x509.NameAttribute(oid, str(data[key]))
        for key, oid in SUBJECT_ATTRIBUTES.items()
        if data and data.get(key)
    ]
    return x509.Name(attrs)


def subject_matches(name: x509.Name, data: dict[str, str] | None) -> bool:
    """Every attribute given in CertSubjectData appears, with that value, in the name."""
    for key, oid in SUBJECT_ATTRIBUTES.items():
        if data and data.get(key):
            values = [a.value for a in name.get_attributes_for_oid(oid)]
            if values != [data[key]]:
                return False
    return True


def spki(obj: x509.Certificate | x509.CertificateSigningRequest) -> bytes:
    return obj.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()
