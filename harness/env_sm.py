"""`nfvct init DIR --role sm`: a persistent test environment a Security Manager vendor configures their SM with once.

``DIR/harness/`` holds the harness's own identities (the NFVO's and VIM's keys per interface set, R2.1.70; the
simulated sub-SM's credential; the NFV-MANO root and the SM operator CA certificates), ``DIR/import/`` what the SM
must import (the NFV-MANO root, one SM credential per interface set as the operator issues them), ``DIR/reference/``
the reference SM's own server credential and settings (only `serve-reference --role sm` and the embedded run use
them), ``DIR/profile.toml`` the harness's profile, filled for the reference SM on loopback, and ``DIR/IMPORT.txt``
what to configure in the SM. Existing key material is kept when init runs again (ports and host can change)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from simulators.pki import host_names, is_ip, make_entity, make_intermediate, make_root, write_file, write_pair


@dataclass(frozen=True)
class SetPlan:
    name: str
    mode: str
    domains: tuple[str, ...]
    master: bool = False


# The environment's trust domains and SM interface sets: one SM (the SUT) spans core, edge and lab in three modes
# (R2.1.130) and is the master SM over the tenant domain, whose own sub-SM the harness simulates (5.1.3).
SETS = (
    SetPlan("core", "semi-active", ("core",)),
    SetPlan("edge", "fully-active", ("edge",)),
    SetPlan("lab", "passive", ("lab",)),
    SetPlan("master", "fully-active", ("tenant",), master=True),
    SetPlan("tenant", "semi-active", ("tenant",)),  # the simulated sub-SM's interface set
)
SUB_SM = "tenant"
SECURITY_VNFD = "vnfd-vfirewall-nfvct"  # stable: a vendor configures its SM with it once
DEFAULT_PORTS = {"sm": 8600, **{f"{kind}_{s.name}": 8601 + 2 * i + k for i, s in enumerate(SETS)
                                for k, kind in enumerate(("nfvo", "vim"))}}  # 8600-8610
TIMINGS = {"react_seconds": 3.0, "quiet_seconds": 0.4, "approval_seconds": 1.5}


def port_names() -> tuple[str, ...]:
    return tuple(DEFAULT_PORTS)


def _pki(d: Path, host: str) -> None:
    h, imp, ref = d / "harness", d / "import", d / "reference"
    names = host_names(host)
    mano_root = make_root("NFVCT MANO Root CA")
    mano_ca = make_intermediate(mano_root, "NFVCT MANO Issuing CA")
    for s in SETS:  # separate keys per interface set (R2.1.70)
        for kind in ("nfvo", "vim"):
            cn = f"{kind}-{s.name}.nfvct.test"
            write_pair(make_entity(mano_ca, cn, dns=(cn, *names["dns"]), ips=names["ips"]), h / f"{kind}_{s.name}")
    operator = make_root("NFVCT SM Operator CA")  # issues the SM credentials, one per interface set
    for s in SETS:
        cred = make_entity(operator, f"sm-{s.name}.nfvct.test", server=False)
        write_pair(cred, h / "sub_sm" if s.name == SUB_SM else imp / f"sm_{s.name}")
    ref_root = make_root("NFVCT Reference SM Root CA")
    write_pair(make_entity(ref_root, "sm.nfvct.test", **names), ref / "sm_server")
    write_file(ref / "sm_root.crt", ref_root.cert_pem())
    write_file(h / "sm_operator_ca.crt", operator.cert_pem())
    write_file(imp / "sm_operator_ca.crt", operator.cert_pem())
    write_file(imp / "mano_root.crt", mano_root.cert_pem())
    write_file(h / "mano_root.crt", mano_root.cert_pem())  # last: its presence marks a complete environment


def _q(value: object) -> str:
    return json.dumps(value)  # a TOML basic string / array of strings


def _profile(host: str, bind: str, ports: dict[str, int]) -> str:
    sm_url = f"https://127.0.0.1:{ports['sm']}"
    lines = [PROFILE_HEAD.format(sub=SUB_SM, vnfd=SECURITY_VNFD, **TIMINGS)]
    for s in SETS:
        sub = s.name == SUB_SM
        lines.append(f"\n[pixit.sm.sets.{s.name}]" + ("                  # the harness's simulated sub-SM" if sub
                                                      else ""))
        lines.append(f"mode = {_q(s.mode)}")
        lines.append(f"domains = {_q(list(s.domains))}")
        if s.master:
            lines.append("master = true                          # master SM over the sub-SM's domain (5.1.3)")
        if sub:
            lines += ['credential = "harness/sub_sm.crt"', 'credential_key = "harness/sub_sm.key"']
        else:
            lines.append(f'credential = "import/sm_{s.name}.crt"      # the SM\'s certificate on this set')
        if s.mode == "fully-active":
            lines.append(f'approval_url = "{sm_url}/sm/v1/{s.name}/approvals"')
        for kind in ("nfvo", "vim"):
            port = ports[f"{kind}_{s.name}"]
            lines += [f"\n[pixit.sm.sets.{s.name}.{kind}]", f"bind = {_q(bind)}", f"port = {port}",
                      f'url = "https://{host}:{port}"', f'cert = "harness/{kind}_{s.name}.crt"',
                      f'key = "harness/{kind}_{s.name}.key"']
    return "\n".join(lines) + "\n"


def _settings(host: str, ports: dict[str, int]) -> str:
    lines = [SETTINGS_HEAD.format(vnfd=SECURITY_VNFD, port=ports["sm"])]
    for s in SETS:
        if s.name == SUB_SM:
            continue
        lines += [f"\n[sets.{s.name}]", f"mode = {_q(s.mode)}", f"master = {'true' if s.master else 'false'}",
                  f'nfvo = "https://{host}:{ports["nfvo_" + s.name]}"',
                  f'vim = "https://{host}:{ports["vim_" + s.name]}"',
                  f'cert = "../import/sm_{s.name}.crt"', f'key = "../import/sm_{s.name}.key"']
    return "\n".join(lines) + "\n"


def _import(d: Path, host: str, ports: dict[str, int]) -> str:
    rows = []
    for s in SETS:
        if s.name == SUB_SM:
            continue
        rows.append(f"  {s.name}: {s.mode}{', master' if s.master else ''}, trust domain(s) {', '.join(s.domains)}\n"
                    f"    credential      import/sm_{s.name}.crt + import/sm_{s.name}.key\n"
                    f"    NFVO (Sc-Or)    https://{host}:{ports['nfvo_' + s.name]}   (nslcm/v2, vnfpkgm/v2, "
                    f"nfvct-secenforce/v1)\n"
                    f"    VIM (Sc-Vi)     https://{host}:{ports['vim_' + s.name]}   (telemetry/v1)"
                    + ("\n    approvals       serve nfvct-sm-approval/1 and set its URL as this set's approval_url"
                       if s.mode == "fully-active" else ""))
    return IMPORT.format(dir=d, sets="\n".join(rows), vnfd=SECURITY_VNFD)


def init_sm(directory: Path, *, host: str = "127.0.0.1", ports: dict[str, int] | None = None) -> Path:
    """Write the environment into ``directory``; returns the profile's path. Existing key material is kept."""
    unknown = sorted(set(ports or {}) - set(DEFAULT_PORTS))
    if unknown:
        raise ValueError(f"unknown listener(s) {', '.join(unknown)} (known: {', '.join(DEFAULT_PORTS)})")
    ports = {**DEFAULT_PORTS, **(ports or {})}
    host = "127.0.0.1" if host == "localhost" else host
    bind = host if is_ip(host) else "0.0.0.0"
    d = directory.resolve()
    d.mkdir(parents=True, exist_ok=True)
    if not (d / "harness" / "mano_root.crt").exists():
        _pki(d, host)
    (d / "profile.toml").write_text(_profile(host, bind, ports), encoding="utf-8")
    (d / "reference" / "sm.toml").write_text(_settings(host, ports), encoding="utf-8")
    (d / "IMPORT.txt").write_text(_import(d, host, ports), encoding="utf-8")
    return d / "profile.toml"


