"""pkilint (RFC 5280 certificate linter) as an independent second opinion on every obtained certificate.

Same validator sets as pkilint's ``lint_pkix_cert`` and, with the issuing CA certificate,
``lint_pkix_signer_signee_cert_chain``; findings of severity WARNING and above are
reported, plus the INFO findings our checks can be compared with (e.g. SKI method 1 identified).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

SEVERITIES = ("WARNING", "ERROR", "FATAL")
# our C.6 check -> the pkilint finding codes about the same certificate field (substring match on the code)
AREAS: dict[str, tuple[str, ...]] = {
    "c6-validity": ("validity",),
    "c6-key-usage": ("pkix.key_usage", "keyusage", "key_usage_"),
    "c6-extended-key-usage": ("extended_key_usage", "eku"),
    "c6-authority-key-identifier": ("authority_key_identifier", "issuer_and_subject_key_identifier"),
    "c6-subject-key-identifier": ("pkix.subject_key_identifier", "unknown_subject_key_identifier"),
    "c6-crl-distribution-point": ("crl_distribution", "cdp"),
    "c6-authority-info-access": ("authority_information_access", "aia"),
}


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    path: str

    def __str__(self) -> str:
        return f"{self.severity} {self.code}" + (f" ({self.message})" if self.message else "")


@functools.cache
def _validator() -> Any:
    from pkilint.pkix import certificate, extension, name

    return certificate.create_pkix_certificate_validator_container(
        certificate.create_decoding_validators(name.ATTRIBUTE_TYPE_MAPPINGS, extension.EXTENSION_MAPPINGS),
        [certificate.create_issuer_validator_container([]), certificate.create_validity_validator_container(),
         certificate.create_subject_validator_container([]), certificate.create_extensions_validator_container([]),
         certificate.create_spki_validator_container([])],
    )


@functools.lru_cache(maxsize=256)
def _lint_der(der: bytes) -> tuple[Finding, ...]:
    from pkilint import loader

    try:
        document = loader.RFC5280CertificateDocumentLoader().load_der_document(der, "certificate")
        results = _validator().validate(document.root)
    except Exception as exc:  # pkilint could not load or walk it: that is its finding
        return (Finding("FATAL", "pkilint.load_failed", f"{type(exc).__name__}: {exc}", ""),)
    out = []
    for result in results:
        for description in result.finding_descriptions:
            out.append(Finding(str(description.finding.severity), description.finding.code,
                               description.message or "", str(result.node.path)))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _lint_pair(issuer_der: bytes, subject_der: bytes) -> tuple[Finding, ...]:
    """pkilint's lint_pkix_signer_signee_cert_chain on one issuer -> subject pair."""
    from pkilint import loader
    from pkilint.bin import lint_pkix_signer_signee_cert_chain as chain

    collection: dict[str, Any] = {}
    try:
        load = loader.RFC5280CertificateDocumentLoader().load_der_document
        issuer = collection["issuer"] = load(issuer_der, "issuer.der", "issuer", collection)
        subject = collection["subject"] = load(subject_der, "subject.der", "subject", collection)
        results = chain.create_decoder_validation_container().validate(issuer.root)
        results += chain.create_decoder_validation_container().validate(subject.root)
        results += chain.create_issuer_validation_container().validate(issuer.root)
        results += chain.create_subject_validation_container().validate(subject.root)
    except Exception as exc:
        return (Finding("FATAL", "pkilint.chain_load_failed", f"{type(exc).__name__}: {exc}", ""),)
    return tuple(Finding(str(d.finding.severity), d.finding.code, d.message or "", f"chain:{r.node.path}")
                 for r in results for d in r.finding_descriptions)


def lint_chain(issuer: x509.Certificate, subject: x509.Certificate) -> tuple[Finding, ...]:
    """Findings of the issuer/subject pair linter (name chaining, key identifiers, signature)."""
    return _lint_pair(issuer.public_bytes(Encoding.DER), subject.public_bytes(Encoding.DER))


def lint(cert: x509.Certificate) -> tuple[Finding, ...]:
    """Every pkilint finding (all severities) on one certificate."""
    return _lint_der(cert.public_bytes(Encoding.DER))


def significant(findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.severity in SEVERITIES]


def opinion(check: str, findings: tuple[Finding, ...], our_verdict_passed: bool) -> str:
    """What pkilint says about the field a C.6 check judges, and whether it agrees with us."""
    area = AREAS.get(check, ())
    related = [f for f in findings if any(a in f.code.lower() for a in area)]
    bad = [f for f in related if f.severity in SEVERITIES]
    if our_verdict_passed and bad:
        return "pkilint DISAGREES: " + "; ".join(str(f) for f in bad)
    if not our_verdict_passed and not bad:
        if related:
            return "pkilint notes only: " + "; ".join(str(f) for f in related)
        return "pkilint DISAGREES: no finding on this field (RFC 5280 linting does not cover this C.6 rule)"
    if bad:
        return "pkilint agrees: " + "; ".join(str(f) for f in bad)
    info = [f.code for f in related]
    return "pkilint agrees (no finding" + (f"; {', '.join(info)}" if info else "") + ")"
