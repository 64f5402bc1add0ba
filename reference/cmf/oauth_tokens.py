"""The reference CMF's OAuth 2.0 token handling: validating the consumers' access tokens (RFC 9068 JWTs,
verified with the authorization server's JWKS, or asked about by introspection, RFC 7662) and obtaining its
own tokens for notifications whose subscription names a token endpoint (client credentials, RFC 6749 4.4;
SOL013 8.3.4 paramsOauth2ClientCredentials). Faults change what is checked (reference/cmf/faults_oauth.py)."""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from wire.oauth import ACCESS_TOKEN_TYP, SIGNING_ALG

JWKS_REFRESH = 5.0  # seconds: an unknown kid refetches the JWKS at most this often
LEEWAY = 5  # seconds of clock skew tolerated on exp


@dataclass(frozen=True)
class OAuthSettings:
    """The reference CMF's ``[oauth]`` settings."""

    issuer: str
    audience: str
    validation: str = "jwks"  # "jwks" | "introspection"
    jwks_url: str = ""
    introspection_url: str = ""
    client_id: str = ""  # the CMF's own credentials at the AS (introspection)
    client_secret: str = ""
    server_ca: Path | None = None  # trust anchor of the AS's and token endpoints' TLS certificates
    scope_version: str = "v1"

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.server_ca) if self.server_ca else None)


class TokenValidator:
    """``await validate(token)`` -> (claims, "") or (None, why)."""

    def __init__(self, settings: OAuthSettings, faults: frozenset[str]) -> None:
        self.settings, self.faults = settings, faults
        self._keys: KeySet | None = None
        self._fetched = 0.0

    async def _keyset(self, refresh: bool) -> KeySet:
        if self._keys is None or (refresh and time.monotonic() - self._fetched > JWKS_REFRESH):
            async with httpx.AsyncClient(verify=self.settings.tls(), timeout=5.0) as client:
                response = await client.get(self.settings.jwks_url)
            self._keys, self._fetched = KeySet.import_key_set(response.json()), time.monotonic()
        return self._keys

    async def _verified_claims(self, token: str) -> tuple[dict[str, Any] | None, str]:
        if "accepts-any-signature" in self.faults:  # the fault: reads the claims, never checks the signature
            try:
                payload = json.loads(jws.extract_compact(token.encode()).payload)
            except (JoseError, ValueError, TypeError):
                return None, "not a JWS"
            return (payload, "") if isinstance(payload, dict) else (None, "no claims")
        for refresh in (False, True):
            try:
                keys = await self._keyset(refresh)
                decoded = jwt.decode(token, keys, algorithms=[SIGNING_ALG])
            except (httpx.HTTPError, ValueError) as exc:
                return None, f"JWKS unavailable: {type(exc).__name__}"
            except JoseError as exc:
                if refresh:
                    return None, f"signature not verified ({exc.error})"
                continue
            if decoded.header.get("typ") != ACCESS_TOKEN_TYP:
                return None, f"typ {decoded.header.get('typ')!r} is not {ACCESS_TOKEN_TYP} (RFC 9068 4)"
            return dict(decoded.claims), ""
        return None, "signature not verified"

    async def _introspected(self, token: str) -> tuple[dict[str, Any] | None, str]:
        try:
            async with httpx.AsyncClient(verify=self.settings.tls(), timeout=5.0) as client:
                response = await client.post(self.settings.introspection_url, data={"token": token},
                                             auth=(self.settings.client_id, self.settings.client_secret))
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return None, f"introspection failed: {type(exc).__name__}"
        if not isinstance(body, dict) or body.get("active") is not True:
            return None, "inactive (introspection)"
        return body, ""

    async def validate(self, token: str) -> tuple[dict[str, Any] | None, str]:
        if self.settings.validation == "introspection":
            claims, why = await self._introspected(token)
        else:
            claims, why = await self._verified_claims(token)
        if claims is None:
            return None, why
        exp = claims.get("exp")
        if "accepts-expired-token" not in self.faults and (not isinstance(exp, int) or exp + LEEWAY < time.time()):
            return None, "expired"
        if claims.get("iss") != self.settings.issuer:
            return None, f"issuer {claims.get('iss')!r} is not trusted"
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if "ignores-audience" not in self.faults and self.settings.audience not in audiences:
            return None, f"audience {aud!r} is not this CMF"
        return claims, ""


class NotifyTokens:
    """Access tokens the CMF presents to notification endpoints, per (token endpoint, clientId), renewed before
    they expire. Called from the notifier's delivery thread (synchronous)."""

    def __init__(self, settings: OAuthSettings | None, faults: frozenset[str]) -> None:
        self.settings, self.faults = settings, faults
        self._cache: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def headers(self, authentication: Any) -> dict[str, str]:
        """The Authorization header for a subscription's ``authentication`` ({} when it is not OAuth 2.0)."""
        if not isinstance(authentication, dict) or "OAUTH2_CLIENT_CREDENTIALS" not in (
                authentication.get("authType") or []) or "notify-without-token" in self.faults:
            return {}
        params = authentication.get("paramsOauth2ClientCredentials") or {}
        if "notify-self-signed-token" in self.faults:  # the fault: its own JWT instead of the endpoint's
            key = ECKey.generate_key("P-256", parameters={"kid": "refcmf"})
            claims = {"iss": "refcmf", "sub": str(params.get("clientId")), "exp": int(time.time()) + 300}
            return {"Authorization": "Bearer " + jwt.encode({"alg": SIGNING_ALG, "typ": ACCESS_TOKEN_TYP}, claims,
                                                            key)}
        token = self._token(str(params.get("tokenEndpoint", "")), str(params.get("clientId", "")),
                            str(params.get("clientPassword", "")))
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _token(self, endpoint: str, client_id: str, password: str) -> str:
        key = (endpoint, client_id)
        with self._lock:
            cached = self._cache.get(key)
            if cached and cached[1] > time.monotonic():
                return cached[0]
        verify: ssl.SSLContext | bool = self.settings.tls() if self.settings else True
        try:
            with httpx.Client(verify=verify, timeout=5.0) as client:
                response = client.post(endpoint, data={"grant_type": "client_credentials"},
                                       auth=(client_id, password))
            body = response.json()
        except (httpx.HTTPError, ValueError):
            return ""
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str):
            return ""
        lifetime = body.get("expires_in") if isinstance(body.get("expires_in"), int) else 60
        with self._lock:
            self._cache[key] = (token, time.monotonic() + max(lifetime - 30, 1))
        return token
