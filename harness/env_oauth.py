"""The OAuth 2.0 part of an `nfvct init --role cmf` environment: the authorization server's persistent signing
key (``harness/oauth/signing.jwk``; its public JWKS in ``import/oauth_jwks.json``), the client credentials of
the harness's VNFMs and of the CMF (for token introspection), made once (``harness/oauth/clients.json``), and the
profile and reference-settings tables that name them (``pics.oauth2`` itself is in the profile's [pics])."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from simulators.oauth.keys import ensure_keys
from simulators.pki import write_file

CLIENTS = "oauth/clients.json"
CLIENT_NAMES = ("vnfm", "vnfm2", "cmf")


def ensure_oauth(d: Path) -> dict[str, dict[str, str]]:
    """Signing key and client credentials of the environment ``d`` (kept when present)."""
    ensure_keys(d / "harness", d / "import")
    path = d / "harness" / CLIENTS
    if not path.exists():
        clients = {n: {"client_id": f"nfvct-{n}", "client_secret": secrets.token_urlsafe(24)} for n in CLIENT_NAMES}
        write_file(path, json.dumps(clients, indent=1).encode(), private=True)
    clients: dict[str, dict[str, str]] = json.loads(path.read_text())
    return clients


def profile_text(clients: dict[str, dict[str, str]], audience: str, bind: str, port: int, url: str) -> str:
    tables = "".join(f'\n[pixit.oauth.{n}]{" " * (29 - len(n))}# {_ROLE[n]}\nclient_id = "{c["client_id"]}"\n'
                     f'client_secret = "{c["client_secret"]}"\n' for n, c in clients.items() if n in _ROLE)
    return f"""
[pixit.oauth]                            # OAuth 2.0 on the CMF's REST and CMP resources (pics.oauth2)
token_endpoint = ""                      # "" = the harness's authorization server ([pixit.harness.oauth]);
                                         # or your own server's token endpoint (client credentials grant)
audience = "{audience}"   # the "aud" your CMF accepts in access tokens
scope_version = "v1"                     # <vn> of cert:<vn>:subject, cert:<vn>:all, certnotify:<vn>:all
{tables}
[pixit.harness.oauth]                    # the harness's authorization server: token, JWKS, introspection
bind = "{bind}"
port = {port}
url = "{url}"
"""


_ROLE = {"vnfm": "the VNFM's client credentials", "vnfm2": "the second VNFM's",
         "cmf": "your CMF's, for token introspection (RFC 7662)"}


def settings_text(clients: dict[str, dict[str, str]], enabled: bool, audience: str, url: str) -> str:
    cmf = clients["cmf"]
    return f"""
[oauth]                                  # OAuth 2.0 bearer tokens (SOL013 8.3, SOL023 annex C scopes)
enabled = {"true" if enabled else "false"}
issuer = "{url}"
audience = "{audience}"
validation = "jwks"                      # "jwks": verify the JWT with the AS's keys; "introspection": RFC 7662
jwks_url = "{url}/oauth/v1/jwks"
introspection_url = "{url}/oauth/v1/introspect"
client_id = "{cmf["client_id"]}"          # the CMF's credentials at the AS (introspection)
client_secret = "{cmf["client_secret"]}"
server_ca = "../import/mano_root.crt"    # trust anchor of the AS's (and token endpoints') TLS certificates
scope_version = "v1"
"""
