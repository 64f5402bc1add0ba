"""MAC-based protection of PKIMessages (shared-secret protection, RFC 9483 clause 3.2 / RFC 9481
clause 6.1): PasswordBasedMac (RFC 9810 5.1.3.1, RFC 4211 4.4) and PBMAC1 (RFC 8018 / RFC 9481
6.1.1, PBKDF2 with HMAC-SHA256 followed by HMAC-SHA256).

Outgoing: a :class:`MacProtection` in :class:`~.header.HeaderFields` (``mac=``) makes
:func:`~.header.finish_message` set protectionAlg (with freshly salted parameters) and MAC the
ProtectedPart instead of signing it. Incoming: :func:`verify_mac_protection` (either kind),
:func:`verify_pbmac1_protection`; :func:`~.protection.verify_pbm_protection` covers PBM.

Secrets are never logged, printed or put into exception messages; ``MacProtection``'s repr
hides the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import univ
from pyasn1_alt_modules import rfc8018, rfc9810

from .asn1util import HASH_OIDS
from .parse import PkiMessageView

MacAlg = Literal["pbm", "pbmac1"]

PASSWORD_BASED_MAC = str(rfc9810.id_PasswordBasedMac)  # 1.2.840.113533.7.66.13
PBMAC1 = str(rfc8018.id_PBMAC1)  # 1.2.840.113549.1.5.14
PBKDF2 = str(rfc8018.id_PBKDF2)  # 1.2.840.113549.1.5.12
HMAC_WITH_SHA256 = str(rfc8018.id_hmacWithSHA256)  # 1.2.840.113549.2.9

# HMAC algorithm OIDs accepted when verifying (RFC 9481 6.2.1, plus SHA-1 for OpenSSL's PBM)
HMAC_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "1.3.6.1.5.5.8.1.2": hashes.SHA1,  # hMAC-SHA1 (OpenSSL 3.0 PBM default)
    "1.2.840.113549.2.7": hashes.SHA1,  # id-hmacWithSHA1
    "1.2.840.113549.2.8": hashes.SHA224,
    HMAC_WITH_SHA256: hashes.SHA256,
    "1.2.840.113549.2.10": hashes.SHA384,
    "1.2.840.113549.2.11": hashes.SHA512,
}
SALT_LENGTH = 16
PBMAC1_KEY_LENGTH = 32
MAX_ITERATIONS = 100_000  # OpenSSL's OSSL_CRMF_PBM_MAX_ITERATION_COUNT; bounds verification cost


@dataclass(frozen=True)
class MacProtection:
    """How to MAC-protect an outgoing message. ``salt`` None: 16 fresh random bytes."""

    secret: bytes = field(repr=False)
    alg: MacAlg = "pbm"
    iterations: int = 10_000
    salt: bytes | None = None

    def __post_init__(self) -> None:
        if self.alg not in ("pbm", "pbmac1"):
            raise ValueError(f"unknown MAC protection {self.alg!r} (expected 'pbm' or 'pbmac1')")
        if not isinstance(self.secret, (bytes, bytearray)):
            raise TypeError("mac secret must be bytes")
        if not 0 < self.iterations <= MAX_ITERATIONS:
            raise ValueError(f"iteration count must be 1..{MAX_ITERATIONS}")


def mac_protection(
    secret: bytes | None, alg: MacAlg = "pbm", iterations: int = 10_000
) -> MacProtection | None:
    """The builders' ``mac_secret`` / ``mac_alg`` / ``mac_iterations`` as a MacProtection."""
    return None if secret is None else MacProtection(bytes(secret), alg, iterations)


# -- key derivation ------------------------------------------------------------------------------


_HASHLIB = {"sha1": hashlib.sha1, "sha224": hashlib.sha224, "sha256": hashlib.sha256, "sha384": hashlib.sha384,
            "sha512": hashlib.sha512}


def pbm_key(secret: bytes, salt: bytes, owf: hashes.HashAlgorithm, iterations: int) -> bytes:
    """PasswordBasedMac key: OWF^iterationCount(secret || salt) (RFC 4211 4.4)."""
    key = secret + salt
    new = _HASHLIB.get(owf.name)  # a hashlib constructor per round is 30x cheaper than cryptography's Hash object
    if new is not None:
        for _ in range(iterations):
            key = new(key).digest()
        return key
    for _ in range(iterations):
        digest = hashes.Hash(owf)
        digest.update(key)
        key = digest.finalize()
    return key


def pbkdf2_key(
    secret: bytes, salt: bytes, iterations: int, length: int, prf: hashes.HashAlgorithm
) -> bytes:
    return PBKDF2HMAC(algorithm=prf, length=length, salt=salt, iterations=iterations).derive(secret)


# -- protectionAlg ---------------------------------------------------------------------------------


def _alg_id(target: univ.Sequence, oid: str, null_params: bool = False) -> univ.Sequence:
    target["algorithm"] = univ.ObjectIdentifier(oid)
    if null_params:
        target["parameters"] = univ.Any(der_encode(univ.Null("")))
    return target


