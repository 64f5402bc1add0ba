"""An unreachable or silent SUT gives INCONCLUSIVE and exit code 2, never PASS or a crash."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from harness.model import Verdict
from harness.profile import Identity, Pics, Pixit, Profile
from harness.runner import run
from simulators.pki import build_test_pki


def _profile(tmp_path: Path, port: int) -> Profile:
    pki = build_test_pki()
    files = pki.write(tmp_path)
    base = f"https://127.0.0.1:{port}"
    return Profile("silent", Pics(), Pixit(api_root=base, cmp_base=base + "/.well-known/cmp/p",
                                           server_ca=files["mano_root.crt"],
                                           vnfm=Identity(files["vnfm.crt"], files["vnfm.key"]),
                                           timeout=0.5))


def test_refused_connections_are_inconclusive(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run(_profile(tmp_path, port), seed=1)
    assert result.exit_code() == 2
    verdicts = {r.verdict for r in result.requirements}
    assert Verdict.PASS not in verdicts and Verdict.ERROR not in verdicts
    assert Verdict.INCONCLUSIVE in verdicts


def test_silent_server_times_out_inconclusive(tmp_path: Path) -> None:
    """A server that accepts TCP connections and never answers (bounded: 0.5 s per exchange)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        result = run(_profile(tmp_path, listener.getsockname()[1]), pattern="C.2.2.1", seed=1)
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        listener.close()
    assert result.exit_code() == 2
    scenario = result.scenarios[0]
    assert scenario.verdict is Verdict.INCONCLUSIVE, (scenario.verdict, scenario.reason)
