"""`nfvct init DIR --role cmf`: a persistent test environment a CMF vendor configures their product with once.

``DIR/harness/`` holds the harness's own identities and keys (they never leave the harness), ``DIR/import/``
what the product must import (trust anchors, the OSS's EAB key, the token authority's public key, the direct-mode
identity policy), ``DIR/reference/`` the reference CMF's own credentials and settings (only `serve-reference` and
the embedded run use them), and ``DIR/profile.toml`` the harness's profile, filled for the reference CMF."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import josepy as jose
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from harness.env_cmf_text import PROFILE, SETTINGS
from harness.env_cmf_variants import EXPIRED, NO_DIGITAL_SIGNATURE, expired, without_digital_signature
from harness.env_oauth import ensure_oauth, profile_text, settings_text
from simulators.direct.actors import POLICY, SAN_DOMAIN
from simulators.pki import host_names, is_ip, make_entity, make_intermediate, make_root, write_file, write_pair
from wire.acme import MANO_CERT_TYPE

# default ports: the reference CMF's listeners, then the harness's (all overridable in the files written)
DEFAULT_PORTS = {"cmf": 8443, "acme": 8444, "ca1": 8450, "vnfm_lcm": 8451, "attestation": 8452, "vnfci": 8453,
                 "direct_cmp": 8454, "notify": 8455, "alpn": 8456, "oauth": 8457}
HARNESS_LISTENERS = ("ca1", "vnfm_lcm", "attestation", "vnfci", "direct_cmp", "notify", "alpn", "oauth")
CA_TYPES = ("VNFCI_certificate", "VNF_OAM_certificate", MANO_CERT_TYPE)
ISSUING_CN = {"VNFCI_certificate": "NFVCT VNFCI Issuing CA", "VNF_OAM_certificate": "NFVCT VNF OAM Issuing CA",
              MANO_CERT_TYPE: "NFVCT NFV-MANO Issuing CA"}
SHORT_LIVED_DOMAIN, SHORT_LIVED_SECONDS = "short-lived.vnf.nfvct.test", 1.5
MANO_DOMAIN = "mano.nfvct.test"


def _harness_pki(d: Path, host: str) -> None:
    h = d / "harness"
    mano_root = make_root("NFVCT MANO Root CA")
    mano_ca = make_intermediate(mano_root, "NFVCT MANO Issuing CA")
    names = host_names(host)
    write_file(h / "mano_root.crt", mano_root.cert_pem())
    write_pair(make_entity(mano_ca, "vnfm-1.nfvct.test", dns=("vnfm-1.nfvct.test", *names["dns"]), ips=names["ips"]),
          h / "vnfm")  # the VNFM's NFV-MANO certificate; it also serves the VNF LCM and notification endpoints
    write_pair(make_entity(mano_ca, "vnfm-2.nfvct.test", dns=("vnfm-2.nfvct.test",)), h / "vnfm2")
    for cn, name in (("ca.nfvct.test", "ca1"), ("attestation.nfvct.test", "attestation"),
                     ("vnfci-host.nfvct.test", "vnfci"), ("oauth.nfvct.test", "oauth")):
        write_pair(make_entity(mano_ca, cn, **names), h / name)
    operator_root = make_root("NFVCT Operator Root CA")
    write_file(h / "ca" / "operator_root.crt", operator_root.cert_pem())
    issuing = []
    for cert_type in CA_TYPES:
        ca = make_intermediate(operator_root, ISSUING_CN[cert_type])
        write_file(h / "ca" / f"{cert_type}.crt", ca.cert_pem())
        write_file(h / "ca" / f"{cert_type}.key", ca.key_pem(), private=True)
        issuing.append(ca.cert_pem())
    authority = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
    write_file(h / "token_authority.jwk", authority.json_dumps().encode(), private=True)
    imp = d / "import"
    write_file(imp / "mano_root.crt", mano_root.cert_pem())
    write_file(imp / "operator_root.crt", operator_root.cert_pem())
    write_file(imp / "issuing_cas.pem", b"".join(issuing))
    write_file(imp / "token_authority.jwk", json.dumps(authority.public_key().to_partial_json()).encode())
    eab = {"kid": f"oss-{secrets.token_hex(4)}", "key": jose.b64encode(secrets.token_bytes(32)).decode()}
    write_file(imp / "oss_eab.json", json.dumps(eab).encode(), private=True)
    write_file(imp / "direct_policy.json", json.dumps({k: [list(i) for i in v] for k, v in POLICY.items()},
                                                  indent=1).encode())


def _reference_pki(d: Path, host: str) -> None:
    root = make_root("NFVCT Reference SUT Root CA")
    write_file(d / "reference" / "root.crt", root.cert_pem())
    cmf = make_entity(root, "cmf.nfvct.test", **host_names(host))
    write_pair(cmf, d / "reference" / "cmf")
    # for the fault protection-cert-no-digitalsignature only (harness/env_cmf_variants.py)
    write_pair(without_digital_signature(root, cmf), d / "reference" / NO_DIGITAL_SIGNATURE)
    write_pair(expired(root, cmf), d / "reference" / EXPIRED)  # for the fault protection-cert-expired only


def _subject(path: Path) -> str:
    return x509.load_pem_x509_certificate(path.read_bytes()).subject.rfc4514_string()


def init_cmf(d: Path, *, host: str = "127.0.0.1", ports: dict[str, int] | None = None,
             check_after: int = 1, oauth: bool = False) -> Path:
    """Write the environment into ``d``; returns the profile's path. Existing key material is kept. ``oauth``:
    the profile claims pics.oauth2 and the reference CMF authorizes with the harness's authorization server."""
    ports = {**DEFAULT_PORTS, **(ports or {})}
    d.mkdir(parents=True, exist_ok=True)
    if not (d / "harness" / "mano_root.crt").exists():
        _harness_pki(d, host)
    if not (d / "reference" / "cmf.crt").exists():
        _reference_pki(d, host)
    eab = json.loads((d / "import" / "oss_eab.json").read_text())
    clients = ensure_oauth(d)
    # port 0: ephemeral, for listeners whose URL the SUT learns during the run (callback URIs, enrolment and
    # configuration URLs); then the advertised url is the bound one
    url = {name: f"https://{host}:{ports[name]}" if ports[name] else "" for name in HARNESS_LISTENERS}
    ref_url = f"https://127.0.0.1:{ports['cmf']}"
    issuers = "\n".join(f'{t} = "{_subject(d / "harness" / "ca" / f"{t}.crt")}"' for t in CA_TYPES[:2])
    (d / "profile.toml").write_text(PROFILE.format(
        bind=host if is_ip(host) else "0.0.0.0", ref_url=ref_url, acme_url=f"https://127.0.0.1:{ports['acme']}", host=host, ports=ports, url=url,
        issuers=issuers, eab_kid=eab["kid"], eab_key=eab["key"], short_domain=SHORT_LIVED_DOMAIN,
        short_seconds=SHORT_LIVED_SECONDS, mano_domain=MANO_DOMAIN, oauth="true" if oauth else "false")
        + profile_text(clients, ref_url, host if is_ip(host) else "0.0.0.0", ports["oauth"], url["oauth"]))
    (d / "reference" / "cmf.toml").write_text(SETTINGS.format(
        ports=ports, url=url, check_after=check_after, short_domain=SHORT_LIVED_DOMAIN,
        short_seconds=SHORT_LIVED_SECONDS, mano_domain=MANO_DOMAIN, san_domain=SAN_DOMAIN,
        alpn_host="127.0.0.1" if host in ("127.0.0.1", "localhost") else host)
        + settings_text(clients, oauth, ref_url, url["oauth"]))
    (d / "IMPORT.txt").write_text(IMPORT.format(dir=d, url=url, ports=ports))
    return d / "profile.toml"


