"""The harness's OAuth 2.0 clients: a bearer-token ``httpx.Auth`` that gets its access token by the client
credentials grant (RFC 6749 4.4, ``client_secret_basic``) and renews it before it expires, and a fixed-token
``httpx.Auth`` for probes (a deliberately bad token, or none)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Generator

import httpx

RENEW_BEFORE = 30.0  # seconds before expires_in runs out


class TokenError(RuntimeError):
    """The token endpoint gave no access token."""


def request_token(token_endpoint: str, client_id: str, secret: str, scope: str, verify: ssl.SSLContext | bool,
                  timeout: float = 10.0) -> tuple[str, float]:
    """(access token, seconds it is valid) from ``token_endpoint``."""
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    try:
        with httpx.Client(verify=verify, timeout=timeout) as client:
            response = client.post(token_endpoint, data=data, auth=(client_id, secret))
    except httpx.HTTPError as exc:
        raise TokenError(f"token endpoint {token_endpoint}: {type(exc).__name__}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        error = body.get("error") if isinstance(body, dict) else response.text[:100]
        raise TokenError(f"token endpoint {token_endpoint} answered {response.status_code} ({error}) for "
                         f"client {client_id}")
    expires = body.get("expires_in")
    return body["access_token"], float(expires) if isinstance(expires, (int, float)) else 300.0


class ClientCredentialsAuth(httpx.Auth):
    """Bearer token of one client and scope, fetched on first use and renewed before it expires."""

    def __init__(self, token_endpoint: str, client_id: str, secret: str, scope: str,
                 verify: ssl.SSLContext | bool, timeout: float = 10.0) -> None:
        self.token_endpoint, self.client_id, self.scope = token_endpoint, client_id, scope
        self._secret, self._verify, self._timeout = secret, verify, timeout
        self._token, self._until = "", 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if not self._token or time.monotonic() > self._until:
                token, seconds = request_token(self.token_endpoint, self.client_id, self._secret, self.scope,
                                               self._verify, self._timeout)
                self._token, self._until = token, time.monotonic() + max(seconds - RENEW_BEFORE, 1.0)
            return self._token

    def with_scope(self, scope: str) -> ClientCredentialsAuth:
        return ClientCredentialsAuth(self.token_endpoint, self.client_id, self._secret, scope, self._verify,
                                     self._timeout)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request


class FixedTokenAuth(httpx.Auth):
    """Sends exactly ``token`` ("" = no Authorization header at all)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._token:
            request.headers["Authorization"] = f"Bearer {self._token}"
        else:
            request.headers.pop("Authorization", None)
        yield request
