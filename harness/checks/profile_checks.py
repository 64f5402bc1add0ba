"""C.6 certificate-profile checks on every certificate a scenario obtained (IFA026 table C.6-1).

The profile is data (harness/data/cert_profile_c6.json, or the file named by pixit.cert_profile).
Each outcome also says what pkilint (harness.lint) found on the same field and whether it agrees.
"""

from __future__ import annotations

import functools
import json
import ssl
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, ExtensionOID

from harness import lint
from harness.bounds import bounded
from harness.checks.registry import Observation, Result, check, inconclusive, verdict_of
from harness.checks.validity_checks import declared_validity
from harness.context import IssuedCert, RunContext
from harness.model import Verdict
from harness.recorder import Recorder
from harness.sut_input import SutInputError, checked_certificate, load_certificate
from harness.plaintext import plain

SCOPE = "IFA026 C.6 is an informative example profile; the harness uses it as its default (pixit.cert_profile)"
EKU = {"clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH, "serverAuth": ExtendedKeyUsageOID.SERVER_AUTH}
CHECKS = ("c6-validity", "c6-validity-declared", "c6-key-usage", "c6-extended-key-usage",
          "c6-authority-key-identifier", "c6-subject-key-identifier", "c6-crl-distribution-point",
          "c6-authority-info-access", "ee-extensions")


@functools.cache
def load_profile(path: Path | None = None) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8") if path else \
        resources.files("harness").joinpath("data", "cert_profile_c6.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    if data.get("schema") != "nfvct-cert-profile/1":
        raise ValueError(f"certificate profile {path}: schema must be nfvct-cert-profile/1")
    return data


def _ext(cert: x509.Certificate, kind: type) -> x509.Extension[Any] | None:
    try:
        return cert.extensions.get_extension_for_class(kind)
    except x509.ExtensionNotFound:
        return None


def _rule(obs: Observation, name: str) -> dict[str, Any]:
    rule: dict[str, Any] = obs.facts["profile"]["extensions"][name]
    return rule


def _presence(obs: Observation, kind: type, name: str) -> tuple[x509.Extension[Any] | None, list[str]]:
    """The extension and the problems with its presence/criticality per the profile row."""
    ext, rule = _ext(obs.facts["cert"], kind), _rule(obs, name)
    if ext is None:
        return None, [f"{name} absent (mandatory)"] if rule.get("mandatory") else []
    if "critical" in rule and ext.critical != rule["critical"]:
        return ext, [f"{name} {'critical' if ext.critical else 'non-critical'}, profile says critical="
                     f"{plain(rule['critical'])}"]
    return ext, []


def _with_lint(name: str, obs: Observation, result: Result) -> Result:
    findings = obs.facts.get("lint")
    if findings is None or result.verdict not in (Verdict.PASS, Verdict.FAIL):
        return result
    return Result(result.verdict, result.expected,
                  f"{result.observed} [{lint.opinion(name, findings, result.verdict is Verdict.PASS)}]", result.reason)


def _judge(name: str, obs: Observation, expected: str, problems: list[str], ok_text: str) -> Result:
    return _with_lint(name, obs, verdict_of(not problems, expected, "; ".join(problems) or ok_text))


@check("c6-validity", "IFA026:C.6:validity", scope=SCOPE)
def c6_validity(obs: Observation) -> Result:
    """The validity period is within the profile's maximum (C.6: 3 years or less)."""
    cert, days = obs.facts["cert"], obs.facts["profile"]["max_validity_days"]
    span = cert.not_valid_after_utc - cert.not_valid_before_utc
    problems = [f"validity {span.days} days"] if span.total_seconds() > days * 86400 else []
    return _judge("c6-validity", obs, f"notAfter - notBefore <= {days} days", problems, f"{span}")


@check("c6-key-usage", "IFA026:C.6:key-usage", scope=SCOPE)
def c6_key_usage(obs: Observation) -> Result:
    """keyUsage present, critical, with digitalSignature."""
    ext, problems = _presence(obs, x509.KeyUsage, "keyUsage")
    for bit in _rule(obs, "keyUsage").get("must_include", []):
        if ext is not None and not getattr(ext.value, bit):
            problems.append(f"keyUsage without {bit}")
    return _judge("c6-key-usage", obs, "keyUsage critical with digitalSignature", problems,
                  "keyUsage critical, digitalSignature set")


@check("c6-extended-key-usage", "IFA026:C.6:extended-key-usage", scope=SCOPE)
def c6_extended_key_usage(obs: Observation) -> Result:
    """extendedKeyUsage non-critical with the OIDs of the certificate's role (client and/or server)."""
    ext, problems = _presence(obs, x509.ExtendedKeyUsage, "extendedKeyUsage")
    wanted = _rule(obs, "extendedKeyUsage")["roles"].get(obs.facts["cert_type"], ["clientAuth", "serverAuth"])
    have = set(ext.value) if ext is not None else set()
    problems += [f"no id-kp-{w}" for w in wanted if ext is not None and EKU[w] not in have]
    return _judge("c6-extended-key-usage", obs, f"extendedKeyUsage non-critical with {plain(wanted)}", problems,
                  f"extendedKeyUsage {plain(sorted(o._name for o in have))}")


@check("c6-authority-key-identifier", "IFA026:C.6:authority-key-identifier", scope=SCOPE)
def c6_authority_key_identifier(obs: Observation) -> Result:
    """authorityKeyIdentifier non-critical and equal to the issuer's subjectKeyIdentifier."""
    ext, problems = _presence(obs, x509.AuthorityKeyIdentifier, "authorityKeyIdentifier")
    issuer: x509.Certificate | None = obs.facts.get("issuer")
    expected = "authorityKeyIdentifier.keyIdentifier = subjectKeyIdentifier of the issuing CA certificate"
    if issuer is None:
        return inconclusive("the issuing CA certificate is not known (not delivered, not in the PIXIT)", expected)
    issuer_ski = _ext(issuer, x509.SubjectKeyIdentifier)
    want = issuer_ski.value.digest if issuer_ski is not None else \
        x509.SubjectKeyIdentifier.from_public_key(issuer.public_key()).digest  # type: ignore[arg-type]
    if ext is not None and ext.value.key_identifier != want:
        problems.append(f"keyIdentifier {(ext.value.key_identifier or b'').hex()} != issuer's {want.hex()}")
    return _judge("c6-authority-key-identifier", obs, expected, problems, f"keyIdentifier {want.hex()}")


@check("c6-subject-key-identifier", "IFA026:C.6:subject-key-identifier", scope=SCOPE)
def c6_subject_key_identifier(obs: Observation) -> Result:
    """subjectKeyIdentifier, when present, is computed by RFC 5280 method (1) and non-critical."""
    ext, problems = _presence(obs, x509.SubjectKeyIdentifier, "subjectKeyIdentifier")
    method1 = x509.SubjectKeyIdentifier.from_public_key(obs.facts["cert"].public_key()).digest
    if ext is not None and ext.value.digest != method1:
        problems.append(f"{ext.value.digest.hex()} is not SHA-1 of the subjectPublicKey ({method1.hex()})")
    return _judge("c6-subject-key-identifier", obs, "absent, or SHA-1 of the subjectPublicKey BIT STRING",
                  problems, "method (1)" if ext is not None else "absent (allowed)")


@check("c6-crl-distribution-point", "IFA026:C.6:crl-distribution-point", scope=SCOPE)
def c6_crl_distribution_point(obs: Observation) -> Result:
    """cRLDistributionPoints present, non-critical, with an HTTP or LDAP URI."""
    ext, problems = _presence(obs, x509.CRLDistributionPoints, "cRLDistributionPoints")
    uris = [n.value for p in (ext.value if ext is not None else []) for n in (p.full_name or [])
            if isinstance(n, x509.UniformResourceIdentifier)]
    if ext is not None and not any(u.startswith(("http://", "https://", "ldap://")) for u in uris):
        problems.append(f"no HTTP/LDAP distributionPoint URI ({plain(uris)})")
    return _judge("c6-crl-distribution-point", obs, "cRLDistributionPoints with an HTTP/LDAP URI", problems,
                  plain(uris))


@check("c6-authority-info-access", "IFA026:C.6:authority-info-access",
       scope=SCOPE + "; the table marks AIA not mandatory, the default profile requires caIssuers and OCSP")
def c6_authority_info_access(obs: Observation) -> Result:
    """authorityInfoAccess present, non-critical, with id-ad-caIssuers and an id-ad-ocsp HTTP URI."""
    ext, problems = _presence(obs, x509.AuthorityInformationAccess, "authorityInfoAccess")
    methods = {"caIssuers": AuthorityInformationAccessOID.CA_ISSUERS, "ocsp": AuthorityInformationAccessOID.OCSP}
    have = {d.access_method for d in ext.value} if ext is not None else set()
    for wanted in _rule(obs, "authorityInfoAccess").get("access_methods", []):
        if ext is not None and methods[wanted] not in have:
            problems.append(f"no id-ad-{wanted}")
    return _judge("c6-authority-info-access", obs, "authorityInfoAccess with caIssuers and OCSP", problems,
                  f"{len(have)} access method(s)")


# extensions an end-entity certificate does not carry (names as in the profile's "end_entity" row)
NOT_END_ENTITY = {"issuingDistributionPoint": ExtensionOID.ISSUING_DISTRIBUTION_POINT,
                  "deltaCRLIndicator": ExtensionOID.DELTA_CRL_INDICATOR, "cRLNumber": ExtensionOID.CRL_NUMBER,
                  "nameConstraints": ExtensionOID.NAME_CONSTRAINTS}
_EE_DEFAULT = {"forbidden_extensions": list(NOT_END_ENTITY), "forbidden_key_usage": ["key_cert_sign", "crl_sign"]}
# pkilint finding codes about the same fields (harness.lint's AREAS has no row for this check)
_EE_LINT = ("name_constraints", "keycertsign", "crl_sign", "crlsign", "basic_constraints", "issuing_distribution",
            "ca_certificate")


def _ee_lint(obs: Observation, result: Result) -> Result:
    findings = obs.facts.get("lint")
    if findings is None or result.verdict not in (Verdict.PASS, Verdict.FAIL):
        return result
    bad = [str(f) for f in lint.significant(findings) if any(c in f.code.lower() for c in _EE_LINT)]
    if result.verdict is Verdict.PASS:
        opinion = "pkilint DISAGREES: " + "; ".join(bad) if bad else "pkilint agrees (no finding)"
    else:
        opinion = "pkilint agrees: " + "; ".join(bad) if bad else \
            "pkilint has no finding on it (RFC 5280 linting does not flag every CA-only extension)"
    return Result(result.verdict, result.expected, f"{result.observed} [{opinion}]", result.reason)


@check("ee-extensions", "RFC5280:4.2:end-entity-extensions",
       scope="Every certificate the SUT delivered for an end entity (VNFCI, VNF OAM, NFV-MANO); the list is the "
             "profile's end_entity row (default: RFC 5280 4.2.1.3, 4.2.1.9, 4.2.1.10, 5.2.5)")
def ee_extensions(obs: Observation) -> Result:
    """No CA or CRL extension in an end-entity certificate: basicConstraints without cA, no keyCertSign or
    cRLSign, no nameConstraints, no issuingDistributionPoint (or other CRL extension)."""
    cert: x509.Certificate = obs.facts["cert"]
    rule = {**_EE_DEFAULT, **obs.facts["profile"].get("end_entity", {})}
    problems = []
    basic = _ext(cert, x509.BasicConstraints)
    if basic is not None and basic.value.ca:
        problems.append("basicConstraints cA=TRUE")
    usage = _ext(cert, x509.KeyUsage)
    if usage is not None:
        problems += [f"keyUsage {bit}" for bit in rule["forbidden_key_usage"] if getattr(usage.value, bit)]
    present = {e.oid for e in cert.extensions}
    problems += [name for name in rule["forbidden_extensions"] if NOT_END_ENTITY.get(name) in present]
    expected = ("an end-entity certificate: no basicConstraints cA, no " + ", ".join(rule["forbidden_key_usage"])
                + ", none of " + ", ".join(rule["forbidden_extensions"]))
    return _ee_lint(obs, verdict_of(not problems, expected, "; ".join(problems) or "none present"))


def _issuer(ctx: RunContext, item: IssuedCert) -> x509.Certificate | None:
    """The issuing CA certificate: delivered with the certificate, known from the PIXIT (pixit.ca_certificates,
    or the harness's own CA-1), else fetched from the certificate's AIA caIssuers URL when that points at a host
    the profile names (the SUT serves it); fetched issuers are remembered for the run."""
    for candidate in (*item.delivered, *ctx.intermediates):
        if candidate.subject == item.cert.issuer:
            return candidate
    fetched = _ca_issuers(ctx, item.cert)
    if fetched is not None:
        ctx.intermediates.append(fetched)
    return fetched


def _profile_hosts(ctx: RunContext) -> set[str]:
    pixit = ctx.profile.pixit
    urls = [pixit.api_root, pixit.cmp_base] + ([pixit.acme.directory] if pixit.acme is not None else [])
    if pixit.harness is not None:
        urls += [listener.base_url() for listener in pixit.harness.listeners.values()]
    return {httpx.URL(u).host for u in urls}


def _trust(ctx: RunContext) -> ssl.SSLContext:
    """Trust the SUT's server CA and the harness's own (its CA-1 serves the issuers of what it issues)."""
    context = ssl.create_default_context(cafile=str(ctx.profile.pixit.server_ca))
    if ctx.harness_dir is not None:
        context.load_verify_locations(cafile=str(ctx.harness_dir / "mano_root.crt"))
    vnfm = ctx.profile.pixit.vnfm  # a server that asks for a client certificate gets the VNFM's
    context.load_cert_chain(str(vnfm.cert), str(vnfm.key))
    return context


def _ca_issuers(ctx: RunContext, cert: x509.Certificate) -> x509.Certificate | None:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (x509.ExtensionNotFound, ValueError):
        return None
    hosts = _profile_hosts(ctx)
    for desc in aia:
        if desc.access_method != AuthorityInformationAccessOID.CA_ISSUERS or \
                not isinstance(desc.access_location, x509.UniformResourceIdentifier):
            continue
        url = desc.access_location.value
        try:
            if httpx.URL(url).host not in hosts:
                continue
            trust = _trust(ctx)
            with httpx.Client(verify=trust, timeout=ctx.profile.pixit.timeout,
                              transport=bounded(ctx.trace, trust)) as client:  # the SUT's bytes, bounded
                body = client.get(url).content[:65536]
            issuer = load_certificate(body, f"the issuer certificate at {url}")
        except (httpx.HTTPError, ValueError, ssl.SSLError, SutInputError):
            continue
        if issuer.subject == cert.issuer:
            return issuer
    return None


def certificate_label(number: int, item: IssuedCert) -> str:
    """Stable from run to run (no serial number): the n-th certificate the scenario obtained, and its type."""
    return f"certificate {number} ({item.cert_type})"


def check_issued(ctx: RunContext, rec: Recorder, issued: Sequence[IssuedCert]) -> None:
    """Run the profile checks on the certificates ``rec.scenario`` obtained (called by the runner)."""
    if not issued:
        return
    try:
        profile = load_profile(ctx.profile.pixit.cert_profile)
    except (OSError, ValueError) as exc:
        rec.skip_remaining(CHECKS, Verdict.ERROR, f"certificate profile not loadable: {exc}")
        return
    for number, item in enumerate(issued, 1):
        label = certificate_label(number, item)
        try:
            checked_certificate(item.cert, f"the SUT's {label}")
        except SutInputError as exc:  # e.g. a duplicated extension: every profile check of it FAILs (RFC 5280)
            for name in CHECKS:
                rec.record(name, Result(Verdict.FAIL, "a certificate conforming to RFC 5280", str(exc), exc.violation),
                           seqs=item.seqs,
                           instance=label)
            continue
        issuer = _issuer(ctx, item)
        findings = lint.lint(item.cert) + (lint.lint_chain(issuer, item.cert) if issuer is not None else ())
        facts = {"cert": item.cert, "cert_type": item.cert_type, "profile": profile, "issuer": issuer,
                 "lint": findings, "declared_validity": declared_validity(ctx.profile.pixit, item.cert, item.csr)}
        for name in CHECKS:
            rec.check(name, Observation(facts=facts, trace_seqs=item.seqs), instance=certificate_label(number, item))
