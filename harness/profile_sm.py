"""The profile of a Security Manager under test (``role = "SM"``): its trust domains and interface sets, the mode
each set claims (the PICS claim, IFA026 5.1.2/R2.1.130), its credential per set (IFA033 Security.001/.006), where
the harness's NFVO and VIM listen for each set and with which identity, the approval binding of fully-active sets
(URL or adapter), the simulated sub-SM's set (5.1.3) and the timings. Every table is strict: an unknown key is an
error naming the nearest valid key. Example (README, "Testing your product"; `nfvct init --role sm` writes one)::

    [sut]
    name = "Example SM 3.0"
    role = "SM"

    [pixit.sm]
    server_ca = "trust/sm-server-root.crt"      # trust anchor of the SM's TLS server certificate
    credential_ca = "harness/sm_operator_ca.crt" # issuer of the SM credentials the NFVO/VIM accept
    mano_root = "harness/mano_root.crt"          # trust anchor of the NFVO's and VIM's certificates
    security_vnfd = "vnfd-vfirewall-nfvct"       # the security VNF the operator on-boarded (R2.1.340)
    sub_sm = "tenant"                            # the set the harness's simulated sub-SM uses ("" = none)

    [pixit.sm.sets.edge]
    mode = "fully-active"                        # passive | semi-active | fully-active
    domains = ["edge"]
    credential = "import/sm_edge.crt"            # the SM's certificate for this set (its key stays in the SM)
    approval_url = "https://sm.example.net:8600/sm/v1/edge/approvals"

    [pixit.sm.sets.edge.nfvo]                    # the NFVO's listener for this set
    bind = "0.0.0.0"
    port = 8603
    url = "https://mano.example.net:8603"
    cert = "harness/nfvo_edge.crt"
    key = "harness/nfvo_edge.key"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from harness.listeners import LISTENER_KEYS, Listener, parse_listener
from harness.profile import Pics, Profile
from harness.profile_files import key_pair
from harness.profile_keys import ProfileError, check_keys, get_value

MODES = ("passive", "semi-active", "fully-active")
TOP_KEYS = ("sut", "pics", "pixit")
SUT_KEYS = ("name", "role")
SM_KEYS = ("server_ca", "credential_ca", "mano_root", "security_vnfd", "sub_sm", "approval_adapter",
           "react_seconds", "quiet_seconds", "approval_seconds", "sets")
SET_KEYS = ("mode", "domains", "master", "credential", "credential_key", "approval_url", "nfvo", "vim")
PRODUCER_KEYS = (*LISTENER_KEYS, "cert", "key")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class Producer:
    """Where one of the harness's NFVO/VIM listeners serves a set, and its identity (TLS server and the client
    identity of its notifications)."""

    listener: Listener
    cert: Path
    key: Path


@dataclass(frozen=True)
class SmSet:
    """One interface set towards NFV-MANO (IFA026 5.1.3) and the mode claimed on it."""

    name: str
    mode: str
    domains: tuple[str, ...]
    credential: Path  # the SM's client certificate on this set (recognised by its SHA-256 fingerprint)
    nfvo: Producer
    vim: Producer
    master: bool = False
    credential_key: Path | None = None  # only for the simulated sub-SM's set (the harness presents it)
    approval_url: str = ""  # fully-active: where the NFVO asks for approval (nfvct-sm-approval/1)


@dataclass(frozen=True)
class SmPixit:
    server_ca: Path  # trust anchor of the SM's TLS server certificate (callbacks, approvals)
    credential_ca: Path  # trust anchor of the SM credentials (the NFVO/VIM listeners' client CA)
    mano_root: Path  # trust anchor of the NFVO's and VIM's certificates (the sub-SM's client trusts it)
    sets: tuple[SmSet, ...]
    security_vnfd: str
    sub_sm: str = ""  # the set of the harness's simulated sub-SM ("" = none: SM-hierarchy is NOT APPLICABLE)
    approval_adapter: str = ""  # "package.module:Class" mapping the SM's own approval message
    react_seconds: float = 3.0
    quiet_seconds: float = 0.4
    approval_seconds: float = 1.5

    def own_sets(self) -> tuple[SmSet, ...]:
        """The SM's interface sets (not the simulated sub-SM's)."""
        return tuple(s for s in self.sets if s.name != self.sub_sm)

    def domains(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d for s in self.sets for d in s.domains))


def _file(base: Path, table: dict[str, Any], key: str, where: str) -> Path:
    path = (base / get_value(table, key, str, where)).resolve()
    if not path.is_file():
        raise ProfileError(f"{where}.{key}: file not found: {path}")
    return path


def _certificate(path: Path, where: str) -> None:
    try:
        x509.load_pem_x509_certificates(path.read_bytes())
    except ValueError as exc:
        raise ProfileError(f"{where}: not a PEM certificate: {path} ({exc})") from None


def _trusted(base: Path, table: dict[str, Any], key: str, where: str) -> Path:
    path = _file(base, table, key, where)
    _certificate(path, f"{where}.{key}")
    return path


def _producer(table: Any, base: Path, where: str) -> Producer:
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: missing (required): a table with {', '.join(PRODUCER_KEYS)}")
    check_keys(table, PRODUCER_KEYS, where)
    listener = parse_listener({k: v for k, v in table.items() if k in LISTENER_KEYS}, where)
    if listener.port == 0:
        raise ProfileError(f"{where}.port: a fixed port is needed (the SM is configured with this listener's URL)")
    producer = Producer(listener, _file(base, table, "cert", where), _file(base, table, "key", where))
    key_pair(producer.cert, producer.key, where)
    return producer


def _set(name: str, table: Any, base: Path, adapter: str) -> SmSet:
    where = f"pixit.sm.sets.{name}"
    if not NAME.match(name):
        raise ProfileError(f"{where}: a set name is lower-case letters, digits and '-' (it appears in URLs)")
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: expected a table")
    check_keys(table, SET_KEYS, where)
    mode = get_value(table, "mode", str, where)
    if mode not in MODES:
        raise ProfileError(f"{where}.mode: {mode!r} is not one of {', '.join(MODES)}")
    domains = get_value(table, "domains", list, where)
    if not domains or not all(isinstance(d, str) and NAME.match(d) for d in domains):
        raise ProfileError(f"{where}.domains: a non-empty list of trust domain names expected, got {domains!r}")
    approval = get_value(table, "approval_url", str, where, "").rstrip("/")
    if approval and mode != "fully-active":
        raise ProfileError(f"{where}.approval_url: only a fully-active set is asked for approval (mode is {mode})")
    if approval and not approval.startswith(("https://", "http://")):
        raise ProfileError(f"{where}.approval_url: not an http(s) URL: {approval!r}")
    if mode == "fully-active" and not approval and not adapter:
        raise ProfileError(f"{where}.approval_url: missing (required for a fully-active set unless "
                           "pixit.sm.approval_adapter is given)")
    credential = _file(base, table, "credential", where)
    _certificate(credential, f"{where}.credential")
    key = _file(base, table, "credential_key", where) if "credential_key" in table else None
    if key is not None:
        key_pair(credential, key, where, ("credential", "credential_key"))
    return SmSet(name, mode, tuple(domains), credential, _producer(table.get("nfvo"), base, f"{where}.nfvo"),
                 _producer(table.get("vim"), base, f"{where}.vim"), get_value(table, "master", bool, where, False), key,
                 approval)


def _seconds(table: dict[str, Any], key: str, default: float) -> float:
    value = get_value(table, key, float, "pixit.sm", default)
    if not 0 < value <= 600:
        raise ProfileError(f"pixit.sm.{key}: expected seconds in (0, 600], got {value}")
    return float(value)


def _sm(table: Any, base: Path) -> SmPixit:
    if not isinstance(table, dict):
        raise ProfileError("pixit.sm: missing (required): the SM's interface sets and trust anchors")
    check_keys(table, SM_KEYS, "pixit.sm")
    adapter = get_value(table, "approval_adapter", str, "pixit.sm", "")
    if adapter and (":" not in adapter or adapter.startswith(":") or adapter.endswith(":")):
        raise ProfileError(f"pixit.sm.approval_adapter: expected 'package.module:Class', got {adapter!r}")
    sets_t = get_value(table, "sets", dict, "pixit.sm")
    sets = tuple(_set(name, t, base, adapter) for name, t in sets_t.items())
    sub = get_value(table, "sub_sm", str, "pixit.sm", "")
    by_name = {s.name: s for s in sets}
    if sub:
        if sub not in by_name:
            raise ProfileError(f"pixit.sm.sub_sm: no set {sub!r} (sets: {', '.join(by_name)})")
        if by_name[sub].master or by_name[sub].mode == "fully-active":
            raise ProfileError(f"pixit.sm.sub_sm: the simulated sub-SM's set {sub!r} must be a passive or "
                               "semi-active set that is not a master's (the harness answers no approvals)")
        if by_name[sub].credential_key is None:
            raise ProfileError(f"pixit.sm.sets.{sub}.credential_key: missing (required: the harness presents the "
                               "simulated sub-SM's credential)")
    if not [s for s in sets if s.name != sub]:
        raise ProfileError("pixit.sm.sets: the SM under test needs at least one interface set")
    owners: dict[bytes, str] = {}
    for s in sets:  # one credential per interface set (IFA033 Security.001): the NFVO tells sets apart by it
        der = x509.load_pem_x509_certificates(s.credential.read_bytes())[0].tbs_certificate_bytes
        owner = owners.setdefault(der, s.name)
        if owner != s.name:
            raise ProfileError(f"pixit.sm.sets.{s.name}.credential: the certificate of set {owner} (each interface "
                               "set needs its own credential, IFA033 Security.001)")
    seen: dict[tuple[str, int], str] = {}
    for s in sets:
        for kind, p in (("nfvo", s.nfvo), ("vim", s.vim)):
            here = f"pixit.sm.sets.{s.name}.{kind}"
            other = seen.setdefault((p.listener.bind, p.listener.port), here)
            if other != here:
                raise ProfileError(f"{here}.port: {p.listener.port} is also {other}'s port")
    pixit = SmPixit(
        server_ca=_trusted(base, table, "server_ca", "pixit.sm"),
        credential_ca=_file(base, table, "credential_ca", "pixit.sm"),
        mano_root=_trusted(base, table, "mano_root", "pixit.sm"),
        sets=sets, security_vnfd=get_value(table, "security_vnfd", str, "pixit.sm"), sub_sm=sub,
        approval_adapter=adapter, react_seconds=_seconds(table, "react_seconds", 3.0),
        quiet_seconds=_seconds(table, "quiet_seconds", 0.4), approval_seconds=_seconds(table, "approval_seconds", 1.5))
    if not pixit.security_vnfd:
        raise ProfileError("pixit.sm.security_vnfd: empty (the VNFD id of the on-boarded security VNF)")
    return pixit


def parse_sm(data: dict[str, Any], base: Path, name: str, source: str) -> Profile:
    """A profile with ``sut.role = "SM"`` (already parsed TOML; paths relative to ``base``)."""
    check_keys(data, TOP_KEYS, "profile")
    sut = get_value(data, "sut", dict, "profile", {})
    check_keys(sut, SUT_KEYS, "sut")
    for key in get_value(data, "pics", dict, "profile", {}):
        raise ProfileError(f"pics.{key}: an SM profile has no [pics] keys: its claims are the modes of its "
                           "interface sets (pixit.sm.sets.<name>.mode) and the master flag")
    pixit_t = get_value(data, "pixit", dict, "profile")
    check_keys(pixit_t, ("sm",), "pixit")
    pics = Pics(role="SM", cert_types=(), delegation_mode=False, cert_notifications=False)
    return Profile(name=name, pics=pics, pixit=_sm(pixit_t.get("sm"), base), source=source)

