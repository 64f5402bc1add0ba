"""The files a profile names, checked when it loads: each a PEM of the kind its key says, and every
certificate/key pair a matching pair. A mistake is one ProfileError line naming the key to fix, found before
any scenario runs (not a TLS library traceback in the middle of the run)."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.profile_keys import ProfileError

_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def certificates(path: Path, where: str) -> list[x509.Certificate]:
    """The PEM certificates of ``path`` (at least one)."""
    try:
        certs = x509.load_pem_x509_certificates(path.read_bytes())
    except (ValueError, OSError) as exc:
        raise ProfileError(f"{where}: not a PEM certificate file: {path} ({exc})") from None
    return certs


def key_pair(cert: Path, key: Path, where: str, names: tuple[str, str] = ("cert", "key")) -> None:
    """``cert`` (leaf first) and ``key`` (unencrypted PEM), the profile keys ``where``.``names``, belong
    together."""
    cert_key, key_key = f"{where}.{names[0]}", f"{where}.{names[1]}"
    leaf = certificates(cert, cert_key)[0]
    try:
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    except TypeError:
        raise ProfileError(f"{key_key}: {key} is encrypted; give the harness an unencrypted PEM key") from None
    except (ValueError, OSError) as exc:
        raise ProfileError(f"{key_key}: not a PEM private key: {key} ({exc})") from None
    if private.public_key().public_bytes(*_SPKI) != leaf.public_key().public_bytes(*_SPKI):
        raise ProfileError(f"{key_key} ({key}) is not the key of {cert_key} ({cert.name}, subject "
                           f"{leaf.subject.rfc4514_string()}): give the matching pair")
