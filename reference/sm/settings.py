"""The reference Security Manager's own configuration file (``sm.toml``), as a vendor's SM has one: where it
listens (callbacks and approvals, mutual TLS), whom it trusts (the NFV-MANO root), the VNFD of the security VNF
the operator on-boarded, and per interface set its mode, its credential and the NFVO's and VIM's URLs. `nfvct
init --role sm` writes one next to the harness's profile (``reference/sm.toml``); nothing else configures the
reference SM. Paths are relative to the file. Format::

    security_vnfd = "vnfd-vfirewall-nfvct"
    mano_trust = "../import/mano_root.crt"   # trust anchor of the NFVO's and VIM's certificates

    [listener]                               # the SM's own listener (callbacks, approvals)
    bind = "127.0.0.1"
    port = 8600
    url = ""                                 # advertised base URL ("" = https://bind:port)
    cert = "sm_server.crt"
    key = "sm_server.key"

    [subscriptions]
    retry_seconds = 0.3                      # while NFV-MANO is unreachable
    check_seconds = 2.0                      # how often a held subscription is looked up (re-subscribe if gone)

    [sets.core]                              # one table per interface set, in order
    mode = "semi-active"                     # passive | semi-active | fully-active
    master = false
    nfvo = "https://127.0.0.1:8601"          # the NFVO's apiRoot on this set
    vim = "https://127.0.0.1:8602"
    cert = "../import/sm_core.crt"           # this set's credential, issued by the operator
    key = "../import/sm_core.key"
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reference.sm.agent import SmBindingConfig

MODES = ("passive", "semi-active", "fully-active")
TOP_KEYS = ("security_vnfd", "mano_trust", "listener", "subscriptions", "sets")
LISTENER_KEYS = ("bind", "port", "url", "cert", "key")
SUBSCRIPTION_KEYS = ("retry_seconds", "check_seconds")
SET_KEYS = ("mode", "master", "nfvo", "vim", "cert", "key")


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class SmSettings:
    sets: tuple[SmBindingConfig, ...]  # the interface sets, as the agent takes them
    mano_trust: Path
    security_vnfd: str
    cert: Path  # the listener's TLS server certificate and key
    key: Path
    bind: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    retry_seconds: float = 0.3
    check_seconds: float = 2.0
    source: str = ""


def _keys(table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            raise SettingsError(f"{where}{key}: unknown key" + (f"; did you mean {where}{near[0]}?" if near else
                                                               f" (valid: {', '.join(allowed)})"))


def _get(table: dict[str, Any], key: str, kind: type, where: str, default: Any = ...) -> Any:
    if key not in table:
        if default is ...:
            raise SettingsError(f"{where}{key}: missing (required)")
        return default
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"{where}{key}: expected {kind.__name__}, got {value!r}")
    return value


def _file(base: Path, table: dict[str, Any], key: str, where: str) -> Path:
    path = (base / _get(table, key, str, where)).resolve()
    if not path.is_file():
        raise SettingsError(f"{where}{key}: file not found: {path}")
    return path


def _url(table: dict[str, Any], key: str, where: str) -> str:
    url = _get(table, key, str, where).rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise SettingsError(f"{where}{key}: not an http(s) URL: {url!r}")
    return url


def load_settings(path: Path) -> SmSettings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    base = path.parent
    _keys(data, TOP_KEYS, "")
    listener = _get(data, "listener", dict, "")
    _keys(listener, LISTENER_KEYS, "listener.")
    subs = _get(data, "subscriptions", dict, "", {})
    _keys(subs, SUBSCRIPTION_KEYS, "subscriptions.")
    sets = []
    for name, table in _get(data, "sets", dict, "").items():
        where = f"sets.{name}."
        if not isinstance(table, dict):
            raise SettingsError(f"sets.{name}: expected a table")
        _keys(table, SET_KEYS, where)
        mode = _get(table, "mode", str, where)
        if mode not in MODES:
            raise SettingsError(f"{where}mode: {mode!r} is not one of {', '.join(MODES)}")
        sets.append(SmBindingConfig(name, mode, _url(table, "nfvo", where), _url(table, "vim", where),
                                _file(base, table, "cert", where), _file(base, table, "key", where),
                                _get(table, "master", bool, where, False)))
    if not sets:
        raise SettingsError("sets: the SM needs at least one interface set")
    port = _get(listener, "port", int, "listener.", 0)
    if not 0 <= port <= 65535:
        raise SettingsError(f"listener.port: expected 0-65535, got {port}")
    retry, check = (_get(subs, "retry_seconds", float, "subscriptions.", 0.3),
                    _get(subs, "check_seconds", float, "subscriptions.", 2.0))
    if not (0 < retry <= 60 and 0 < check <= 600):
        raise SettingsError("subscriptions: retry_seconds (0-60] and check_seconds (0-600] expected")
    return SmSettings(
        sets=tuple(sets), mano_trust=_file(base, data, "mano_trust", ""),
        security_vnfd=_get(data, "security_vnfd", str, ""),
        cert=_file(base, listener, "cert", "listener."), key=_file(base, listener, "key", "listener."),
        bind=_get(listener, "bind", str, "listener.", "127.0.0.1"), port=port,
        url=_get(listener, "url", str, "listener.", "").rstrip("/"), retry_seconds=retry, check_seconds=check,
        source=str(path))
