"""Credentials as both sides hold them: a certificate, its private key and the chain above it, loaded from PEM
files (the form every product's configuration takes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

PrivateKey = ec.EllipticCurvePrivateKey


def new_key() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class Issued:
    """A certificate, its key, and the chain above it (issuer first, root last)."""

    cert: x509.Certificate
    key: PrivateKey
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def name(self) -> x509.Name:
        return self.cert.subject

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def chain_pem(self) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.cert, *self.chain))

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )




def load_issued(cert_chain: Path, key: Path) -> Issued:
    """A credential from a chain PEM (leaf first) and a PKCS#8 / SEC1 key PEM."""
    certs = x509.load_pem_x509_certificates(cert_chain.read_bytes())
    private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key}: an EC private key is required")
    if certs[0].public_key() != private.public_key():
        raise ValueError(f"{cert_chain} and {key} do not belong together (the key is not the certificate's)")
    return Issued(certs[0], private, tuple(certs[1:]))
