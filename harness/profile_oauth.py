"""PIXIT of OAuth 2.0 on the CMF's REST interfaces (``[pixit.oauth]``, read when ``pics.oauth2`` claims it):
which authorization server issues the consumers' tokens (the harness's own, served at ``[pixit.harness.oauth]``,
or the vendor's token endpoint), the audience the CMF expects, the annex C scopes' major version and the client
credentials of the harness's VNFMs.

    [pixit.oauth]
    token_endpoint = ""          # "" = the harness's own authorization server
    audience = ""                # the "aud" the CMF accepts ("" = pixit.api_root)
    scope_version = "v1"         # <vn> of cert:<vn>:subject ... (SOL023 annex C: {apiMajorVersion})
    [pixit.oauth.vnfm]
    client_id = "nfvct-vnfm"
    client_secret = "..."
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.profile_files import certificates
from harness.profile_keys import ProfileError, check_keys, get_value

KEYS = ("token_endpoint", "audience", "scope_version", "server_ca", "token_lifetime", "vnfm", "vnfm2", "cmf")
DEFAULT_SCOPE_VERSION = "v1"  # SOL023 5.6.2 and 7.2: {apiMajorVersion} = "v1", the version the harness uses


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class OAuthPixit:
    vnfm: OAuthClient  # the harness's VNFM (consumer of both interfaces)
    vnfm2: OAuthClient | None = None  # the second VNFM
    cmf: OAuthClient | None = None  # the SUT's own credentials at the harness's AS (token introspection)
    token_endpoint: str = ""  # "" = the harness's authorization server (pixit.harness.oauth)
    audience: str = ""  # "" = pixit.api_root
    scope_version: str = DEFAULT_SCOPE_VERSION
    server_ca: Path | None = None  # trust anchor of a vendor token endpoint's TLS certificate (default: server_ca)
    token_lifetime: int = 300  # seconds, tokens of the harness's AS

    @property
    def own_server(self) -> bool:
        return not self.token_endpoint


def _client(table: Any, where: str) -> OAuthClient:
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: expected a table with client_id and client_secret")
    check_keys(table, ("client_id", "client_secret"), where)
    client_id = get_value(table, "client_id", str, where, "")
    secret = get_value(table, "client_secret", str, where, "")
    if not client_id or not secret:
        raise ProfileError(f"{where}: client_id and client_secret must both be set")
    return OAuthClient(client_id, secret)


def parse_oauth(table: dict[str, Any] | None, base: Path) -> OAuthPixit | None:
    if table is None:
        return None
    where = "pixit.oauth"
    check_keys(table, KEYS, where)
    if "vnfm" not in table:
        raise ProfileError(f"{where}.vnfm: missing (the client credentials of the harness's VNFM)")
    endpoint = get_value(table, "token_endpoint", str, where, "")
    if endpoint and not endpoint.startswith(("https://", "http://")):
        raise ProfileError(f"{where}.token_endpoint: not an http(s) URL: {endpoint!r}")
    version = get_value(table, "scope_version", str, where, DEFAULT_SCOPE_VERSION)
    if not re.fullmatch(r"v[0-9]+", version):
        raise ProfileError(f"{where}.scope_version: expected v<major> (e.g. \"v1\"), got {version!r}")
    lifetime = get_value(table, "token_lifetime", int, where, 300)
    if lifetime < 30:
        raise ProfileError(f"{where}.token_lifetime: at least 30 seconds, got {lifetime!r}")
    server_ca = None
    if "server_ca" in table:
        server_ca = (base / get_value(table, "server_ca", str, where)).resolve()
        if not server_ca.is_file():
            raise ProfileError(f"{where}.server_ca: file not found: {server_ca}")
        certificates(server_ca, f"{where}.server_ca")
    return OAuthPixit(
        vnfm=_client(table["vnfm"], f"{where}.vnfm"),
        vnfm2=_client(table["vnfm2"], f"{where}.vnfm2") if "vnfm2" in table else None,
        cmf=_client(table["cmf"], f"{where}.cmf") if "cmf" in table else None,
        token_endpoint=endpoint.rstrip("/"), audience=get_value(table, "audience", str, where, ""),
        scope_version=version, server_ca=server_ca, token_lifetime=lifetime)


def check_claim(oauth2: bool, oauth: OAuthPixit | None, has_listener: bool) -> None:
    """pics.oauth2 needs [pixit.oauth]; the harness's own authorization server needs its listener."""
    if oauth2 and oauth is None:
        raise ProfileError("pics.oauth2 = true needs a [pixit.oauth] table (at least [pixit.oauth.vnfm] client_id "
                           "and client_secret)")
    if oauth2 and oauth is not None and oauth.own_server and not has_listener:
        raise ProfileError("pixit.oauth.token_endpoint is empty (the harness's authorization server) but there is "
                           "no [pixit.harness.oauth] listener: add one, or set token_endpoint to your server's")
