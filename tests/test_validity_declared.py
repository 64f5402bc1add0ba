"""c6-validity-declared: the validity of an issued certificate against the profile the PIXIT declares for it
(pixit.validity_days; pixit.short_lived_san_domain + short_lived_seconds), on certificates of the harness's CA-1
(the fault runs, both directions, are in tests/test_faults.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from cryptography import x509

from harness.checks.registry import REGISTRY, Observation
from harness.checks.validity_checks import declared_validity
from harness.model import Verdict
from simulators.ca import CaSimulator
from simulators.pki import build_test_pki
from simulators.vnfm import make_csr

PKI = build_test_pki()
SHORT_DOMAIN = "short-lived.vnf.nfvct.test"


@dataclass(frozen=True)
class _Pixit:
    validity_days: float = 90.0
    short_lived_san_domain: str = SHORT_DOMAIN
    short_lived_seconds: float = 1.5


def _issue(fqdn: str, days: int = 90, seconds: float | None = None) -> tuple[x509.Certificate, object]:
    ca = CaSimulator(issuing=PKI.issuing, faults=frozenset(), base_url="https://127.0.0.1:1")
    csr, _ = make_csr({"commonName": fqdn}, [fqdn])
    return ca.issue(csr, "VNFCI_certificate", "vnfci-1", days, seconds=seconds).cert, csr


def _verdict(pixit: _Pixit, cert: x509.Certificate, csr: object) -> Verdict:
    facts = {"cert": cert, "declared_validity": declared_validity(pixit, cert, csr)}  # type: ignore[arg-type]
    return REGISTRY["c6-validity-declared"].func(Observation(facts=facts)).verdict


@pytest.mark.parametrize("fqdn,days,seconds,verdict", [
    ("vnfc-1.vnf.nfvct.test", 90, None, Verdict.PASS),  # ordinary, as declared (CA backdates 1 min)
    (f"vnfc-2.{SHORT_DOMAIN}", 90, 1.5, Verdict.PASS),  # short-lived, as declared (whole-second rounding)
    ("vnfc-3.vnf.nfvct.test", 90, 1.5, Verdict.FAIL),  # an ordinary certificate got the short-lived validity
    (f"vnfc-4.{SHORT_DOMAIN}", 90, None, Verdict.FAIL),  # a short-lived SAN got the ordinary validity
    ("vnfc-5.vnf.nfvct.test", 30, None, Verdict.FAIL),  # another validity than the declared 90 days
    ("vnfc-6.vnf.nfvct.test", 91, None, Verdict.FAIL),  # one day more is not rounding
])
def test_validity_follows_the_declared_profile(fqdn: str, days: int, seconds: float | None, verdict: Verdict) -> None:
    cert, csr = _issue(fqdn, days, seconds)
    assert _verdict(_Pixit(), cert, csr) is verdict


def test_nothing_declared_is_not_applicable() -> None:
    cert, csr = _issue("vnfc-7.vnf.nfvct.test", 30)
    assert _verdict(_Pixit(validity_days=0.0, short_lived_san_domain=""), cert, csr) is Verdict.NOT_APPLICABLE
    short, short_csr = _issue(f"vnfc-8.{SHORT_DOMAIN}", 90, 1.5)  # the short-lived profile alone is still judged
    assert _verdict(_Pixit(validity_days=0.0), short, short_csr) is Verdict.PASS
    assert _verdict(_Pixit(validity_days=0.0), cert, csr) is Verdict.NOT_APPLICABLE


def test_a_san_outside_the_short_lived_domain_makes_it_ordinary() -> None:
    ca = CaSimulator(issuing=PKI.issuing, faults=frozenset(), base_url="https://127.0.0.1:1")
    csr, _ = make_csr({"commonName": f"a.{SHORT_DOMAIN}"}, [f"a.{SHORT_DOMAIN}", "b.vnf.nfvct.test"])
    cert = ca.issue(csr, "VNFCI_certificate", "vnfci-1", 90).cert
    assert _verdict(_Pixit(), cert, csr) is Verdict.PASS
