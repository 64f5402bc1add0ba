"""C.6 profile checks and the pkilint wrapper on hand-built certificates (the fault runs are in test_faults)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from harness import lint
from harness.checks.profile_checks import CHECKS, load_profile
from harness.checks.registry import REGISTRY, Observation
from harness.checks.validity_checks import DeclaredValidity
from harness.model import Verdict
from simulators.ca import CaSimulator
from simulators.pki import build_test_pki, new_key
from simulators.vnfm import make_csr

PKI = build_test_pki()


def _issue(faults: frozenset[str] = frozenset()) -> tuple[x509.Certificate, x509.Certificate]:
    ca = CaSimulator(issuing=PKI.issuing, faults=faults, base_url="https://127.0.0.1:1")
    csr, _ = make_csr({"commonName": "vnfc-1.vnf.nfvct.test"}, ["vnfc-1.vnf.nfvct.test"])
    record = ca.issue(csr, "VNFCI_certificate", "vnfci-1", 90)
    return record.cert, PKI.issuing["VNFCI_certificate"].cert


def _verdicts(cert: x509.Certificate, issuer: x509.Certificate | None) -> dict[str, tuple[Verdict, str]]:
    findings = lint.lint(cert) + (lint.lint_chain(issuer, cert) if issuer is not None else ())
    facts = {"cert": cert, "cert_type": "VNFCI_certificate", "profile": load_profile(), "issuer": issuer,
             "lint": findings, "declared_validity": DeclaredValidity("ordinary", 90 * 86400)}
    out = {}
    for name in CHECKS:
        result = REGISTRY[name].func(Observation(facts=facts))
        out[name] = (result.verdict, result.observed)
    return out


def test_default_profile_is_the_c6_table() -> None:
    profile = load_profile()
    assert profile["max_validity_days"] == 3 * 365
    ext = profile["extensions"]
    assert ext["keyUsage"]["critical"] is True and ext["keyUsage"]["mandatory"] is True
    assert ext["subjectKeyIdentifier"]["mandatory"] is False  # table C.6-1: Mandatory FALSE
    assert ext["cRLDistributionPoints"]["mandatory"] is True


def test_clean_ca_certificate_passes_every_profile_check_and_pkilint_agrees() -> None:
    cert, issuer = _issue()
    verdicts = _verdicts(cert, issuer)
    assert {n: v for n, (v, _) in verdicts.items() if v is not Verdict.PASS} == {}
    assert all("pkilint agrees" in text for _, text in verdicts.values()), verdicts
    assert lint.significant(lint.lint(cert)) == []


@pytest.mark.parametrize("fault,check", [
    ("ca-validity-5y", "c6-validity"), ("ca-ku-noncritical", "c6-key-usage"),
    ("ca-eku-server-only", "c6-extended-key-usage"), ("ca-wrong-aki", "c6-authority-key-identifier"),
    ("ca-ski-random", "c6-subject-key-identifier"), ("ca-no-crldp", "c6-crl-distribution-point"),
    ("ca-no-aia", "c6-authority-info-access")])
def test_each_ca_fault_fails_exactly_its_check(fault: str, check: str) -> None:
    cert, issuer = _issue(frozenset({fault}))
    failing = {n for n, (v, _) in _verdicts(cert, issuer).items() if v is Verdict.FAIL}
    also = {"c6-validity-declared"} if fault == "ca-validity-5y" else set()  # 5 years is not the declared 90 days
    assert failing == {check} | also


def test_pkilint_opinion_is_reported_both_ways() -> None:
    cert, issuer = _issue(frozenset({"ca-ku-noncritical"}))
    _, text = _verdicts(cert, issuer)["c6-key-usage"]
    assert "pkilint agrees: WARNING pkix.key_usage_extension_not_critical" in text
    cert, issuer = _issue(frozenset({"ca-wrong-aki"}))  # the chain linter sees it too
    _, text = _verdicts(cert, issuer)["c6-authority-key-identifier"]
    assert "pkilint agrees: ERROR pkix.issuer_and_subject_key_identifier_not_equal" in text
    assert lint.lint_chain(*_issue()[::-1]) == ()
    cert, issuer = _issue(frozenset({"ca-no-crldp"}))
    _, text = _verdicts(cert, issuer)["c6-crl-distribution-point"]
    assert "pkilint DISAGREES" in text  # a C.6 rule RFC 5280 linting does not cover


def test_pkilint_flags_what_rfc5280_forbids() -> None:
    """A certificate pkilint must complain about (keyUsage non-critical, empty subject without critical SAN)."""
    key, issuer = new_key(), PKI.issuing["VNFCI_certificate"]
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(issuer.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("a.vnf.nfvct.test")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(issuer.key, hashes.SHA256()))
    codes = {f.code for f in lint.significant(lint.lint(cert))}
    assert codes, "pkilint found nothing on a certificate with an empty subject and a non-critical SAN"
    verdicts = _verdicts(cert, issuer.cert)
    assert verdicts["c6-key-usage"][0] is Verdict.FAIL  # keyUsage missing
    assert verdicts["c6-authority-key-identifier"][0] is Verdict.FAIL  # AKI missing


def test_unknown_issuer_is_inconclusive_not_pass() -> None:
    cert, _ = _issue()
    assert _verdicts(cert, None)["c6-authority-key-identifier"][0] is Verdict.INCONCLUSIVE


def test_ca_serves_its_crl_with_revoked_serials() -> None:
    ca = CaSimulator(issuing=PKI.issuing, base_url="https://127.0.0.1:1")
    csr, _ = make_csr({"commonName": "x.vnf.nfvct.test"}, ["x.vnf.nfvct.test"])
    record = ca.issue(csr, "VNFCI_certificate", "v", 90)
    ca._revoke(record.cert.serial_number, 1)
    crl = ca.crl("VNFCI_certificate")
    assert crl.is_signature_valid(PKI.issuing["VNFCI_certificate"].cert.public_key())  # type: ignore[arg-type]
    assert crl.get_revoked_certificate_by_serial_number(record.cert.serial_number) is not None
