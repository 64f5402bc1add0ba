"""Verification of PKIMessage protection: signatures (ECDSA, RSA PKCS#1 v1.5, EdDSA) and,
for interop with ``openssl cmp -secret``, password-based MAC (RFC 9810 5.1.3.1)."""

from __future__ import annotations

import hmac

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1_alt_modules import rfc9810

from .asn1util import hash_by_oid
from .mac import pbm_key
from .parse import PkiMessageView

# protectionAlg OID -> (key family, hash or None)
SIGNATURE_ALGS: dict[str, tuple[str, type[hashes.HashAlgorithm] | None]] = {
    "1.2.840.10045.4.3.2": ("ec", hashes.SHA256),
    "1.2.840.10045.4.3.3": ("ec", hashes.SHA384),
    "1.2.840.10045.4.3.4": ("ec", hashes.SHA512),
    "1.2.840.113549.1.1.11": ("rsa", hashes.SHA256),
    "1.2.840.113549.1.1.12": ("rsa", hashes.SHA384),
    "1.2.840.113549.1.1.13": ("rsa", hashes.SHA512),
    "1.3.101.112": ("ed25519", None),
    "1.3.101.113": ("ed448", None),
}

PASSWORD_BASED_MAC = str(rfc9810.id_PasswordBasedMac)
# MAC algorithms allowed in PBMParameter.mac (RFC 9481 6.1)
_HMACS: dict[str, type[hashes.HashAlgorithm]] = {
    "1.3.6.1.5.5.8.1.2": hashes.SHA1,  # hMAC-SHA1
    "1.2.840.113549.2.7": hashes.SHA1,  # id-hmacWithSHA1
    "1.2.840.113549.2.8": hashes.SHA224,
    "1.2.840.113549.2.9": hashes.SHA256,
    "1.2.840.113549.2.10": hashes.SHA384,
    "1.2.840.113549.2.11": hashes.SHA512,
}
_MAX_PBM_ITERATIONS = 100_000


def verify_signature_protection(view: PkiMessageView, cert: x509.Certificate) -> bool:
    """True iff ``view`` carries a signature protection that ``cert``'s public key verifies.

    Returns False (never raises) for a missing or wrong signature, an unknown or MAC
    protectionAlg, or a key of another type than the algorithm needs.
    """
    if view.protection is None or view.protection_alg is None:
        return False
    alg = SIGNATURE_ALGS.get(view.protection_alg)
    if alg is None:
        return False
    family, hash_cls = alg
    data = view.protected_part_der
    try:
        key = cert.public_key()  # may fail late: cryptography parses certificates lazily
        if family == "ec" and isinstance(key, ec.EllipticCurvePublicKey) and hash_cls:
            key.verify(view.protection, data, ec.ECDSA(hash_cls()))
        elif family == "rsa" and isinstance(key, rsa.RSAPublicKey) and hash_cls:
            key.verify(view.protection, data, padding.PKCS1v15(), hash_cls())
        elif family == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(view.protection, data)
        elif family == "ed448" and isinstance(key, ed448.Ed448PublicKey):
            key.verify(view.protection, data)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def protection_signer(view: PkiMessageView) -> x509.Certificate | None:
    """The first extraCert whose public key verifies the message's signature, else None."""
    for cert in view.extra_certs:
        if verify_signature_protection(view, cert):
            return cert
    return None


def verify_pbm_protection(view: PkiMessageView, secret: bytes) -> bool:
    """True iff ``view`` is protected by PasswordBasedMac with ``secret`` (RFC 9810 5.1.3.1):
    key = OWF^iterationCount(secret || salt), protection = MAC(key, ProtectedPart)."""
    if view.protection is None or view.protection_alg != PASSWORD_BASED_MAC:
        return False
    if view.protection_alg_params is None:
        return False
    try:
        params, rest = der_decode(view.protection_alg_params, asn1Spec=rfc9810.PBMParameter())
        if rest:
            return False
        owf = hash_by_oid(str(params["owf"]["algorithm"]))
        mac_hash = _HMACS.get(str(params["mac"]["algorithm"]))
        iterations = int(params["iterationCount"])
        if owf is None or mac_hash is None or not 0 < iterations <= _MAX_PBM_ITERATIONS:
            return False
        key = pbm_key(secret, bytes(params["salt"]), owf, iterations)
        expected = hmac.new(key, view.protected_part_der, mac_hash().name).digest()
    except Exception:  # malformed parameters are a failed verification, not a crash
        return False
    return hmac.compare_digest(expected, view.protection)