IMPORT = """What to configure in your CMF (environment {dir}):

Trust
  import/mano_root.crt      trust anchor of the harness's NFV-MANO certificates: the VNFM's and OSS's client
                            certificates (mTLS on your REST/CMP interfaces) and the TLS server certificates of
                            CA-1, the VNFM (VNF LCM), the attestation service and the notification endpoint
  import/operator_root.crt  trust anchor of the certificates the harness's CA-1 issues (import/issuing_cas.pem:
                            the issuing CAs per certificate type)
CA-1 (harness binding, JSON over HTTPS with mTLS; your CMF's client certificate must chain to the CA you set as
pixit.sut_client_ca in profile.toml)
  {url[ca1]}/ca1/v1/...
ACME for NFV-MANO certificates
  import/oss_eab.json       the trusted OSS's EAB key (key id and HMAC key): registrations carry an EAB made with it
  import/token_authority.jwk  public key of the token authority (tkauth-01, RFC 9447)
  tls-alpn-01: resolve every FQDN under the profile's pixit.acme.mano_domain to the harness host, port {ports[alpn]}
Direct mode
  VNF LCM of the VNFM       {url[vnfm_lcm]}/vnflcm/v2   (subscribe there; the harness tests your callback first)
  attestation service       {url[attestation]}/attestation/v1/results/{{vnfcId}}
  identity policy           import/direct_policy.json (VDU -> identities and certificate types)
  The VNFM runs only while `nfvct run` runs and forgets subscriptions between runs: subscribe again when your
  subscription is gone (GET on it answers 404) or the VNFM was unreachable.
OAuth 2.0 (when your CMF claims pics.oauth2; README "OAuth 2.0 on the REST interfaces")
  authorization server      issuer {url[oauth]}, JWKS {url[oauth]}/oauth/v1/jwks (or import/oauth_jwks.json),
                            introspection {url[oauth]}/oauth/v1/introspect ([pixit.oauth.cmf] credentials)
Then fill profile.toml (pixit.api_root, cmp_base, server_ca, sut_client_ca) and run: nfvct run --profile {dir}/profile.toml
"""
