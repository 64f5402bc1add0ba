"""The reference CMF's own configuration file (``cmf.toml``), as a vendor's product has one: where it listens,
its credentials, which issuers it trusts, where its CA-1 is, and (optional) its ACME server and direct-mode
agent. `nfvct init` writes one next to the harness's profile (``reference/cmf.toml``); nothing else configures
the reference. Paths are relative to the file."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import josepy as jose
from cryptography import x509

from reference.cmf.acme.config import AcmeConfig
from reference.cmf.config import CaEndpoint, RefCmfConfig
from reference.cmf.direct import DirectConfig
from reference.cmf.oauth import OAuthCmfConfig, parse_settings as oauth_settings
from wire.credentials import load_issued


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class CmfSettings:
    config: RefCmfConfig
    bind: str
    port: int
    url: str  # advertised {apiRoot} ("" = https://bind:port)
    client_ca: Path  # issuers of the consumers' certificates (mTLS)
    acme: AcmeConfig | None = None
    acme_port: int = 0
    acme_url: str = ""
    direct: DirectConfig | None = None


def _file(base: Path, table: dict[str, Any], key: str, where: str) -> Path:
    if key not in table:
        raise SettingsError(f"{where}.{key}: missing")
    path = (base / str(table[key])).resolve()
    if not path.is_file():
        raise SettingsError(f"{where}.{key}: file not found: {path}")
    return path


def _acme(base: Path, table: dict[str, Any]) -> AcmeConfig:
    eab = json.loads(_file(base, table, "oss_eab", "acme").read_text())
    authority = json.loads(_file(base, table, "token_authority_jwk", "acme").read_text())
    return AcmeConfig(oss_eab={eab["kid"]: jose.b64decode(eab["key"])}, token_authority_jwk=authority,
                      token_authority_url=str(table.get("token_authority_url", "")),
                      alpn_host=str(table.get("alpn_host", "127.0.0.1")), alpn_port=int(table.get("alpn_port", 443)),
                      mano_domain=str(table.get("mano_domain", "mano.nfvct.test")))


def _direct(base: Path, table: dict[str, Any], cert: Path, key: Path, ca1_url: str) -> DirectConfig:
    policy = json.loads(_file(base, table, "policy", "direct").read_text())
    return DirectConfig(
        vnfm_api=str(table["vnfm_api"]).rstrip("/"), ca1_url=str(table.get("ca1_url", ca1_url)).rstrip("/"),
        attestation_url=str(table["attestation_url"]).rstrip("/"),
        policy={vdu: tuple((n, t) for n, t in ids) for vdu, ids in policy.items()},
        san_domain=str(table.get("san_domain", "direct.vnf.nfvct.test")),
        trust_anchor_pem=_file(base, table, "trust_anchor", "direct").read_text(),
        client_cert=cert, client_key=key, server_ca=_file(base, table, "server_ca", "direct"))


def load_settings(path: Path, faults: frozenset[str] = frozenset()) -> CmfSettings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    base = path.parent
    try:
        listen, tls, ca1 = data["listen"], data["tls"], data["ca1"]
        cmp, store, short = data.get("cmp", {}), data.get("store", {}), data.get("short_lived", {})
        cert, key = _file(base, tls, "cert", "tls"), _file(base, tls, "key", "tls")
        client_ca = _file(base, tls, "client_ca", "tls")
        ca_url = str(ca1["url"]).rstrip("/")
        config = OAuthCmfConfig(  # RefCmfConfig with the [oauth] settings (reference/cmf/oauth.py)
            db_path=(base / str(store.get("db", "cmf.sqlite3"))).resolve(),
            signer=load_issued(cert, key),
            client_trust=tuple(x509.load_pem_x509_certificates(client_ca.read_bytes())),
            ca=CaEndpoint(ca_url, cert, key, _file(base, ca1, "server_ca", "ca1")),
            faults=faults, check_after=int(cmp.get("check_after", 1)),
            deferred_types=frozenset(cmp.get("deferred_types", ["VNF_OAM_certificate"])),
            tls_cert=cert, tls_key=key,
            short_lived_san_domain=str(short.get("san_domain", "")),
            short_lived_seconds=float(short.get("seconds", 0.0)),
            oauth=oauth_settings(base, data.get("oauth", {})),
        )
        acme = _acme(base, data["acme"]) if "acme" in data else None
        direct = _direct(base, data["direct"], cert, key, ca_url) if "direct" in data else None
        return CmfSettings(config, str(listen.get("bind", "127.0.0.1")), int(listen.get("port", 0)),
                           str(listen.get("url", "")), client_ca, acme, int(listen.get("acme_port", 0)),
                           str(listen.get("acme_url", "")), direct)
    except KeyError as exc:
        raise SettingsError(f"{path}: missing {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: {exc}") from None
