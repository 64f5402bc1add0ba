"""The protection-certificate, end-entity-extension and certReqId checks on crafted inputs: every invalid variant
FAILs, the valid one PASSes (fast: no SUT; the reference faults are in tests/test_faults.py)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from harness.checks.cmp_failinfo_rules import cp_cert_req_id_rfc9483, cp_cert_req_id_sol023
from harness.checks.cmp_header_checks import cmp_protection_cert
from harness.checks.profile_checks import ee_extensions, load_profile
from harness.checks.registry import Observation
from harness.env_cmf_variants import without_digital_signature
from harness.model import Verdict
from simulators.pki import make_entity, make_intermediate, make_root
from simulators.vnfm import make_csr
from wire import cmp
from wire.credentials import Issued


@pytest.fixture(scope="module")
def pki() -> dict[str, Issued]:
    root = make_root("T Root")
    ca = make_intermediate(root, "T Issuing")
    return {"root": root, "ca": ca, "cmf": make_entity(root, "cmf.t"), "ee": make_entity(ca, "ee.t")}


def _request(pki: dict[str, Issued]) -> cmp.PkiMessageView:
    _, csr = make_csr({"commonName": "ee.t"}, ["ee.t"])
    vnfm = pki["ee"]
    return cmp.parse_message(cmp.build_p10cr(csr_der=csr, sender=vnfm.cert.subject, recipient=pki["cmf"].cert.subject,
                                             signer_key=vnfm.key, signer_cert=vnfm.cert))


def _conf(pki: dict[str, Issued], key: Any, cert: x509.Certificate, extra: tuple[x509.Certificate, ...] = (),
          **kw: Any) -> Observation:
    der = cmp.build_pki_conf(request=_request(pki), signer_key=key, signer_cert=cert, extra_certs=extra, **kw)
    return Observation(message=cmp.parse_message(der), facts={"protection_claimed": True})


def _expired(issuer: Issued, like: Issued) -> Issued:
    past = datetime.now(timezone.utc) - timedelta(days=30)
    builder = (x509.CertificateBuilder().subject_name(like.cert.subject).issuer_name(issuer.cert.subject)
               .public_key(like.key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(past - timedelta(days=1)).not_valid_after(past))
    for ext in like.cert.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    return dataclasses.replace(like, cert=builder.sign(issuer.key, hashes.SHA256()))


def test_protection_certificate_variants(pki: dict[str, Issued]) -> None:
    cmf, root = pki["cmf"], pki["root"]
    assert cmp_protection_cert(_conf(pki, cmf.key, cmf.cert)).verdict is Verdict.PASS
    nods = without_digital_signature(root, cmf)
    bad = cmp_protection_cert(_conf(pki, nods.key, nods.cert))
    assert bad.verdict is Verdict.FAIL and "digitalSignature" in bad.observed
    old = _expired(root, cmf)
    assert "not valid at now" in cmp_protection_cert(_conf(pki, old.key, old.cert)).observed
    long_ago = datetime.now(timezone.utc) - timedelta(days=400)
    stale = cmp_protection_cert(_conf(pki, cmf.key, cmf.cert, message_time=long_ago))
    assert stale.verdict is Verdict.FAIL and "messageTime" in stale.observed
    # signed by the CMF's key, but another certificate comes first in extraCerts
    second = cmp_protection_cert(_conf(pki, cmf.key, pki["ee"].cert, (cmf.cert,)))
    assert second.verdict is Verdict.FAIL and "first" in second.observed
    assert cmp_protection_cert(_conf(pki, None, cmf.cert)).verdict is Verdict.INCONCLUSIVE


def _ee(pki: dict[str, Issued], *exts: tuple[x509.ExtensionType, bool], ca: bool = False,
        key_cert_sign: bool = False) -> Observation:
    issuer, like = pki["ca"], pki["ee"]
    now = datetime.now(timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(like.cert.subject).issuer_name(issuer.cert.subject)
               .public_key(like.key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(True, False, False, False, False, key_cert_sign, False, False, False),
                              critical=True))
    for ext, critical in exts:
        builder = builder.add_extension(ext, critical)
    cert = builder.sign(issuer.key, hashes.SHA256())
    return Observation(facts={"cert": cert, "profile": load_profile(), "lint": None})


def test_end_entity_extension_variants(pki: dict[str, Issued]) -> None:
    assert ee_extensions(_ee(pki)).verdict is Verdict.PASS
    idp = x509.IssuingDistributionPoint([x509.UniformResourceIdentifier("http://crl.t/c")], None, False, False,
                                        None, False, False)
    variants = {
        "issuingDistributionPoint": _ee(pki, (idp, False)),
        "nameConstraints": _ee(pki, (x509.NameConstraints([x509.DNSName("t.test")], None), True)),
        "cRLNumber": _ee(pki, (x509.CRLNumber(1), False)),
        "basicConstraints cA=TRUE": _ee(pki, ca=True),
        "keyUsage key_cert_sign": _ee(pki, key_cert_sign=True),
    }
    for what, obs in variants.items():
        result = ee_extensions(obs)
        assert result.verdict is Verdict.FAIL and what in result.observed, (what, result)


def _cp(pki: dict[str, Issued], cert_req_id: int, claimed: str) -> Observation:
    der = cmp.build_cp(request=_request(pki), status=0, cert=pki["ee"].cert, cert_req_id=cert_req_id,
                       signer_key=pki["cmf"].key, signer_cert=pki["cmf"].cert)
    return Observation(message=cmp.parse_message(der), facts={"claimed": claimed})


@pytest.mark.parametrize("claimed,value,sol023,rfc9483", [
    ("sol023", 0, Verdict.PASS, Verdict.NOT_APPLICABLE),
    ("sol023", -1, Verdict.FAIL, Verdict.NOT_APPLICABLE),
    ("rfc9483", -1, Verdict.NOT_APPLICABLE, Verdict.PASS),
    ("rfc9483", 0, Verdict.NOT_APPLICABLE, Verdict.FAIL),
])
def test_cert_req_id_judged_against_the_claim_only(pki: dict[str, Issued], claimed: str, value: int,
                                                   sol023: Verdict, rfc9483: Verdict) -> None:
    obs = _cp(pki, value, claimed)
    assert (cp_cert_req_id_sol023(obs).verdict, cp_cert_req_id_rfc9483(obs).verdict) == (sol023, rfc9483)


def test_spec_conflict_is_listed_apart_from_the_bindings() -> None:
    from harness.roles.cmf import CmfRole
    from harness.spec_conflicts import split

    bindings, conflicts = split(CmfRole.bindings)
    assert conflicts and all("certReqId" not in b for b in bindings)
    assert "5.5.3.2-1" in conflicts[0] and "RFC 9483 4.1.4" in conflicts[0] and "line 1183" in conflicts[0]
