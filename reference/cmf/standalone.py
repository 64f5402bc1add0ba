"""`nfvct serve-reference --role cmf`: the reference CMF in its own process, from its settings file, until
SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from reference.cmf.launch import run_cmf
from reference.cmf.settings import load_settings


def settings_for(profile: Path) -> Path:
    """Where `nfvct init` put the reference CMF's own settings, next to the harness's profile."""
    return profile.parent / "reference" / "cmf.toml"


def serve_cmf(settings: Path, *, faults: list[str], stop: threading.Event | None = None) -> int:
    stop = stop or threading.Event()
    with run_cmf(load_settings(settings, frozenset(faults))) as cmf:
        print(f"reference CMF: {cmf.base_url}  (REST {cmf.base_url}/nfv-cert/v1, CMP "
              f"{cmf.base_url}{cmf.config.cmp_base}/..., mTLS)")
        if cmf.acme_directory:
            print(f"ACME:          {cmf.acme_directory}")
        print(f"settings:      {settings}")
        print("faults:        " + (", ".join(faults) if faults else "none") + "   (Ctrl-C stops)", flush=True)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        stop.wait()
    return 0