PROFILE_HEAD = """# nfvct profile of a Security Manager under test (written by `nfvct init --role sm`;
# README, "Testing your product"). As written it describes the reference SM
# (`nfvct serve-reference --role sm --profile THIS_FILE`).
# For your SM: set server_ca, each set's mode (what your SM claims there), credential (the certificate your SM
# presents on that set) and approval_url; keep the harness/ and import/ folders and the NFVO/VIM listeners:
# your SM is configured with them once (IMPORT.txt). Paths are relative to this file.

[sut]
name = "reference SM (serve-reference)"
role = "SM"

[pixit.sm]
server_ca = "reference/sm_root.crt"        # trust anchor of the SM's TLS server certificate (callbacks, approvals)
credential_ca = "harness/sm_operator_ca.crt"  # issuer of the SM credentials the NFVO/VIM listeners accept
mano_root = "harness/mano_root.crt"        # trust anchor of the NFVO's and VIM's certificates
security_vnfd = "{vnfd}"        # the security VNF (firewall) the operator on-boarded (R2.1.340)
sub_sm = "{sub}"                         # the set of the harness's simulated sub-SM ("" = none)
# approval_adapter = "package.module:Class"  # your SM's own approval message instead of nfvct-sm-approval/1
react_seconds = {react_seconds}                      # how long the SM may take to react (raise for a remote SM)
quiet_seconds = {quiet_seconds}                      # how long to watch for a request that should not come
approval_seconds = {approval_seconds}                   # deadline of an approval answer
# One table per interface set (mode: passive | semi-active | fully-active), each with the NFVO's and the VIM's
# listener for that set: bind address, fixed port, advertised URL, and the harness's identity there."""

