"""Building blocks of the C.4 scenarios: the OSS registers an entity, the entity creates its account with the
initial credential, orders, answers the challenge, finalizes and downloads (RFC 8555 7.3-7.4.2)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import josepy as jose
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness.context import RunContext
from harness.recorder import PreconditionFailed
from simulators.acme.actors import AcmeActors
from simulators.acme.client import AcmeClient, body_of
from simulators.acme.token_authority import TokenAuthority
from wire.acme import key_authorization
from wire.x509util import PathError, build_path, spki


def new_account_key() -> jose.JWK:
    return jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))


def acme_of(ctx: RunContext) -> AcmeActors:
    if ctx.acme is None:
        raise PreconditionFailed("the profile has no [pixit.acme]")
    return ctx.acme


def fresh_fqdn(ctx: RunContext, role: str) -> str:
    ctx.counter += 1
    return f"{role.lower()}-{ctx.counter:03d}-{ctx.rng.getrandbits(32):08x}.{acme_of(ctx).pixit.mano_domain}"


@dataclass
class Registration:
    fqdn: str
    response: httpx.Response
    body: dict[str, Any]
    url: str
    key: jose.JWK  # the OSS's key for this registration (it deactivates with it)
    oss: AcmeClient
    credential: dict[str, Any] | None


def oss_register(ctx: RunContext, role: str, *, fqdn: str | None = None, eab: tuple[str, str] | None = None,
                 attestation: dict[str, Any] | None = None, oss: AcmeClient | None = None) -> Registration:
    """C.4.x.1: the OSS's newAccount for the entity's FQDN (harness binding: contact mailto:cert-admin@FQDN,
    EAB made with the OSS's operator-provisioned key, the initial credential in the answer)."""
    acme = acme_of(ctx)
    oss = oss or acme.client("OSS")
    fqdn = fqdn or fresh_fqdn(ctx, role)
    key = new_account_key()
    payload: dict[str, Any] = {"termsOfServiceAgreed": True, "contact": [f"mailto:cert-admin@{fqdn}"]}
    kid, mac = eab or (acme.pixit.oss_eab_kid, acme.pixit.oss_eab_key)
    if kid and mac:
        payload["externalAccountBinding"] = oss.eab(key, kid, mac)
    if attestation is not None:
        payload["keyAttestation"] = attestation
    response = oss.post(oss.directory()["newAccount"], payload, key)
    body = body_of(response)
    credential = body.get("initialCredential") if isinstance(body.get("initialCredential"), dict) else None
    return Registration(fqdn, response, body, response.headers.get("location", ""), key, oss, credential)


@dataclass
class Entity:
    role: str
    fqdn: str
    key: jose.JWK
    client: AcmeClient
    account_url: str = ""
    account_response: httpx.Response | None = None
    validated: OrderRun | None = None  # the last order whose challenge this entity really answered


def entity_account(ctx: RunContext, role: str, reg: Registration, *, mac_override: str | None = None) -> Entity:
    """C.4.x.2 step 0 (first half): the entity's newAccount, with the initial credential as EAB when it has one."""
    client = acme_of(ctx).client(role)
    entity = Entity(role, reg.fqdn, new_account_key(), client)
    payload: dict[str, Any] = {"termsOfServiceAgreed": True, "contact": [f"mailto:cert-admin@{reg.fqdn}"]}
    if reg.credential:
        payload["externalAccountBinding"] = client.eab(entity.key, str(reg.credential.get("keyId")),
                                                       mac_override or str(reg.credential.get("macKey")))
    response = client.post(client.directory()["newAccount"], payload, entity.key)
    entity.account_response, entity.account_url = response, response.headers.get("location", "")
    return entity


@dataclass
class OrderRun:
    response: httpx.Response
    url: str
    body: dict[str, Any]
    offered: list[str] = field(default_factory=list)
    used: str = ""
    challenge_status: str = ""
    challenge_response: httpx.Response | None = None
    probes: list[Any] = field(default_factory=list)
    reused: bool = False  # the authorization was valid before any challenge (RFC 8555 7.1.4 lets a server reuse)


def new_order(entity: Entity, names: list[str] | None = None) -> OrderRun:
    client = entity.client
    payload = {"identifiers": [{"type": "dns", "value": n} for n in (names or [entity.fqdn])]}
    response = client.post(client.directory()["newOrder"], payload, entity.key, kid=entity.account_url)
    return OrderRun(response, response.headers.get("location", ""), body_of(response))


def validate(ctx: RunContext, entity: Entity, order: OrderRun, wanted: str, *, wrong: bool = False,
             rogue: bool = False, poll_seconds: float = 5.0) -> OrderRun:
    """Answer one challenge of the order's authorization (the first offered among ``wanted``, tls-alpn-01 or
    tkauth-01); ``wrong``: serve a certificate for another key authorization; ``rogue``: a token from an
    authority the CMF does not trust. Polls the challenge until it leaves pending (bounded)."""
    acme, client = acme_of(ctx), entity.client
    authz_url = (order.body.get("authorizations") or [""])[0]
    authz = body_of(client.post(authz_url, None, entity.key, kid=entity.account_url))
    challenges = [c for c in authz.get("challenges", []) if isinstance(c, dict)]
    order.offered = [str(c.get("type")) for c in challenges]
    chosen = next((c for c in challenges if c.get("type") == wanted), None)
    if chosen is None:
        chosen = next((c for c in challenges if c.get("type") in ("tls-alpn-01", "tkauth-01")), None)
    if chosen is None:
        raise PreconditionFailed(f"no tls-alpn-01 or tkauth-01 challenge offered (offered {order.offered})")
    order.used = str(chosen["type"])
    if authz.get("status") == "valid":
        if entity.validated is not None and not (wrong or rogue):
            # An authorization the server reuses from an earlier order of this account (RFC 8555 7.1.4): nothing
            # to answer, and its challenges are shown filtered, so the earlier order is the evidence.
            order.reused, order.challenge_status = True, "valid"
        else:
            order.challenge_status = "authorization valid before any challenge was answered"
        return order
    payload: dict[str, Any] = {}
    if order.used == "tls-alpn-01":
        key_auth = key_authorization(str(chosen["token"]), entity.key.public_key())
        acme.responder.serve_challenge(entity.fqdn, key_auth + ("-wrong" if wrong else ""))
    else:
        authority = TokenAuthority() if rogue else acme.token_authority
        if authority is None:
            raise PreconditionFailed("tkauth-01 needs pixit.acme.token_authority_key (the authority the SUT trusts)")
        payload = {"tkauth": authority.issue(entity.fqdn, entity.key)}
    before = len(acme.responder.probes_for(entity.fqdn))
    response = client.post(str(chosen["url"]), payload, entity.key, kid=entity.account_url)
    status, deadline = str(body_of(response).get("status", "")), time.monotonic() + poll_seconds
    attempt = 0
    while status in ("pending", "processing") and time.monotonic() < deadline:
        time.sleep(min(poll_wait(response, attempt), max(deadline - time.monotonic(), 0.0)))
        attempt += 1
        response = client.post(str(chosen["url"]), None, entity.key, kid=entity.account_url)
        status = str(body_of(response).get("status", ""))
    settle = time.monotonic() + 1.0  # the responder logs a connection once its handshake ends: let it catch up
    while (order.used == "tls-alpn-01" and len(acme.responder.probes_for(entity.fqdn)) == before
           and time.monotonic() < settle):
        time.sleep(0.02)
    acme.responder.withdraw(entity.fqdn)
    order.challenge_status, order.challenge_response = status, response
    order.probes = acme.responder.probes_for(entity.fqdn)[before:]
    if not (wrong or rogue):
        entity.validated = order
    return order


def make_csr(fqdn: str, key: Any | None = None) -> tuple[bytes, Any]:
    key = key or ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, fqdn)]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(fqdn)]), critical=False)
           .sign(key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.DER), key


