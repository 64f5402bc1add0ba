"""The harness's OAuth 2.0 authorization server (AS).

* ``POST /oauth/v1/token``: client credentials grant (RFC 6749 4.4); the client authenticates with HTTP Basic
  (``client_secret_basic``, 2.3.1) or ``client_id``/``client_secret`` in the form (``client_secret_post``); an
  optional ``scope`` (space-delimited, 3.3) and ``resource`` (RFC 8707, the audience). The access token is a JWT
  (RFC 9068): header ``typ`` "at+jwt", ES256, ``kid``; claims iss, sub, aud, exp, iat, jti, client_id, scope.
* ``GET /oauth/v1/jwks``: the public signing key (RFC 7517); ``GET /.well-known/oauth-authorization-server``
  its metadata (RFC 8414).
* ``POST /oauth/v1/introspect``: RFC 7662, for any registered (client-authenticated) caller.

``mint`` makes tokens directly, including the deliberately bad ones the probes send (expired, signed with a
foreign key, for another audience, without the needed scope). Every request is traced (caller -> AS) without
secrets: neither a client secret nor a token is recorded."""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote_plus

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.trace import Trace
from simulators.oauth.keys import jwks
from wire.oauth import ACCESS_TOKEN_TYP, CLIENT_CREDENTIALS, SIGNING_ALG, scope_set

CHANNEL = "OAuth 2.0 / HTTPS"
AS_NAME = "Authorization server"
PREFIX = "/oauth/v1"
MAX_FORM = 16 * 1024
DEFAULT_LIFETIME = 300


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str
    label: str  # the actor it is, in the trace ("VNFM", "CMF", ...)
    audience: str  # what its tokens are for
    scopes: frozenset[str]  # what it may request ("" requested: all of them)


@dataclass(frozen=True)
class IssuedToken:
    client_id: str
    audience: str
    scope: str
    expires: int
    from_endpoint: bool  # issued by the token endpoint (not minted for a probe)


