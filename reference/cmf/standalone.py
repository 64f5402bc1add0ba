"""`nfvct serve-reference`: the reference CMF and its CA for manual use, plus a matching profile."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from simulators.pki import build_test_pki
from reference.cmf.launch import SHORT_LIVED_DOMAIN, SHORT_LIVED_SECONDS, run_reference

PROFILE = """# Profile for the reference CMF started by `nfvct serve-reference` (generated).
[sut]
name = "reference CMF (serve-reference)"
role = "CMF"

[pics]
cert_types = ["VNFCI_certificate", "VNF_OAM_certificate"]
delegation_mode = true
deferred_issuance = {deferred}
chain_only_when_requested = true

[pixit]
api_root = "{api_root}"
cmp_base = "{cmp_base}"
server_ca = "pki/mano_root.crt"
ca_trust_anchors = ["pki/operator_root.crt"]
short_lived_san_domain = "{short_domain}"
short_lived_seconds = {short_seconds}

[pixit.expected_issuers]
{issuers}

[pixit.vnfm]
cert = "pki/vnfm.crt"
key = "pki/vnfm.key"

[pixit.vnfm2]
cert = "pki/vnfm2.crt"
key = "pki/vnfm2.key"
"""


def write_profile(state: Path, api_root: str, cmp_base: str, deferred: list[str], issuers: dict[str, str]) -> Path:
    path = state / "profile.toml"
    lines = "\n".join(f'{k} = "{v}"' for k, v in issuers.items())
    path.write_text(PROFILE.format(api_root=api_root, cmp_base=cmp_base, deferred=deferred, issuers=lines,
                                   short_domain=SHORT_LIVED_DOMAIN, short_seconds=SHORT_LIVED_SECONDS))
    return path


def serve_reference(state: Path, *, faults: list[str], port: int = 0, stop: threading.Event | None = None) -> int:
    """Serve until SIGINT/SIGTERM (or ``stop`` is set). Prints the URLs and the profile path."""
    state.mkdir(parents=True, exist_ok=True)
    pki = build_test_pki()
    stop = stop or threading.Event()
    with run_reference(pki, state, faults=frozenset(faults), db_path=state / "refcmf.sqlite3", port=port) as ref:
        issuers = {t: i.cert.subject.rfc4514_string() for t, i in pki.issuing.items()}
        profile = write_profile(state, ref.base_url, ref.base_url + ref.config.cmp_base,
                                sorted(ref.config.deferred_types), issuers)
        print(f"reference CMF: {ref.base_url}  (mTLS; clients need a certificate under {state}/pki/mano_root.crt)")
        print(f"CMP base:      {ref.base_url}{ref.config.cmp_base}/{{vnfc-certificates|vnfoam-certificates}}/...")
        print(f"CA (CA-1):     {ref.ca_base_url}")
        print(f"profile:       {profile}   ->  nfvct run --profile {profile}")
        print("faults:        " + (", ".join(faults) if faults else "none") + "   (Ctrl-C stops)", flush=True)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        stop.wait()
    return 0
