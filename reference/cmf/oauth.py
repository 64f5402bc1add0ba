"""OAuth 2.0 authorization of the reference CMF's REST and CMP resources (SOL013 8.3.3, SOL023 annex C).

Every request to the Certificate Management interface (``/nfv-cert/v1/...`` and the CMP resources under
``cmp_base``) and to the Certificate Notification interface (``/certnotify/v1/...``) needs a bearer token (RFC
6750 2.1) that the validator accepts (signature or introspection, issuer, audience, expiry), whose ``scope``
permits the resource and method (``wire.oauth.Scopes.permitting``: tables C.2-2, C.3-2). No token: 401 with
``WWW-Authenticate: Bearer``; an invalid one: 401 ``error="invalid_token"``; a valid one without the scope: 403
``error="insufficient_scope"`` (RFC 6750 3.1). The ``api_versions`` resources are served without a token (the
harness's choice: SOL013 9.3 version discovery before authorization). mTLS stays in force as well: the consumer's
identity (the delegate) is its certificate's subject."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference.cmf.config import RefCmfConfig
from reference.cmf.oauth_tokens import OAuthSettings, TokenValidator
from wire.oauth import CMP, SUBJECT, SUBJECTS, SUBSCRIPTION, SUBSCRIPTIONS, Scopes, scope_set

REALM = 'realm="nfvct-reference-cmf"'


@dataclass(frozen=True)
class OAuthCmfConfig(RefCmfConfig):
    """The reference CMF's configuration with its ``[oauth]`` settings (None: OAuth 2.0 not enabled)."""

    oauth: OAuthSettings | None = None


def oauth_of(config: RefCmfConfig) -> OAuthSettings | None:
    return getattr(config, "oauth", None)


def parse_settings(base: Path, table: dict[str, Any]) -> OAuthSettings | None:
    """``[oauth]`` of cmf.toml (None when absent or ``enabled = false``); KeyError/ValueError for the caller."""
    if not table or not table.get("enabled", True):
        return None
    validation = str(table.get("validation", "jwks"))
    if validation not in ("jwks", "introspection"):
        raise ValueError(f"oauth.validation: {validation!r} is not one of jwks, introspection")
    server_ca = (base / str(table["server_ca"])).resolve() if "server_ca" in table else None
    if server_ca is not None and not server_ca.is_file():
        raise ValueError(f"oauth.server_ca: file not found: {server_ca}")
    return OAuthSettings(issuer=str(table["issuer"]), audience=str(table["audience"]), validation=validation,
                         jwks_url=str(table.get("jwks_url", "")),
                         introspection_url=str(table.get("introspection_url", "")),
                         client_id=str(table.get("client_id", "")), client_secret=str(table.get("client_secret", "")),
                         server_ca=server_ca, scope_version=str(table.get("scope_version", "v1")))


def resource_kind(path: str, cmp_base: str) -> str | None:
    """Which annex C resource a path is (None: not under OAuth, e.g. api_versions or the direct-mode callback)."""
    if path.endswith("/api_versions"):
        return None
    if path.startswith(cmp_base + "/"):
        return CMP
    if path.startswith("/nfv-cert/"):
        rest = path.removeprefix("/nfv-cert/v1/")
        return SUBJECTS if rest == "subjects" else SUBJECT if rest.startswith("subjects/") else CMP
    if path.startswith("/certnotify/"):
        return SUBSCRIPTION if path.startswith("/certnotify/v1/subscriptions/") else SUBSCRIPTIONS
    return None


class OAuthGuard:
    """ASGI middleware in front of the reference CMF's routes."""

    def __init__(self, app: ASGIApp, config: RefCmfConfig, settings: OAuthSettings) -> None:
        self.app, self.config, self.settings = app, config, settings
        self.scopes = Scopes(settings.scope_version)
        self.validator = TokenValidator(settings, config.faults)

    def _permitting(self, kind: str, method: str) -> frozenset[str]:
        s, has = self.scopes, self.config.has
        permitting = set(s.permitting(kind, method))
        if has("subject-scope-too-wide") and kind == CMP:
            permitting.add(s.subject)
        if has("subject-scope-no-delete") and kind == SUBJECT and method == "DELETE":
            permitting.discard(s.subject)
        if has("all-scope-subjects-only") and kind == CMP:
            permitting.discard(s.cert_all)
        if has("notify-scope-covers-subjects") and kind in (SUBJECTS, SUBJECT):
            permitting.add(s.notify_all)
        return frozenset(permitting)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = resource_kind(scope["path"], self.config.cmp_base)
        anonymous = not (scope.get("state") or {}).get("tls_client_cert")
        if kind is None or (anonymous and self.config.has("no-mtls")):  # no-mtls serves anonymous clients unasked
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        if not header.lower().startswith("bearer ") or not header[7:].strip():
            await self._missing(send)
            return
        claims, why = await self.validator.validate(header[7:].strip())
        if claims is None:
            await self._refuse(send, 401, f"Bearer {REALM}, error=\"invalid_token\"", f"access token refused: {why}")
            return
        method = scope["method"]
        needed = self._permitting(kind, method)
        if not (scope_set(claims.get("scope")) & needed) and not self.config.has("ignore-scope"):
            if self.config.has("refused-post-registers") and method == "POST":
                await self.app(scope, receive, _discard)  # the fault: does the work, then answers 403
            status = 401 if self.config.has("401-where-403") else 403
            await self._refuse(send, status, f"Bearer {REALM}, error=\"insufficient_scope\", "
                               f"scope=\"{' '.join(sorted(needed))}\"",
                               f"{method} on this resource needs one of the scopes {', '.join(sorted(needed))}")
            return
        await self.app(scope, receive, send)

    async def _missing(self, send: Send) -> None:
        if self.config.has("403-where-401"):
            await self._refuse(send, 403, f"Bearer {REALM}", "no access token")
        else:
            await self._refuse(send, 401, None if self.config.has("no-www-authenticate") else f"Bearer {REALM}",
                               "an access token is required (RFC 6750 2.1 Authorization: Bearer)")

    @staticmethod
    async def _refuse(send: Send, status: int, challenge: str | None, detail: str) -> None:
        """A ProblemDetails (SOL013 6.4) with the RFC 6750 challenge."""
        title = {401: "Unauthorized", 403: "Forbidden"}[status]
        body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
        headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
        if challenge:
            headers.append((b"www-authenticate", challenge.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _discard(message: Message) -> None:
    del message