@dataclass
class AuthorizationServer:
    key: ECKey
    trace: Trace | None = None
    lifetime: int = DEFAULT_LIFETIME
    base_url: str = ""  # set once listening: the issuer identifier and the endpoints' base
    _clients: dict[str, Client] = field(default_factory=dict)
    issued: dict[str, IssuedToken] = field(default_factory=dict)  # jti -> what was issued
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def token_endpoint(self) -> str:
        return f"{self.base_url}{PREFIX}/token"

    @property
    def jwks_uri(self) -> str:
        return f"{self.base_url}{PREFIX}/jwks"

    @property
    def introspection_endpoint(self) -> str:
        return f"{self.base_url}{PREFIX}/introspect"

    def register(self, client: Client) -> None:
        with self._lock:
            self._clients[client.client_id] = client

    def new_client(self, label: str, audience: str, prefix: str = "client") -> Client:
        """A client with fresh credentials (e.g. the ones a subscription hands the CMF for its notifications)."""
        client = Client(f"{prefix}-{secrets.token_hex(6)}", secrets.token_urlsafe(24), label, audience, frozenset())
        self.register(client)
        return client

    # tokens ---------------------------------------------------------------------------------------------
    def mint(self, client_id: str, scope: str, *, audience: str, expires_in: int | None = None,
             issued_at: int | None = None, key: ECKey | None = None, issuer: str | None = None,
             from_endpoint: bool = False) -> str:
        now = int(time.time()) if issued_at is None else issued_at
        exp = now + (self.lifetime if expires_in is None else expires_in)
        jti = secrets.token_hex(16)
        claims = {"iss": self.issuer if issuer is None else issuer, "sub": client_id, "aud": audience, "exp": exp,
                  "iat": now, "jti": jti, "client_id": client_id, "scope": scope}
        signer = key or self.key
        token = jwt.encode({"alg": SIGNING_ALG, "typ": ACCESS_TOKEN_TYP, "kid": signer.kid or self.key.kid},
                           claims, signer)
        if key is None:
            with self._lock:
                self.issued[jti] = IssuedToken(client_id, audience, scope, exp, from_endpoint)
        return token

    def foreign_key(self) -> ECKey:
        """A key the AS never published, under the AS's own kid (a forged token looks like the AS's)."""
        return ECKey.generate_key("P-256", parameters={"kid": self.key.kid, "alg": SIGNING_ALG})

    def verify(self, token: str, audience: str | None = None) -> tuple[dict[str, object] | None, str]:
        """(claims, "") for a token this AS issued, unexpired, of ``audience`` when given; else (None, why)."""
        try:
            decoded = jwt.decode(token, self.key, algorithms=[SIGNING_ALG])
        except (JoseError, ValueError) as exc:
            return None, f"not signed by the authorization server's key ({type(exc).__name__})"
        claims = dict(decoded.claims)
        if decoded.header.get("typ") != ACCESS_TOKEN_TYP:
            return None, f"typ {decoded.header.get('typ')!r}, not {ACCESS_TOKEN_TYP!r}"
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= time.time():
            return None, "expired"
        if audience is not None and audience != claims.get("aud"):
            return None, f"audience {claims.get('aud')!r}, not {audience!r}"
        with self._lock:
            known = self.issued.get(str(claims.get("jti")))
        if known is None:
            return None, "jti not issued by this authorization server"
        return claims, ""

    # HTTP -------------------------------------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(routes=[
            Route(f"{PREFIX}/token", self._token, methods=["POST"]),
            Route(f"{PREFIX}/jwks", self._jwks, methods=["GET"]),
            Route(f"{PREFIX}/introspect", self._introspect, methods=["POST"]),
            Route("/.well-known/oauth-authorization-server", self._metadata, methods=["GET"]),
        ])

    def _record(self, caller: str, summary: str, status: int, answer: str) -> None:
        if self.trace is not None:
            self.trace.record(caller, AS_NAME, "http-request", summary, channel=CHANNEL)
            self.trace.record(AS_NAME, caller, "http-response", f"{status} {answer}", channel=CHANNEL)

    async def _form(self, request: Request) -> dict[str, str]:
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_FORM:
                return {}
        try:
            return {k: v[0] for k, v in parse_qs(raw.decode("ascii"), strict_parsing=False).items()}
        except (UnicodeDecodeError, ValueError):
            return {}

    def _authenticate(self, request: Request, form: dict[str, str]) -> Client | None:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None
            user, _, password = decoded.partition(":")
            # RFC 6749 2.3.1: form-urlencoded before base64
            client_id, secret = unquote_plus(user), unquote_plus(password)
        with self._lock:
            client = self._clients.get(client_id)
        return client if client is not None and secrets.compare_digest(client.secret, secret) else None

    async def _token(self, request: Request) -> Response:
        form = await self._form(request)
        client = self._authenticate(request, form)
        label = client.label if client else "client"
        summary = f"POST {PREFIX}/token grant_type={form.get('grant_type', '-')} " \
                  f"client_id={form.get('client_id') or (client.client_id if client else '?')} " \
                  f"scope={form.get('scope', '(default)')}"
        if client is None:
            self._record(label, summary, 401, "invalid_client")
            return JSONResponse({"error": "invalid_client"}, status_code=401,
                                headers={"WWW-Authenticate": 'Basic realm="nfvct"'})
        if form.get("grant_type") != CLIENT_CREDENTIALS:
            self._record(label, summary, 400, "unsupported_grant_type")
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        requested = scope_set(form.get("scope", ""))
        if requested - client.scopes:
            self._record(label, summary, 400, "invalid_scope")
            return JSONResponse({"error": "invalid_scope",
                                 "error_description": f"not for this client: {' '.join(sorted(requested - client.scopes))}"},
                                status_code=400)
        scope = " ".join(sorted(requested or client.scopes))
        token = self.mint(client.client_id, scope, audience=form.get("resource") or client.audience,
                          from_endpoint=True)
        self._record(label, summary, 200, f"access token issued (scope {scope or '-'}, {self.lifetime} s)")
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime,
                             "scope": scope}, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    async def _jwks(self, request: Request) -> Response:
        self._record("CMF", f"GET {PREFIX}/jwks", 200, "JWK Set")
        return JSONResponse(jwks(self.key))

    async def _introspect(self, request: Request) -> Response:
        form = await self._form(request)
        caller = self._authenticate(request, form)
        if caller is None:
            self._record("CMF", f"POST {PREFIX}/introspect", 401, "invalid_client")
            return JSONResponse({"error": "invalid_client"}, status_code=401,
                                headers={"WWW-Authenticate": 'Basic realm="nfvct"'})
        claims, why = self.verify(form.get("token", ""))
        self._record(caller.label, f"POST {PREFIX}/introspect", 200, "active" if claims else f"inactive: {why}")
        if claims is None:
            return JSONResponse({"active": False})
        return JSONResponse({"active": True, "token_type": "Bearer", **claims})

    async def _metadata(self, request: Request) -> Response:
        return JSONResponse({"issuer": self.issuer, "token_endpoint": self.token_endpoint, "jwks_uri": self.jwks_uri,
                             "introspection_endpoint": self.introspection_endpoint,
                             "grant_types_supported": [CLIENT_CREDENTIALS],
                             "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})