def protection_alg(mac: MacProtection) -> tuple[str, bytes, bytes]:
    """(protectionAlg OID, DER of its parameters, MAC key) for ``mac`` with a fresh salt."""
    salt = mac.salt if mac.salt is not None else os.urandom(SALT_LENGTH)
    if mac.alg == "pbm":
        params = rfc9810.PBMParameter()
        params["salt"] = params["salt"].clone(salt)
        _alg_id(params["owf"], HASH_OIDS["sha256"])
        params["iterationCount"] = mac.iterations
        _alg_id(params["mac"], HMAC_WITH_SHA256)
        key = pbm_key(mac.secret, salt, hashes.SHA256(), mac.iterations)
        return PASSWORD_BASED_MAC, bytes(der_encode(params)), key
    kdf = rfc8018.PBKDF2_params()
    kdf["salt"]["specified"] = kdf["salt"]["specified"].clone(salt)
    kdf["iterationCount"] = mac.iterations
    kdf["keyLength"] = PBMAC1_KEY_LENGTH
    _alg_id(kdf["prf"], HMAC_WITH_SHA256, null_params=True)
    params1 = rfc8018.PBMAC1_params()
    params1["keyDerivationFunc"]["algorithm"] = univ.ObjectIdentifier(PBKDF2)
    params1["keyDerivationFunc"]["parameters"] = univ.Any(der_encode(kdf))
    _alg_id(params1["messageAuthScheme"], HMAC_WITH_SHA256, null_params=True)
    key = pbkdf2_key(mac.secret, salt, mac.iterations, PBMAC1_KEY_LENGTH, hashes.SHA256())
    return PBMAC1, bytes(der_encode(params1)), key


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, "sha256").digest()


# -- verification ----------------------------------------------------------------------------------


def _decode_exact(data: bytes, spec: univ.Asn1Item) -> univ.Asn1Item:
    value, rest = der_decode(data, asn1Spec=spec)
    if rest:
        raise ValueError("trailing bytes")
    return value


def pbmac1_expected(params_der: bytes, secret: bytes, data: bytes) -> bytes | None:
    """The PBMAC1 MAC of ``data`` under the given PBMAC1-params, or None when the parameters
    are unsupported (only PBKDF2 with an HMAC PRF, then HMAC)."""
    params = _decode_exact(params_der, rfc8018.PBMAC1_params())
    kdf_alg = params["keyDerivationFunc"]
    if str(kdf_alg["algorithm"]) != PBKDF2 or not kdf_alg["parameters"].isValue:
        return None
    kdf = _decode_exact(bytes(kdf_alg["parameters"]), rfc8018.PBKDF2_params())
    if kdf["salt"].getName() != "specified":
        return None
    prf = kdf["prf"]
    prf_oid = str(prf["algorithm"]) if prf.isValue else "1.2.840.113549.2.7"  # DEFAULT hmacWithSHA1
    prf_hash = HMAC_HASHES.get(prf_oid)
    mac_hash = HMAC_HASHES.get(str(params["messageAuthScheme"]["algorithm"]))
    iterations = int(kdf["iterationCount"])
    if prf_hash is None or mac_hash is None or not 0 < iterations <= MAX_ITERATIONS:
        return None
    length = int(kdf["keyLength"]) if kdf["keyLength"].isValue else mac_hash.digest_size
    if not 0 < length <= 128:
        return None
    key = pbkdf2_key(secret, bytes(kdf["salt"]["specified"]), iterations, length, prf_hash())
    return hmac.new(key, data, mac_hash().name).digest()


def verify_pbmac1_protection(view: PkiMessageView, secret: bytes) -> bool:
    """True iff ``view`` is protected by PBMAC1 (RFC 9481 6.1.1) with ``secret``. Never raises."""
    if view.protection is None or view.protection_alg != PBMAC1 or view.protection_alg_params is None:
        return False
    try:
        expected = pbmac1_expected(view.protection_alg_params, secret, view.protected_part_der)
    except Exception:  # malformed parameters are a failed verification, not a crash
        return False
    return expected is not None and hmac.compare_digest(expected, view.protection)


def verify_mac_protection(view: PkiMessageView, secret: bytes) -> bool:
    """True iff ``view`` is MAC-protected (PasswordBasedMac or PBMAC1) with ``secret``."""
    from .protection import verify_pbm_protection  # protection imports parse; keep import lazy

    if view.protection_alg == PASSWORD_BASED_MAC:
        return verify_pbm_protection(view, secret)
    if view.protection_alg == PBMAC1:
        return verify_pbmac1_protection(view, secret)
    return False


__all__ = [
    "HMAC_WITH_SHA256",
    "MAX_ITERATIONS",
    "PASSWORD_BASED_MAC",
    "PBKDF2",
    "PBMAC1",
    "MacAlg",
    "MacProtection",
    "hmac_sha256",
    "mac_protection",
    "pbkdf2_key",
    "pbm_key",
    "pbmac1_expected",
    "protection_alg",
    "verify_mac_protection",
    "verify_pbmac1_protection",
]
