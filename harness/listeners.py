"""Where the harness's own actors listen: every listener's bind address, port and advertised URL come from the
PIXIT (``[pixit.harness.<name>]``: ``bind``, ``port``, ``url``), so a product on another host can reach them.
Defaults: 127.0.0.1 and an ephemeral port (the project's tests and CI stay on loopback)."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.profile_keys import ProfileError, check_keys
from wire.serve import LOOPBACK, Served, TlsFiles, is_reserved, release, reserve, serve

LISTENER_KEYS = ("bind", "port", "url")


@dataclass(frozen=True)
class Listener:
    bind: str = LOOPBACK
    port: int = 0  # 0: an ephemeral port (only useful when the SUT learns the URL per run, e.g. a callback URI)
    url: str = ""  # the advertised base URL ("" = https://{bind}:{port})

    def base_url(self, scheme: str = "https") -> str:
        if self.url:
            return self.url.rstrip("/")
        host = f"[{self.bind}]" if ":" in self.bind else self.bind
        return f"{scheme}://{host}:{self.port}"


def parse_listener(table: Any, where: str, default_bind: str = LOOPBACK) -> Listener:
    if table is None:
        return Listener(bind=default_bind)
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: expected a table with {', '.join(LISTENER_KEYS)}")
    check_keys(table, LISTENER_KEYS, where)
    bind, port, url = table.get("bind", default_bind), table.get("port", 0), table.get("url", "")
    if not isinstance(bind, str) or not bind:
        raise ProfileError(f"{where}.bind: expected an address, got {bind!r}")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ProfileError(f"{where}.port: expected 0-65535, got {port!r}")
    if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
        raise ProfileError(f"{where}.url: not an http(s) URL: {url!r}")
    return Listener(bind, port, url)


@contextmanager
def listen(app: Any, tls: TlsFiles | None, listener: Listener, name: str, where: str = "") -> Iterator[Served]:
    """Serve ``app`` where ``listener`` says; an address that cannot be bound (in use, not local) is a one-line
    ProfileError naming the profile key (``where``, default pixit.harness.<name>), checked before uvicorn starts."""
    key = where or f"pixit.harness.{name}"
    if listener.port and not is_reserved(listener.bind, listener.port):
        try:
            with socket.socket(socket.AF_INET6 if ":" in listener.bind else socket.AF_INET) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((listener.bind, listener.port))
        except OSError as exc:
            raise ProfileError(f"{key}: cannot listen on {listener.bind}:{listener.port}: {exc.strerror}") from None
    try:
        with serve(app, tls, name=name, host=listener.bind, port=listener.port, url=listener.url) as served:
            yield served
    except RuntimeError as exc:
        if "could not listen" in str(exc):
            raise ProfileError(f"{key}: cannot listen on {listener.bind}:{listener.port}") from None
        raise


def free_port(host: str = LOOPBACK, span: tuple[int, int] | None = None, rng: random.Random | None = None) -> int:
    """A port free right now on ``host``: an ephemeral one, or with ``span`` one at random in [low, high)."""
    for _ in range(200 if span else 1):
        port = (rng or random).randrange(*span) if span else 0
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError(f"no free port on {host} in {span}")


# An embedded run's environment is written before its listeners bind (the reference must know their URLs at its
# start), so its ports are drawn at random from a span outside Linux's ephemeral range (32768-60999): a port the
# kernel hands another run's bind(0) or connect() meanwhile can never be one of them.
EMBEDDED_SPAN = (10000, 20000)


def free_ports(names: tuple[str, ...], attempts: int = 20, *, span: tuple[int, int] | None = None,
               hold: bool = False) -> dict[str, int]:
    """Distinct free loopback ports, one per name (bounded retries against collisions); ``hold``: each stays
    bound in this process (wire.serve.reserve) until a listener here takes it, or release() frees it. An
    environment served by
    another process for a while takes ``span`` = (20000, 30000): below Linux's ephemeral range (32768-60999), so
    no ephemeral port another run takes in the meantime can be one of its fixed ports."""
    for _ in range(attempts):
        ports = {name: free_port(span=span) for name in names}
        if len(set(ports.values())) != len(ports):
            continue
        if not hold:
            return ports
        held = [p for p in ports.values() if reserve(LOOPBACK, p)]  # ``hold``: bound in this process until used
        if len(held) == len(ports):
            return ports
        release(LOOPBACK, held)
    raise RuntimeError("no distinct free ports on 127.0.0.1")


SERVED_MARKER = "\nfaults:"  # the last line `nfvct serve-reference` prints at start-up, once its listeners listen


def not_ready(process: subprocess.Popen[bytes], log: Path, seconds: float, marker: str = SERVED_MARKER) -> str:
    """Wait (bounded) until ``log``, the output of ``process``, shows ``marker``: "" once it does, else why not
    ("exited N: <log tail>" or "not ready within S s"). A port someone else holds makes the server exit instead,
    so that is never mistaken for readiness."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if marker in text:
            return ""
        if process.poll() is not None:
            return f"exited {process.returncode}: {text[-2000:]}"
        time.sleep(0.05)
    return f"not ready within {seconds:g} s: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}"


def stop_process(process: subprocess.Popen[bytes], seconds: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``seconds``; waits for it either way (bounded)."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
