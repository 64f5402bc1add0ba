"""Serve an ASGI app with uvicorn on loopback, over TLS with optional mutual authentication.

The server runs in a background thread and stops when the context exits. The mTLS peer
certificate (DER) is exposed to the app as ``request.state.tls_client_cert`` (None when the
client sent none), via a per-connection copy of uvicorn's app state.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

LOOPBACK = "127.0.0.1"


class PeerCertH11Protocol(H11Protocol):
    """h11 protocol that records the TLS client certificate of each connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        der: bytes | None = None
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None:
            der = ssl_object.getpeercert(binary_form=True)
        self.app_state = {**self.app_state, "tls_client_cert": der}


@dataclass(frozen=True)
class TlsFiles:
    cert: Path  # certificate chain PEM (leaf first)
    key: Path
    client_ca: Path | None = None  # trust anchors for client certificates
    client_auth: str = "required"  # "required" | "optional" | "none"


@dataclass(frozen=True)
class Served:
    base_url: str
    port: int


_CERT_REQS = {"required": ssl.CERT_REQUIRED, "optional": ssl.CERT_OPTIONAL, "none": ssl.CERT_NONE}


_RESERVED: dict[tuple[str, int], socket.socket] = {}
_RESERVED_LOCK = threading.Lock()


def reserve(host: str, port: int) -> bool:
    """Hold ``host:port`` bound (not listening) in this process until a server here starts on it (serve() lets go
    of it just before binding): a port chosen before its listener starts (an environment written first) cannot be
    taken by another process meanwhile. False when the port is not free."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        return False
    with _RESERVED_LOCK:
        _RESERVED[(host, port)] = sock
    return True


def take_reserved(host: str, port: int) -> socket.socket | None:
    """The socket ``reserve`` holds for ``host:port`` (the caller now owns it), or None."""
    with _RESERVED_LOCK:
        return _RESERVED.pop((host, port), None)


def is_reserved(host: str, port: int) -> bool:
    with _RESERVED_LOCK:
        return (host, port) in _RESERVED


def release(host: str, ports: Iterable[int]) -> None:
    """Close the reservations no server took."""
    for port in ports:
        sock = take_reserved(host, port)
        if sock is not None:
            sock.close()


def _bindable(host: str, port: int) -> bool:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        sock.close()


@contextmanager
def serve(
    app: Any, tls: TlsFiles | None, *, name: str = "server", port: int = 0, start_timeout: float = 10.0,
    host: str = LOOPBACK, url: str = "",
) -> Iterator[Served]:
    """Run ``app`` on ``host`` (default 127.0.0.1; ``port`` 0: an ephemeral one) until the block exits. The
    served base URL is ``url`` when given (the advertised address, e.g. behind NAT), else scheme://host:port."""
    kwargs: dict[str, Any] = {}
    if tls is not None:
        kwargs = {
            "ssl_certfile": str(tls.cert),
            "ssl_keyfile": str(tls.key),
            "ssl_cert_reqs": _CERT_REQS[tls.client_auth],
        }
        if tls.client_ca is not None:
            kwargs["ssl_ca_certs"] = str(tls.client_ca)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=PeerCertH11Protocol,
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        **kwargs,
    )
    server = uvicorn.Server(config)
    held = take_reserved(host, port) if port else None
    if held is not None:  # let go of the reservation just before uvicorn binds the port itself
        held.close()
    elif port and not _bindable(host, port):  # say so in one line, before uvicorn logs its own error
        raise RuntimeError(f"{name}: cannot listen on {host}:{port}: the port is in use (another server, or "
                           "another `serve-reference`?) or the address is not local")
    thread = threading.Thread(target=server.run, name=f"nfvct-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"{name}: could not listen on {host}:{port} (address in use or not local?)")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    scheme = "https" if tls is not None else "http"
    try:
        shown = f"[{host}]" if ":" in host else host
        yield Served(base_url=url.rstrip("/") or f"{scheme}://{shown}:{bound}", port=bound)
    finally:
        server.should_exit = True
        batch = getattr(_BATCH, "servers", None)
        if batch is not None:  # inside stop_together(): joined with the others when that block exits
            batch.append((server, thread))
        else:
            _join([(server, thread)])


_BATCH = threading.local()


def _join(stopping: list[tuple[uvicorn.Server, threading.Thread]]) -> None:
    """Wait for servers already told to exit; each uvicorn main loop notices within its 0.1 s tick, so waiting for
    several costs one tick, not one each. A peer holding a connection open past the graceful timeout is cut."""
    deadline = time.monotonic() + 5
    for server, thread in stopping:
        thread.join(timeout=max(deadline - time.monotonic(), 0.0))
    for server, thread in stopping:
        if thread.is_alive():
            server.force_exit = True
    for server, thread in stopping:
        thread.join(timeout=5)


@contextmanager
def stop_together() -> Iterator[None]:
    """Servers whose :func:`serve` block ends inside this block (in this thread) are told to stop at once and
    joined together when it exits: a run's dozen listeners stop in one uvicorn tick instead of a dozen."""
    outer = getattr(_BATCH, "servers", None)
    _BATCH.servers = batch = []
    try:
        yield
    finally:
        _BATCH.servers = outer
        _join(batch)
