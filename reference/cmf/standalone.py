"""`nfvct serve-reference --role cmf`: the reference CMF in its own process, from its settings file, until
SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from reference.cmf.launch import run_cmf
from reference.cmf.settings import load_settings


def settings_for(profile: Path) -> Path:
    """Where `nfvct init` put the reference CMF's own settings, next to the harness's profile."""
    return profile.parent / "reference" / "cmf.toml"


def serve_cmf(settings: Path, *, faults: list[str], stop: threading.Event | None = None) -> int:
    """Serve until SIGINT/SIGTERM or ``stop``: 0; a listener that cannot start: one line on stderr, 2."""
    try:
        return _serve(settings, faults, stop or threading.Event())
    except RuntimeError as exc:  # wire.serve: the address is in use or not local
        print(f"nfvct: reference CMF ({settings}): {exc}", file=sys.stderr)
        return 2


def _serve(settings: Path, faults: list[str], stop: threading.Event) -> int:
    with run_cmf(load_settings(settings, frozenset(faults))) as cmf:
        print(f"reference CMF: {cmf.base_url}  (REST {cmf.base_url}/nfv-cert/v1, CMP "
              f"{cmf.base_url}{cmf.config.cmp_base}/..., mTLS)")
        oauth = getattr(cmf.config, "oauth", None)  # reference/cmf/oauth.py: OAuthCmfConfig
        if oauth is not None:
            print(f"OAuth 2.0:     bearer tokens of {oauth.issuer} ({oauth.validation}), audience {oauth.audience}")
        if cmf.acme_directory:
            print(f"ACME:          {cmf.acme_directory}")
        print(f"settings:      {settings}")
        print("faults:        " + (", ".join(faults) if faults else "none") + "   (Ctrl-C stops)", flush=True)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        stop.wait()
    return 0
