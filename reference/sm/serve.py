"""The reference SM out of process (`nfvct serve-reference --role sm --profile P`, or
``python -m reference.sm.serve SETTINGS [--fault NAME ...]``): runs until SIGINT/SIGTERM (or ``stop``), talking to
NFV-MANO at the URLs of its settings file; it subscribes as soon as the harness's NFVO/VIM are up, and again after
every `nfvct run` that restarts them."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from reference.sm.launch import run_reference_sm
from reference.sm.settings import SettingsError


def settings_for(profile_path: Path) -> Path:
    """The reference SM's settings file of an `nfvct init --role sm` environment: next to the profile."""
    return profile_path.parent / "reference" / "sm.toml"


def serve_sm(settings: Path, faults: Sequence[str], stop: threading.Event | None = None) -> int:
    """Serve until a signal or ``stop``; 0 when stopped, 2 when the settings or faults are wrong or it cannot
    listen."""
    stop = stop or threading.Event()
    previous: dict[int, object] = {}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        with run_reference_sm(settings, frozenset(faults)) as running:
            shown = f" with faults {', '.join(sorted(faults))}" if faults else ""
            print(f"reference SM{shown} listening at {running.base_url} (settings {settings}); "
                  f"interface sets: {', '.join(f'{s.name} ({s.mode})' for s in running.settings.sets)}",
                  flush=True)
            while not stop.wait(0.5):
                pass
    except (SettingsError, ValueError, RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference.sm.serve", description=__doc__)
    parser.add_argument("settings", type=Path, help="the reference SM's settings file (DIR/reference/sm.toml)")
    parser.add_argument("--fault", action="append", default=[], help="a reference SM fault (repeatable)")
    args = parser.parse_args(argv)
    return serve_sm(args.settings, args.fault)


if __name__ == "__main__":
    raise SystemExit(main())
