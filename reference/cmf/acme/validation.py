"""Identifier validation by the reference CMF: tls-alpn-01 (RFC 8737) and tkauth-01 (RFC 9447), and the key
attestation statement of a CSR (IFA033 11.2.1; the statement format is the harness's binding, see hsm.py)."""

from __future__ import annotations

import hashlib
import json
import socket
import ssl
import time
from typing import Any

import josepy as jose
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.type import univ

from wire.acme import ACME_IDENTIFIER_OID, ACME_TLS_ALPN, ATTESTATION_OID, account_fingerprint

def probe_tls_alpn(host: str, port: int, fqdn: str, key_auth: str, timeout: float,
                   check_digest: bool = True) -> tuple[bool, str]:
    """Connect with ALPN acme-tls/1 and SNI ``fqdn``; the self-signed certificate must name only ``fqdn`` and
    carry a critical acmeIdentifier with SHA-256(key authorization) (RFC 8737 3)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the challenge certificate is self-signed by design
    context.set_alpn_protocols([ACME_TLS_ALPN])
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=fqdn) as tls:
                der = tls.getpeercert(binary_form=True)
                alpn = tls.selected_alpn_protocol()
    except OSError as exc:
        return False, f"connection to {host}:{port} failed: {exc}"
    if alpn != ACME_TLS_ALPN:
        return False, f"ALPN {alpn!r} negotiated, not {ACME_TLS_ALPN}"
    if der is None:
        return False, "no certificate presented"
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        ext = cert.extensions.get_extension_for_oid(ACME_IDENTIFIER_OID)
    except x509.ExtensionNotFound as exc:
        return False, f"challenge certificate lacks {exc.oid.dotted_string}"
    names = san.get_values_for_type(x509.DNSName)
    if names != [fqdn] or len(list(san)) != 1:
        return False, f"subjectAltName {names} is not exactly [{fqdn}]"
    if not ext.critical:
        return False, "acmeIdentifier is not critical"
    value, _ = der_decoder.decode(ext.value.value, asn1Spec=univ.OctetString())
    if check_digest and bytes(value) != hashlib.sha256(key_auth.encode()).digest():
        return False, "acmeIdentifier does not match the key authorization"
    return True, f"validated at {host}:{port} with ALPN {ACME_TLS_ALPN}"


def verify_authority_token(token: str, authority_jwk: dict[str, str], fqdn: str, account_jwk: jose.JWK,
                           *, check_issuer: bool = True) -> tuple[bool, str]:
    """RFC 9447: a JWT from the trusted token authority whose atc claim names the identifier and whose
    fingerprint binds the requesting account."""
    try:
        jws = jose.JWS.from_compact(token.encode())
        claims = json.loads(jws.payload)
    except (jose.DeserializationError, ValueError, TypeError) as exc:
        return False, f"not a JWT: {exc}"
    if check_issuer:
        if not authority_jwk:
            return False, "no trusted token authority configured"
        if not jws.verify(jose.JWK.from_json(authority_jwk)):
            return False, "token not signed by the trusted token authority"
    atc = claims.get("atc") if isinstance(claims, dict) else None
    if not isinstance(atc, dict):
        return False, "no atc claim"
    if atc.get("tktype") != "dns" or atc.get("tkvalue") != fqdn:
        return False, f"atc names {atc.get('tktype')}:{atc.get('tkvalue')}, not dns:{fqdn}"
    if atc.get("fingerprint") != account_fingerprint(account_jwk):
        return False, "atc fingerprint is not the requesting account's key"
    if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
        return False, "token expired or without exp"
    return True, "authority token verified"


def verify_attestation(csr: x509.CertificateSigningRequest, registered: dict[str, Any]) -> tuple[bool, str]:
    """The CSR carries a statement (attribute ATTESTATION_OID, UTF8String compact JWS) signed by the attester
    registered for the subject, attesting this CSR's public key (IFA033 11.2.1)."""
    oid = x509.ObjectIdentifier(registered.get("statementOid", ATTESTATION_OID))
    try:
        raw = csr.attributes.get_attribute_for_oid(oid).value
    except x509.AttributeNotFound:
        return False, "no key attestation statement in the CSR"
    try:
        jws = jose.JWS.from_compact(raw)
        statement = json.loads(jws.payload)
    except (jose.DeserializationError, ValueError, TypeError) as exc:
        return False, f"attestation statement unreadable: {exc}"
    if not jws.verify(jose.JWK.from_json(registered["attesterJwk"])):
        return False, "attestation statement not signed by the registered attester"
    spki = csr.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if statement.get("spkiSha256") != jose.b64encode(hashlib.sha256(spki).digest()).decode():
        return False, "the attested public key is not the CSR's public key"
    if statement.get("extractable") is not False:
        return False, "the attested key is extractable"
    return True, "key attestation statement verified against the registered attester"
