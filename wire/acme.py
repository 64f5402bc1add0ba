"""ACME vocabulary both sides share (RFC 8555, RFC 8737, RFC 9447 and the harness's NFV bindings)."""

from __future__ import annotations

import josepy as jose
from cryptography import x509

CHALLENGE_TYPES = ("tls-alpn-01", "tkauth-01")
MANO_CERT_TYPE = "NFV_MANO_certificate"  # the CA profile a CMF selects for MANO certificates (Cmf.CertLcm.004)
# Harness binding: the OID under which a CSR carries the key attestation statement (IFA033 11.2.1 NOTE 1 leaves
# the inclusion open); 2.25.<UUIDv5(URL, "urn:nfvct:binding:key-attestation")>
ATTESTATION_OID = "2.25.87650096852005757010942205691698941054"
ACME_TLS_ALPN = "acme-tls/1"
ACME_IDENTIFIER_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.31")  # id-pe-acmeIdentifier (RFC 8737 6.1)


def key_authorization(token: str, jwk: jose.JWK) -> str:
    """RFC 8555 8.1: token || '.' || base64url(JWK thumbprint, RFC 7638)."""
    return f"{token}.{jose.b64encode(jwk.thumbprint()).decode()}"


def account_fingerprint(jwk: jose.JWK) -> str:
    """RFC 9447 4 'fingerprint' of the account key (harness binding: SHA256 of the RFC 7638 thumbprint input,
    written as 'SHA256 ' + colon-separated upper-case hex, the RFC 8122 form)."""
    digest = jwk.thumbprint()  # josepy's default: SHA-256
    return "SHA256 " + ":".join(f"{b:02X}" for b in digest)
