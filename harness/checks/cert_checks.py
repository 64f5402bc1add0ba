"""Checks on every certificate the CMF delivers (C.2.2.2 steps 4-6, IFA033 11.2.3.3)."""

from __future__ import annotations

from cryptography import x509

from harness.checks.registry import Observation, Result, check, failed, not_applicable, passed, verdict_of
from wire.x509util import PathError, build_path, san_strings, spki, subject_matches
from harness.plaintext import plain


def _cert(obs: Observation) -> x509.Certificate:
    cert = obs.facts["cert"]
    assert isinstance(cert, x509.Certificate)
    return cert


def _delivered(obs: Observation) -> list[x509.Certificate]:
    return [*obs.facts.get("extra_certs", ()), *obs.facts.get("ca_pubs", ())]


@check("cert-binds-csr-key", "CMF.Certm.Del.002", "Cmf.CertLcm.006", "IFA026:C.2.2.2.6:ca-issues")
def cert_binds_csr_key(obs: Observation) -> Result:
    """The issued certificate carries the public key of the consumer's CSR."""
    cert, csr = _cert(obs), obs.facts["csr"]
    expected = "subjectPublicKeyInfo of the certificate = that of the CSR"
    same = spki(cert) == spki(csr)
    return verdict_of(same, expected, "identical" if same else "the certificate certifies a different key")


@check("cert-subject-as-registered", "CMF.Certm.Del.002")
def cert_subject_as_registered(obs: Observation) -> Result:
    """Subject and subjectAltName of the certificate are those registered for the VNFCI."""
    cert, data = _cert(obs), obs.facts["registered"]
    expected = f"subject ({plain(data.get('subjectName'))}), subjectAltName {plain(sorted(data['subjectAlternateName']))}"
    sans = sorted(san_strings(cert))
    ok = sans == sorted(data["subjectAlternateName"]) and subject_matches(cert.subject, data.get("subjectName"))
    return verdict_of(ok, expected, f"subject {cert.subject.rfc4514_string()}, subjectAltName {plain(sans)}")


@check("cert-chains-to-ca", "Cmf.CertLcm.004", "Cmf.CertLcm.006", "IFA026:C.2.2.2.6:ca-issues")
def cert_chains_to_ca(obs: Observation) -> Result:
    """The certificate was signed by a CA: it verifies up to a CA trust anchor declared in the PIXIT."""
    cert = _cert(obs)
    anchors = obs.facts.get("anchors", [])
    expected = "a valid path to one of the CA trust anchors: " + ", ".join(
        a.subject.rfc4514_string() for a in anchors)
    if not anchors:
        return not_applicable("pixit.ca_trust_anchors is empty: the CA the SUT uses is not declared")
    candidates = [*_delivered(obs), *obs.facts.get("intermediates", ())]
    try:
        path = build_path(cert, candidates, anchors)
    except PathError as exc:
        return failed(expected, f"issuer '{cert.issuer.rfc4514_string()}': {exc}")
    return passed(expected, " <- ".join(c.subject.rfc4514_string() for c in path))


@check("cert-ca-per-type", "Cmf.CertLcm.004")
def cert_ca_per_type(obs: Observation) -> Result:
    """The CA the CMF selected for this certificate type is the one the PIXIT expects."""
    cert = _cert(obs)
    wanted = obs.facts.get("expected_issuer")
    if not wanted:
        return not_applicable(f"pixit.expected_issuers has no entry for {obs.facts.get('cert_type')}")
    got = cert.issuer
    try:
        same = got == x509.Name.from_rfc4514_string(wanted)
    except ValueError:
        return not_applicable(f"pixit.expected_issuers value is not an RFC 4514 name: {wanted!r}")
    return verdict_of(same, f"issuer '{wanted}' for {obs.facts.get('cert_type')}", f"issuer '{got.rfc4514_string()}'")


@check("chain-when-requested", "IFA033:11.2.3.3:certificate-chain", "CMF.Certm.Del.002", "Cmf.CertLcm.007",
       scope="Cmf.CertLcm.007 covered for VNFCI and VNF OAM certificates only")
def chain_when_requested(obs: Observation) -> Result:
    """With certChainRequest true, the response delivers the chain: extraCerts/caPubs lead to a trust anchor."""
    cert = _cert(obs)
    delivered = _delivered(obs)
    roots = [c for c in delivered if c.subject == c.issuer]  # the chain must end at a delivered root
    expected = "every CA certificate from the issuer up to a self-signed root, delivered in extraCerts/caPubs"
    try:
        path = build_path(cert, delivered, roots)
    except PathError as exc:
        return failed(expected, f"{len(delivered)} certificate(s) delivered; {exc}")
    return passed(expected, " <- ".join(c.subject.rfc4514_string() for c in path))


@check("chain-only-when-requested", "IFA033:11.2.3.3:certificate-chain",
       scope="PICS option pics.chain_only_when_requested")
def chain_only_when_requested(obs: Observation) -> Result:
    """With certChainRequest false, the issuing CA chain is not delivered."""
    if not obs.facts.get("pics_chain_only"):
        return not_applicable("the PICS does not claim chain_only_when_requested")
    cert = _cert(obs)
    issuers = [c for c in _delivered(obs) if c.subject == cert.issuer]
    expected = "no issuing CA certificate of the new certificate in extraCerts/caPubs"
    return verdict_of(not issuers, expected,
                      f"{len(issuers)} issuing CA certificate(s) delivered" if issuers else "chain not delivered")


@check("status-reflects-modifications", "RFC9810:5.2.3:grantedWithMods")
def status_reflects_modifications(obs: Observation) -> Result:
    """'accepted' only when the certificate has the CSR's key, subject and subjectAltName; else grantedWithMods."""
    cert, csr, status = _cert(obs), obs.facts["csr"], obs.facts.get("status")
    differences = []
    if spki(cert) != spki(csr):
        differences.append("public key")
    if cert.subject != csr.subject:
        differences.append(f"subject '{cert.subject.rfc4514_string()}'")
    if sorted(san_strings(cert)) != sorted(san_strings(csr)):
        differences.append(f"subjectAltName {plain(sorted(san_strings(cert)))}")
    expected = "status accepted for exactly the requested certificate, grantedWithMods when it differs"
    observed = f"status {'accepted' if status == 0 else 'grantedWithMods' if status == 1 else status}; " + (
        "differs from the CSR in " + ", ".join(differences) if differences else "as requested")
    return verdict_of(not (differences and status == 0), expected, observed)
