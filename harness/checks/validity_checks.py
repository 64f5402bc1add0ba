"""The validity period of every certificate a scenario obtained, against the profile the PIXIT declares.

IFA026 table C.6-1 marks the Validity Period "CA set from profile": the CA takes it from its preconfigured
certificate profile, not from the CSR. The PIXIT declares the SUT's profiles: ``validity_days`` for its ordinary
certificates and, for the short-lived test profile, ``short_lived_san_domain`` + ``short_lived_seconds``
(certificates whose subjectAltName entries are all under that domain). c6-validity judges the C.6 maximum;
c6-validity-declared judges that the certificate got the profile it was declared to get, so a CA or CMF that picks
the wrong profile (ordinary certificates short-lived, or a short-lived one ordinary) FAILs.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from harness import lint
from harness.checks.registry import Observation, Result, check, not_applicable, verdict_of
from harness.profile import Pixit

ROUNDING_SECONDS = 2.0  # X.509 times have whole seconds: notBefore truncated, notAfter rounded up
BACKDATING_SHARE, BACKDATING_MAX = 0.1, 86400.0  # a CA may backdate notBefore (relying parties' clock skew): up to a day


@dataclass(frozen=True)
class DeclaredValidity:
    """What the PIXIT declares for one certificate: the profile's name and its validity in seconds."""

    profile: str
    seconds: float

    @property
    def low(self) -> float:
        return max(0.0, self.seconds - ROUNDING_SECONDS)

    @property
    def high(self) -> float:
        return self.seconds + ROUNDING_SECONDS + min(BACKDATING_MAX, BACKDATING_SHARE * self.seconds)


def _dns_names(item: x509.Certificate | x509.CertificateSigningRequest | None) -> list[str]:
    if item is None:
        return []
    try:
        return list(item.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
                    .get_values_for_type(x509.DNSName))
    except (x509.ExtensionNotFound, ValueError):
        return []


def declared_validity(pixit: Pixit, cert: x509.Certificate,
                      csr: x509.CertificateSigningRequest | None = None) -> DeclaredValidity | None:
    """The profile the PIXIT declares for this certificate (short-lived when every SAN of the request, or of the
    certificate when there was no CSR, is under pixit.short_lived_san_domain), None when it declares none."""
    domain, short_seconds = pixit.short_lived_san_domain, pixit.short_lived_seconds
    names = _dns_names(csr) or _dns_names(cert)
    if domain and short_seconds > 0 and names and all(n == domain or n.endswith("." + domain) for n in names):
        return DeclaredValidity(f"short-lived (pixit.short_lived_seconds {short_seconds:g} s)", short_seconds)
    days = pixit.validity_days
    if days > 0:
        return DeclaredValidity(f"ordinary (pixit.validity_days {days:g})", days * 86400)
    return None


def _span(seconds: float) -> str:
    return f"{seconds / 86400:.4f} days ({seconds:.0f} s)" if seconds >= 86400 else f"{seconds:.1f} s"


@check("c6-validity-declared", "IFA026:C.6:validity",
       scope="every certificate a scenario obtained, against the profile the PIXIT declares for it "
             "(pixit.validity_days; pixit.short_lived_san_domain + short_lived_seconds)")
def c6_validity_declared(obs: Observation) -> Result:
    """The validity period is the one of the CA profile the PIXIT declares for the certificate (C.6: CA set from
    profile), within whole-second rounding and a bounded backdating of notBefore."""
    declared: DeclaredValidity | None = obs.facts.get("declared_validity")
    if declared is None:
        return not_applicable("the PIXIT declares no validity for this certificate (pixit.validity_days, "
                              "pixit.short_lived_san_domain + short_lived_seconds)")
    cert: x509.Certificate = obs.facts["cert"]
    span = (cert.not_valid_after_utc - cert.not_valid_before_utc).total_seconds()
    expected = (f"notAfter - notBefore of the {declared.profile} profile: between {_span(declared.low)} and "
                f"{_span(declared.high)}")
    ok = declared.low <= span <= declared.high
    observed = f"notAfter - notBefore = {_span(span)}"
    findings = obs.facts.get("lint")
    if findings is not None:  # pkilint on the same field (it cannot know the declared profile)
        observed += f" [{lint.opinion('c6-validity', findings, ok)}]"
    return verdict_of(ok, expected, observed)
