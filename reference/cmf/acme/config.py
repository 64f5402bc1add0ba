"""Configuration of the reference CMF's ACME server (NFV-MANO certificates, SOL023 5.2.1a-5.2.6 and 5.8)."""

from __future__ import annotations

from dataclasses import dataclass, field

from wire.acme import CHALLENGE_TYPES


@dataclass(frozen=True)
class AcmeConfig:
    # trusted OSSs: EAB key id -> HMAC key; a registration (newAccount) must carry an EAB made with one of them
    oss_eab: dict[str, bytes] = field(default_factory=dict)
    # the token authority (RFC 9447) whose authority tokens the CMF trusts: its public JWK (JSON) and URL
    token_authority_jwk: dict[str, str] = field(default_factory=dict)
    token_authority_url: str = ""
    # where tls-alpn-01 validation connects: every identifier resolves to this address (the reference's resolver
    # binding: a test network where all MANO FQDNs point to the harness host)
    alpn_host: str = "127.0.0.1"
    alpn_port: int = 0
    challenge_types: tuple[str, ...] = CHALLENGE_TYPES  # offered in every authorization (SOL023 5.8.1)
    mano_domain: str = "mano.nfvct.test"  # registered FQDNs must lie under this domain
    validity_days: int = 90
    credential_uses: int = 1  # how many accounts one initial credential may create (then it is spent)
    validation_timeout: float = 3.0
