"""The CMF role's OAuth 2.0 side, started from the profile: the harness's authorization server (where
``[pixit.harness.oauth]`` says; always, so that OAuth-authenticated notifications have a token endpoint the harness
controls), the VNFMs' bearer tokens (from it, or from the vendor's ``pixit.oauth.token_endpoint``), and the tokens
the probes send."""

from __future__ import annotations

import ssl
import time
from contextlib import ExitStack
from dataclasses import dataclass, field

from harness.listeners import listen
from harness.profile import HarnessPixit, Pixit
from harness.profile_oauth import OAuthClient, OAuthPixit
from harness.trace import Trace
from simulators.oauth.client import ClientCredentialsAuth, request_token
from simulators.oauth.keys import SIGNING_KEY, load_signing_key
from simulators.oauth.server import AuthorizationServer, Client
from wire.oauth import Scopes
from wire.serve import TlsFiles

BAD_VARIANTS = ("expired", "foreign-key", "wrong-audience", "tampered-claims")


class ActorAuth(ClientCredentialsAuth):
    """A VNFM's bearer auth, which also knows the run's OAuth actors (``oauth_actors`` finds them)."""

    actors: OAuthActors | None = None


@dataclass
class OAuthActors:
    pixit: OAuthPixit
    scopes: Scopes
    audience: str
    token_endpoint: str
    verify: ssl.SSLContext
    server: AuthorizationServer | None = None  # the harness's own (None: no [pixit.harness.oauth])
    clients: dict[str, OAuthClient] = field(default_factory=dict)

    def token(self, scope: str, who: str = "vnfm") -> str:
        """A valid access token with ``scope``, from the token endpoint (the client credentials grant)."""
        client = self.clients[who]
        token, _ = request_token(self.token_endpoint, client.client_id, client.client_secret, scope, self.verify)
        return token

    def bad_token(self, variant: str, scope: str) -> tuple[str | None, str]:
        """(token, "") for a deliberately bad token, or (None, why the harness cannot make it)."""
        own = self.server if self.pixit.own_server else None
        client_id = self.clients["vnfm"].client_id
        if variant == "foreign-key" and self.server is not None:
            return self.server.mint(client_id, scope, audience=self.audience, key=self.server.foreign_key(),
                                    issuer=own.issuer if own else ""), ""
        if own is None:
            return None, (f"a {variant} token the CMF should otherwise accept can only be made by the harness's own "
                          "authorization server (pixit.oauth.token_endpoint names another)")
        if variant == "expired":
            return own.mint(client_id, scope, audience=self.audience, issued_at=int(time.time()) - 600,
                            expires_in=300), ""
        if variant == "wrong-audience":
            return own.mint(client_id, scope, audience="https://not-this-cmf.nfvct.test"), ""
        if variant == "tampered-claims":  # a valid token's signature over other claims (a wider scope)
            narrow = own.mint(client_id, self.scopes.notify_all, audience=self.audience)
            wide = own.mint(client_id, scope, audience=self.audience, key=own.foreign_key())
            return ".".join(wide.split(".")[:2] + narrow.split(".")[2:]), ""
        raise ValueError(variant)


def start_oauth(stack: ExitStack, pixit: Pixit, harness: HarnessPixit | None, trace: Trace) -> OAuthActors | None:
    """The OAuth actors of a run whose PICS claims pics.oauth2 (None otherwise)."""
    oauth = pixit.oauth
    if oauth is None:
        return None
    audience = oauth.audience or pixit.api_root
    scopes = Scopes(oauth.scope_version)
    clients = {"vnfm": oauth.vnfm, **({"vnfm2": oauth.vnfm2} if oauth.vnfm2 else {})}
    server = None
    if harness is not None and harness.has("oauth"):
        server = AuthorizationServer(load_signing_key(harness.file(SIGNING_KEY)), trace, oauth.token_lifetime)
        every = frozenset({scopes.subject, scopes.cert_all, scopes.notify_all})
        for name, label in (("vnfm", "VNFM"), ("vnfm2", "VNFM-2")):
            if name in clients:
                server.register(Client(clients[name].client_id, clients[name].client_secret, label, audience, every))
        if oauth.cmf is not None:
            server.register(Client(oauth.cmf.client_id, oauth.cmf.client_secret, "CMF", audience, frozenset()))
        name = "oauth" if harness.file("oauth.crt").is_file() else "ca1"  # environments made before the AS
        tls = TlsFiles(harness.file(f"{name}.crt"), harness.file(f"{name}.key"), None, "none")
        served = stack.enter_context(listen(server.app(), tls, harness.listeners["oauth"], "oauth"))
        server.base_url = served.base_url
    if oauth.own_server:
        if server is None:
            return None
        verify = ssl.create_default_context(cafile=str(harness.file("mano_root.crt")))  # type: ignore[union-attr]
        endpoint = server.token_endpoint
    else:
        verify = ssl.create_default_context(cafile=str(oauth.server_ca or pixit.server_ca))
        endpoint = oauth.token_endpoint
    return OAuthActors(oauth, scopes, audience, endpoint, verify, server, clients)


def bearer_for(actors: OAuthActors, who: str) -> ActorAuth:
    """The bearer auth a VNFM sends every request with: both interfaces' ``all`` scopes."""
    client = actors.clients[who]
    auth = ActorAuth(actors.token_endpoint, client.client_id, client.client_secret,
                     f"{actors.scopes.cert_all} {actors.scopes.notify_all}", actors.verify)
    auth.actors = actors
    return auth


def oauth_actors(http_auth: object) -> OAuthActors | None:
    return getattr(http_auth, "actors", None)
