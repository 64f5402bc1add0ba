"""SUT profile: PICS (what the SUT claims) and PIXIT (how to reach it), from one TOML file.

Example (every key documented in README.md, "The profile format"):

    [sut]
    name = "Example CMF 2.1"
    role = "CMF"

    [pics]
    cert_types = ["VNFCI_certificate", "VNF_OAM_certificate"]
    delegation_mode = true
    deferred_issuance = ["VNF_OAM_certificate"]
    chain_only_when_requested = false

    [pixit]
    api_root = "https://cmf.example.net:8443"
    cmp_base = "https://cmf.example.net:8443/.well-known/cmp/p"
    server_ca = "trust/mano-root.pem"
    ca_trust_anchors = ["trust/operator-root.pem"]
    san_domain = "vnf.example.net"

    [pixit.vnfm]
    cert = "creds/vnfm.pem"
    key = "creds/vnfm.key"
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from harness.listeners import Listener, parse_listener
from harness.profile_files import certificates, key_pair
from harness.profile_keys import ProfileError, check_keys, get_value
from harness.profile_oauth import OAuthPixit, check_claim, parse_oauth

CERT_TYPES = ("VNFCI_certificate", "VNF_OAM_certificate")
URL_NAMES = {"VNFCI_certificate": "vnfc-certificates", "VNF_OAM_certificate": "vnfoam-certificates"}


@dataclass(frozen=True)
class Identity:
    """An NFV-MANO certificate (chain PEM, leaf first) and its private key (PEM)."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class Pics:
    role: str = "CMF"
    cert_types: tuple[str, ...] = CERT_TYPES
    delegation_mode: bool = True
    deferred_issuance: tuple[str, ...] = ()
    chain_only_when_requested: bool = False
    # behaviours SOL023 allows but does not mandate: checked only where claimed
    duplicate_registration_conflict: bool = True  # 409 when a VNFCI is registered twice (5.6.3.3.3.1)
    deregister_conflict_with_valid_certs: bool = True  # 409 on DELETE while a certificate is valid (5.6.3.4.3.5)
    attribute_selectors: tuple[str, ...] = ("all_fields", "exclude_default", "fields", "exclude_fields")
    mtls_client_auth: bool = True  # consumers authenticate with mTLS (rather than e.g. OAuth 2.0)
    cmp_protected_responses: bool = True  # every CMP response is signature-protected
    rest_registration: bool = True  # SOL023 5.6 subjects resources (false: a CMP-only SUT, e.g. a plain CMP server)
    # certReqId of the cp answering a p10cr: SOL023 table 5.5.3.2-1 says 0, RFC 9483 4.1.4 says -1 (a conflict
    # between the specifications): "sol023" (0) or "rfc9483" (-1); only the claimed one is judged
    p10cr_cert_req_id: str = "sol023"
    # Certificate Notification interface (SOL023 clause 7)
    cert_notifications: bool = True
    duplicate_subscription: str = "303"  # "201": creates a duplicate; "303": See Other to the existing one
    notify_expiry: bool = True  # notifies expiring-soon and expired certificates
    # ACME for NFV-MANO certificates (SOL023 5.2.1a-5.2.6, 5.8); needs [pixit.acme]
    acme_challenges: tuple[str, ...] = ("tls-alpn-01", "tkauth-01")  # identifier validation methods offered
    acme_initial_credential: bool = True  # registration returns an initial credential (EAB, harness binding)
    acme_key_attestation: bool = True  # validates key attestation statements registered for a subject
    delegation_key_attestation: bool = True  # the same in delegation mode (C.2.2.2.7, Cmf.CertLcm.011)
    # direct mode (IFA026 C.2.1, C.3.1): the CMF follows VNF LCM at the VNFM and has VNFCIs enrol at the CA
    direct_mode: bool = False
    # OAuth 2.0 (SOL013 8.3, SOL023 annex C scopes): the CMF authorizes consumers with bearer tokens, with or
    # instead of mTLS; needs [pixit.oauth]
    oauth2: bool = False


@dataclass(frozen=True)
class AcmePixit:
    """How to reach the SUT's ACME server for NFV-MANO certificates, and the credentials the harness plays with."""

    directory: str
    server_ca: Path | None = None  # trust anchor of the ACME server's TLS certificate (default: pixit.server_ca)
    oss_eab_kid: str = ""  # the trusted OSS's EAB key (base64url), provisioned by the CMF operator
    oss_eab_key: str = ""
    mano_domain: str = "mano.nfvct.test"  # the entities' FQDNs are made under this domain
    alpn_port: int = 0  # where the harness's tls-alpn-01 responder listens (the SUT must reach FQDN:443 there)
    token_authority_key: Path | None = None  # private JWK of the token authority the SUT trusts (RFC 9447)
    ca_trust_anchors: tuple[Path, ...] = ()  # anchors for the issued MANO certificates (default: pixit's)


