"""A simulated token authority (RFC 9447): issues authority tokens (JWTs, ES256 via josepy) whose "atc" claim
names a DNS identifier and binds the requester's ACME account key by fingerprint. The tktype "dns" is the
harness's binding (RFC 9447 leaves the identifier types to companion documents)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import josepy as jose
from cryptography.hazmat.primitives.asymmetric import ec

from wire.acme import account_fingerprint


class TokenAuthority:
    def __init__(self, url: str = "https://token-authority.nfvct.test/authz", key: jose.JWK | None = None) -> None:
        self.url = url
        self._key = key or jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))

    def public_jwk(self) -> dict[str, Any]:
        return self._key.public_key().to_partial_json()

    def issue(self, fqdn: str, account_key: jose.JWK, *, lifetime: int = 300) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "iat": now, "exp": now + lifetime, "jti": secrets.token_urlsafe(12),
                  "atc": {"tktype": "dns", "tkvalue": fqdn, "ca": False,
                          "fingerprint": account_fingerprint(account_key.public_key())}}
        jws = jose.JWS.sign(json.dumps(claims).encode(), key=self._key, alg=jose.ES256,
                            protect=frozenset(["alg"]), include_jwk=False)
        return jws.to_compact().decode()
