"""Credential variants the reference CMF's faults need, minted by `nfvct init` next to its real credentials.

``reference/cmf-cmp-nods.crt|key``: a second CMP protection identity of the reference CMF (same subject, same
issuer, a key of its own) whose keyUsage lacks digitalSignature; the reference signs its CMP responses with it
only under the fault protection-cert-no-digitalsignature (RFC 9483 3.3 / RFC 5280 4.2.1.3).

``reference/cmf-cmp-expired.crt|key``: a third one, valid from 30 days ago until yesterday, for the fault
protection-cert-expired (RFC 9483 3.3: the protection certificate valid when the message was made)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from wire.credentials import Issued, new_key

NO_DIGITAL_SIGNATURE = "cmf-cmp-nods"  # file stem under reference/
EXPIRED = "cmf-cmp-expired"


def without_digital_signature(issuer: Issued, like: Issued) -> Issued:
    """A certificate for ``like``'s subject, with ``like``'s extensions but keyUsage keyAgreement only and a
    fresh key, issued by ``issuer``."""
    now = datetime.now(timezone.utc)
    return _variant(issuer, like, now - timedelta(minutes=5), like.cert.not_valid_after_utc, digital_signature=False)


def expired(issuer: Issued, like: Issued) -> Issued:
    """A certificate for ``like``'s subject, with ``like``'s extensions and a fresh key, issued by ``issuer``,
    that expired yesterday."""
    now = datetime.now(timezone.utc)
    return _variant(issuer, like, now - timedelta(days=30), now - timedelta(days=1), digital_signature=True)


def _variant(issuer: Issued, like: Issued, not_before: datetime, not_after: datetime, *,
             digital_signature: bool) -> Issued:
    key = new_key()
    builder = (x509.CertificateBuilder().subject_name(like.cert.subject).issuer_name(issuer.cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after))
    for ext in like.cert.extensions:
        if isinstance(ext.value, x509.KeyUsage) and not digital_signature:
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, True, False, False, False, False), critical=True)
        elif isinstance(ext.value, x509.SubjectKeyIdentifier):
            builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        else:
            builder = builder.add_extension(ext.value, ext.critical)
    return Issued(builder.sign(issuer.key, hashes.SHA256()), key, (issuer.cert, *issuer.chain))