HARNESS_LISTENERS = ("ca1", "notify", "alpn", "vnfm_lcm", "attestation", "vnfci", "direct_cmp", "oauth")


@dataclass(frozen=True)
class HarnessPixit:
    """The harness's own actors as the SUT must reach them: the environment `nfvct init` wrote (its harness/
    folder: identities, the CA-1 hierarchy, the token authority key) and every listener's bind/port/url."""

    directory: Path
    listeners: dict[str, Listener] = field(default_factory=dict)  # name (HARNESS_LISTENERS) -> listener

    def file(self, name: str) -> Path:
        return self.directory / name

    def has(self, listener: str) -> bool:
        return listener in self.listeners


def _positive(value: Any, key: str) -> Any:
    if value <= 0:
        raise ProfileError(f"pixit.{key}: must be positive, got {value!r}")
    return value


@dataclass(frozen=True)
class Pixit:
    api_root: str
    cmp_base: str
    server_ca: Path
    vnfm: Identity
    cmp_trust: Path | None = None  # trust anchor(s) for the CMF's CMP protection certificate (default: server_ca)
    cmp_single_path: bool = False  # all CMP requests to cmp_base itself (plain CMP servers), not {name}/{operation}
    vnfm2: Identity | None = None
    ca_trust_anchors: tuple[Path, ...] = ()
    expected_issuers: dict[str, str] = field(default_factory=dict)  # cert type -> issuer DN (RFC 4514)
    san_domain: str = "vnf.nfvct.test"
    timeout: float = 10.0
    # bounds whatever the SUT sends (harness/bounds.py): one exchange's wall time (connect to last body byte), a
    # response body's size after decompression, the whole run's wall time (0: derived from the scenario count)
    exchange_seconds: float = 30.0
    max_response_bytes: int = 4 * 1024 * 1024
    run_seconds: float = 0.0
    max_poll_seconds: float = 30.0
    max_polls: int = 10
    # Certificate Notification interface: how long to wait for a notification that should come, and how long
    # to watch for one that should not (also the race window SOL023 7.5.4.3.5 allows after DELETE)
    notify_wait_seconds: float = 5.0
    notify_quiet_seconds: float = 1.0
    # certificates whose subjectAltName is under this domain expire after short_lived_seconds (a test CA profile
    # of the SUT), so that expiring-soon and expiry notifications can be observed within a run; "" = none
    short_lived_san_domain: str = ""
    short_lived_seconds: float = 0.0
    # the validity (notAfter - notBefore) of every other certificate the SUT issues, in days; 0 = not declared
    # (the profile check c6-validity-declared then judges nothing)
    validity_days: float = 0.0
    cert_profile: Path | None = None  # certificate profile JSON for the C.6 checks (default: IFA026 table C.6-1)
    acme: AcmePixit | None = None  # ACME for NFV-MANO certificates; None: the C.4 scenarios are NOT APPLICABLE
    sut_client_ca: Path | None = None  # trust anchor of the SUT's client certificates (default: server_ca)
    ca_certificates: tuple[Path, ...] = ()  # issuing CA certificates of what the SUT issues (C.6 AKI checks)
    harness: HarnessPixit | None = None  # the harness's actors (None: none the SUT must reach, e.g. a CMP server)
    oauth: OAuthPixit | None = None  # OAuth 2.0 (pics.oauth2): token endpoint, audience, clients (profile_oauth)

    @property
    def client_ca(self) -> Path:
        return self.sut_client_ca or self.server_ca


@dataclass(frozen=True)
class Profile:
    name: str
    pics: Pics
    pixit: Any  # Pixit (role CMF) or harness.profile_sm.SmPixit (role SM)
    source: str = ""  # file path, or "embedded reference CMF"

    def anchors(self) -> list[x509.Certificate]:
        certs: list[x509.Certificate] = []
        for path in self.pixit.ca_trust_anchors:
            certs += x509.load_pem_x509_certificates(path.read_bytes())
        return certs


def _path(base: Path, value: str, where: str) -> Path:
    path = (base / value).resolve()
    if not path.is_file():
        raise ProfileError(f"{where}: file not found: {path}")
    return path


def _identity(table: dict[str, Any], base: Path, where: str) -> Identity:
    check_keys(table, ("cert", "key"), where)
    identity = Identity(
        cert=_path(base, get_value(table, "cert", str, where), f"{where}.cert"),
        key=_path(base, get_value(table, "key", str, where), f"{where}.key"),
    )
    key_pair(identity.cert, identity.key, where)
    return identity