SETTINGS_HEAD = """# Settings of the reference Security Manager (read only by reference/sm; the format is in
# reference/sm/settings.py). Written by `nfvct init --role sm`; paths are relative to this file.
security_vnfd = "{vnfd}"
mano_trust = "../import/mano_root.crt"

[listener]
bind = "127.0.0.1"
port = {port}
url = ""
cert = "sm_server.crt"
key = "sm_server.key"

[subscriptions]
retry_seconds = 0.3
check_seconds = 2.0"""

IMPORT = """What to configure in your Security Manager (environment {dir}):

Trust
  import/mano_root.crt     trust anchor of the harness's NFVO and VIM: their TLS server certificates and the
                           client certificates of their notifications, endpoint tests and approval requests
  import/sm_operator_ca.crt  the operator CA that issued your SM's credentials below (the NFVO/VIM accept only
                           these; to use your own, set pixit.sm.credential_ca and each set's credential)
Interface sets (one credential per set: present it only on that set, IFA033 Security.001/.006)
{sets}
What your SM must do on each set: subscribe to NS LCM notifications (POST {{NFVO}}/nslcm/v2/subscriptions) and to
alarms (POST {{VIM}}/telemetry/v1/subscriptions) with a callback on your own HTTPS listener (mutual TLS; the
harness tests it with GET first, expecting 204), and subscribe again whenever the harness restarts: the NFVO/VIM
run only while `nfvct run` runs.
Security VNF on-boarded by the operator (R2.1.340): VNFD id {vnfd}
Approvals (fully-active sets, harness binding nfvct-sm-approval/1): the NFVO POSTs an ApprovalRequest to the set's
approval_url in profile.toml and waits for GRANT | MODIFY | REJECT; or plug an adapter (pixit.sm.approval_adapter).
Then set in profile.toml: server_ca (your SM's TLS server CA), each set's mode, credential and approval_url, and
run: nfvct run --profile {dir}/profile.toml
"""