def wait_order(entity: Entity, order: OrderRun, states: tuple[str, ...], seconds: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    body, response, attempt = order.body, None, 0
    while str(body.get("status")) not in states and time.monotonic() < deadline:
        time.sleep(min(poll_wait(response, attempt), max(deadline - time.monotonic(), 0.0)))
        attempt += 1
        response = entity.client.post(order.url, None, entity.key, kid=entity.account_url)
        body = body_of(response)
    return body


def poll_wait(response: httpx.Response | None, attempt: int) -> float:
    """Seconds before the next poll of a pending ACME resource: the server's Retry-After when it gives one
    (RFC 8555 7.5.1 / 8.2, delta-seconds, capped at 10 s), else a backoff from 50 ms doubling to 1 s, so a fast
    server is not made to look slow and a slow one is not hammered."""
    retry = response.headers.get("Retry-After", "") if response is not None else ""
    if retry.strip().isdigit():
        return min(float(retry.strip()), 10.0)
    return min(0.05 * 2 ** attempt, 1.0)


def finalize(entity: Entity, order: OrderRun, csr_der: bytes) -> httpx.Response:
    body = wait_order(entity, order, ("ready", "invalid", "valid"))
    return entity.client.post(str(body.get("finalize") or order.body.get("finalize")),
                              {"csr": jose.b64encode(csr_der).decode()}, entity.key, kid=entity.account_url)


@dataclass
class Download:
    cert: x509.Certificate | None
    chain: list[x509.Certificate]
    url: str
    how: str
    response: httpx.Response | None = None


def download(entity: Entity, order: OrderRun, finalized: httpx.Response) -> Download:
    body = body_of(finalized)
    if finalized.status_code != 200:
        return Download(None, [], "", f"finalize answered HTTP {finalized.status_code} {finalized.text[:200]}")
    if body.get("status") != "valid":
        body = wait_order(entity, order, ("valid", "invalid"))
    url = str(body.get("certificate") or "")
    if body.get("status") != "valid" or not url:
        return Download(None, [], url, f"order {body.get('status')!r}, certificate URL {url or 'absent'}")
    response = entity.client.post(url, None, entity.key, kid=entity.account_url)
    try:
        certs = x509.load_pem_x509_certificates(response.content)
    except ValueError as exc:
        return Download(None, [], url, f"download HTTP {response.status_code}: not a PEM chain ({exc})", response)
    return Download(certs[0], certs[1:], url, f"order valid; {len(certs)} certificate(s) from {url} "
                    f"({response.headers.get('content-type', '-')})", response)


def certificate_facts(anchors: list[x509.Certificate], fqdn: str, got: Download,
                      csr_der: bytes) -> dict[str, object]:
    """What the C.4 certificate checks read of a downloaded certificate (scenarios/mano.py in a conformance run,
    harness/load/acme_ops.py under load)."""
    facts: dict[str, object] = {"cert": got.cert, "how": got.how, "fqdn": fqdn}
    if got.cert is None:
        return facts
    try:
        path = build_path(got.cert, got.chain, anchors)
        missing = [c for c in path[1:] if c not in anchors and c not in got.chain]
        error = f"not delivered: {', '.join(c.subject.rfc4514_string() for c in missing)}" if missing else ""
    except PathError as exc:
        error = str(exc) if anchors else "no trust anchor configured (pixit.acme.ca_trust_anchors)"
    try:
        san = list(got.cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        san = []
    facts.update(chain_error=error, chain_len=1 + len(got.chain), cert_spki=spki(got.cert),
                 csr_spki=spki(x509.load_der_x509_csr(csr_der)),
                 san=[f"dns:{n.value}" if isinstance(n, x509.DNSName) else f"{type(n).__name__}:{n.value}"
                      for n in san])
    return facts