def _trust(base: Path, value: str, where: str) -> Path:
    path = _path(base, value, where)
    certificates(path, where)
    return path


def _cert_types(values: list[Any], where: str) -> tuple[str, ...]:
    for value in values:
        if value not in CERT_TYPES:
            raise ProfileError(f"{where}: unknown certificate type {value!r} (one of {', '.join(CERT_TYPES)})")
    return tuple(values)


def _selectors(values: list[Any]) -> tuple[str, ...]:
    known = Pics.attribute_selectors
    for value in values:
        if value not in known:
            raise ProfileError(f"pics.attribute_selectors: unknown selector {value!r} (one of {', '.join(known)})")
    return tuple(values)


def _choice(value: str, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ProfileError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _acme(table: dict[str, Any] | None, base: Path) -> AcmePixit | None:
    if table is None:
        return None
    where = "pixit.acme"
    check_keys(table, _names(AcmePixit), where)
    return AcmePixit(
        directory=get_value(table, "directory", str, where),
        server_ca=_trust(base, table["server_ca"], f"{where}.server_ca") if "server_ca" in table else None,
        oss_eab_kid=get_value(table, "oss_eab_kid", str, where, ""),
        oss_eab_key=get_value(table, "oss_eab_key", str, where, ""),
        mano_domain=get_value(table, "mano_domain", str, where, "mano.nfvct.test"),
        alpn_port=get_value(table, "alpn_port", int, where, 0),
        token_authority_key=(_path(base, table["token_authority_key"], f"{where}.token_authority_key")
                             if "token_authority_key" in table else None),
        ca_trust_anchors=tuple(_path(base, p, f"{where}.ca_trust_anchors")
                               for p in get_value(table, "ca_trust_anchors", list, where, [])),
    )


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _harness(table: dict[str, Any] | None, base: Path) -> HarnessPixit | None:
    if table is None:
        return None
    where = "pixit.harness"
    check_keys(table, ("directory", *HARNESS_LISTENERS), where)
    directory = (base / get_value(table, "directory", str, where)).resolve()
    if not (directory / "mano_root.crt").is_file():
        raise ProfileError(f"{where}.directory: {directory} is not an `nfvct init` environment's harness folder "
                           "(no mano_root.crt)")
    listeners = {name: parse_listener(table[name], f"{where}.{name}") for name in HARNESS_LISTENERS if name in table}
    return HarnessPixit(directory, listeners)


def load_profile(path: Path) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    base = path.parent
    check_keys(data, ("sut", "pics", "pixit"), "profile")
    sut = get_value(data, "sut", dict, "profile", {})
    check_keys(sut, ("name", "role"), "sut")
    role = get_value(sut, "role", str, "sut", "CMF")
    name = get_value(sut, "name", str, "sut", path.stem)
    if role == "SM":
        from harness.profile_sm import parse_sm
        return parse_sm(data, base, name, str(path))
    if role != "CMF":
        raise ProfileError(f"sut.role: {role!r} is not one of CMF, SM")
    pics_t = get_value(data, "pics", dict, "profile", {})
    pixit_t = get_value(data, "pixit", dict, "profile")
    check_keys(pics_t, tuple(n for n in _names(Pics) if n != "role"), "pics")
    check_keys(pixit_t, _names(Pixit), "pixit")
    pics = Pics(
        role=role,
        cert_types=_cert_types(get_value(pics_t, "cert_types", list, "pics", list(CERT_TYPES)), "pics.cert_types"),
        delegation_mode=get_value(pics_t, "delegation_mode", bool, "pics", True),
        deferred_issuance=_cert_types(get_value(pics_t, "deferred_issuance", list, "pics", []), "pics.deferred_issuance"),
        chain_only_when_requested=get_value(pics_t, "chain_only_when_requested", bool, "pics", False),
        duplicate_registration_conflict=get_value(pics_t, "duplicate_registration_conflict", bool, "pics", True),
        deregister_conflict_with_valid_certs=get_value(pics_t, "deregister_conflict_with_valid_certs", bool, "pics", True),
        attribute_selectors=_selectors(get_value(pics_t, "attribute_selectors", list, "pics", list(Pics.attribute_selectors))),
        mtls_client_auth=get_value(pics_t, "mtls_client_auth", bool, "pics", True),
        cmp_protected_responses=get_value(pics_t, "cmp_protected_responses", bool, "pics", True),
        rest_registration=get_value(pics_t, "rest_registration", bool, "pics", True),
        p10cr_cert_req_id=_choice(get_value(pics_t, "p10cr_cert_req_id", str, "pics", "sol023"),
                                  ("sol023", "rfc9483"), "pics.p10cr_cert_req_id"),
        cert_notifications=get_value(pics_t, "cert_notifications", bool, "pics", True),
        duplicate_subscription=_choice(get_value(pics_t, "duplicate_subscription", str, "pics", "303"),
                                       ("201", "303"), "pics.duplicate_subscription"),
        notify_expiry=get_value(pics_t, "notify_expiry", bool, "pics", True),
        acme_challenges=tuple(_choice(c, ("tls-alpn-01", "tkauth-01"), "pics.acme_challenges")
                              for c in get_value(pics_t, "acme_challenges", list, "pics", ["tls-alpn-01", "tkauth-01"])),
        acme_initial_credential=get_value(pics_t, "acme_initial_credential", bool, "pics", True),
        acme_key_attestation=get_value(pics_t, "acme_key_attestation", bool, "pics", True),
        delegation_key_attestation=get_value(pics_t, "delegation_key_attestation", bool, "pics", True),
        direct_mode=get_value(pics_t, "direct_mode", bool, "pics", False),
        oauth2=get_value(pics_t, "oauth2", bool, "pics", False),
    )
    vnfm2 = get_value(pixit_t, "vnfm2", dict, "pixit", None)
    pixit = Pixit(
        api_root=get_value(pixit_t, "api_root", str, "pixit").rstrip("/"),
        cmp_base=get_value(pixit_t, "cmp_base", str, "pixit").rstrip("/"),
        server_ca=_trust(base, get_value(pixit_t, "server_ca", str, "pixit"), "pixit.server_ca"),
        vnfm=_identity(get_value(pixit_t, "vnfm", dict, "pixit"), base, "pixit.vnfm"),
        vnfm2=_identity(vnfm2, base, "pixit.vnfm2") if vnfm2 is not None else None,
        cmp_trust=_trust(base, pixit_t["cmp_trust"], "pixit.cmp_trust") if "cmp_trust" in pixit_t else None,
        cmp_single_path=get_value(pixit_t, "cmp_single_path", bool, "pixit", False),
        ca_trust_anchors=tuple(
            _trust(base, p, "pixit.ca_trust_anchors") for p in get_value(pixit_t, "ca_trust_anchors", list, "pixit", [])
        ),
        expected_issuers=dict(get_value(pixit_t, "expected_issuers", dict, "pixit", {})),
        san_domain=get_value(pixit_t, "san_domain", str, "pixit", "vnf.nfvct.test"),
        timeout=get_value(pixit_t, "timeout", float, "pixit", 10.0),
        exchange_seconds=_positive(get_value(pixit_t, "exchange_seconds", float, "pixit", 30.0), "exchange_seconds"),
        max_response_bytes=_positive(get_value(pixit_t, "max_response_bytes", int, "pixit", 4 * 1024 * 1024),
                                     "max_response_bytes"),
        run_seconds=get_value(pixit_t, "run_seconds", float, "pixit", 0.0),
        max_poll_seconds=get_value(pixit_t, "max_poll_seconds", float, "pixit", 30.0),
        max_polls=get_value(pixit_t, "max_polls", int, "pixit", 10),
        notify_wait_seconds=get_value(pixit_t, "notify_wait_seconds", float, "pixit", 5.0),
        notify_quiet_seconds=get_value(pixit_t, "notify_quiet_seconds", float, "pixit", 1.0),
        short_lived_san_domain=get_value(pixit_t, "short_lived_san_domain", str, "pixit", ""),
        short_lived_seconds=get_value(pixit_t, "short_lived_seconds", float, "pixit", 0.0),
        validity_days=get_value(pixit_t, "validity_days", float, "pixit", 0.0),
        cert_profile=_path(base, pixit_t["cert_profile"], "pixit.cert_profile") if "cert_profile" in pixit_t else None,
        acme=_acme(get_value(pixit_t, "acme", dict, "pixit", None), base),
        sut_client_ca=_trust(base, pixit_t["sut_client_ca"], "pixit.sut_client_ca") if "sut_client_ca" in pixit_t
        else None,
        ca_certificates=tuple(_trust(base, p, "pixit.ca_certificates")
                              for p in get_value(pixit_t, "ca_certificates", list, "pixit", [])),
        harness=_harness(get_value(pixit_t, "harness", dict, "pixit", None), base),
        oauth=parse_oauth(get_value(pixit_t, "oauth", dict, "pixit", None), base),
    )
    check_claim(pics.oauth2, pixit.oauth, pixit.harness is not None and pixit.harness.has("oauth"))
    for url, key in ((pixit.api_root, "api_root"), (pixit.cmp_base, "cmp_base")):
        if not url.startswith(("https://", "http://")):
            raise ProfileError(f"pixit.{key}: not an http(s) URL: {url!r}")
    return Profile(name=name, pics=pics, pixit=pixit, source=str(path))
