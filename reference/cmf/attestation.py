"""Key attestation in delegation mode (IFA026 Cmf.CertLcm.011, IFA033 11.2.1), for the reference CMF's p10cr.

Where the VNFM registered an attester for a subject (the harness's binding: the RegistrationRequest subjectId item
carries ``keyAttestation`` {"attesterJwk", "statementOid"}, see simulators/delegation_hsm.py), the CSR for that
subject must carry a statement (attribute statementOid, a compact JWS) signed by that attester, attesting the CSR's
own public key. The reference CMF's certificate policy for VNFCI / VNF OAM keys: generated in the HSM (local) and
sensitive (never readable in plaintext); extractable is allowed, since IFA026 C.2.2.4.7 delivers the key pair to
the VNFCI's HMEE, wrapped. A subject registered without an attester is under no attestation policy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import josepy as jose
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from wire.acme import ATTESTATION_OID

FAIL_INFO = "badCertTemplate"  # the CSR fails validation (IFA026 C.2.2.2.7 step 2), as for the other CSR checks


def refusal(entries: list[dict[str, Any]], vnfci_id: str | None, csr: x509.CertificateSigningRequest,
            has: Callable[[str], bool]) -> str | None:
    """Why the CSR's key attestation does not satisfy the subject's registered attester, or None."""
    registered = next((e.get("keyAttestation") for e in entries
                       if isinstance(e, dict) and e.get("subjectId") == vnfci_id), None)
    if not isinstance(registered, dict) or has("del-skip-attestation"):
        return None
    try:
        oid = x509.ObjectIdentifier(str(registered.get("statementOid", ATTESTATION_OID)))
        attester = jose.JWK.from_json(registered["attesterJwk"])
    except (KeyError, ValueError, TypeError, jose.DeserializationError) as exc:
        return f"key attestation: the registered attester is unusable: {exc}"
    try:
        raw = csr.attributes.get_attribute_for_oid(oid).value
    except x509.AttributeNotFound:
        return None if has("del-attestation-optional") else "key attestation: no statement in the CSR"
    try:
        jws = jose.JWS.from_compact(raw)
        statement = json.loads(jws.payload)
    except (jose.DeserializationError, ValueError, TypeError) as exc:
        return f"key attestation: statement unreadable: {exc}"
    if not isinstance(statement, dict):
        return "key attestation: the statement is not a JSON object"
    if not has("del-attestation-any-signer") and not jws.verify(attester):
        return "key attestation: statement not signed by the attester registered for this subject"
    spki = csr.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if not has("del-attestation-key-unchecked") and \
            statement.get("spkiSha256") != jose.b64encode(hashlib.sha256(spki).digest()).decode():
        return "key attestation: the attested public key is not the CSR's public key"
    if not has("del-attestation-ignores-policy") and not (statement.get("sensitive") is True
                                                         and statement.get("local") is True):
        return "key attestation: the key was not generated in the HSM as a sensitive key (certificate policy)"
    return None
