"""Start Pebble (Debian `pebble`, Let's Encrypt's ACME test server) on loopback for the harness to test: its own
TLS certificate from the test PKI, a DNS responder (dnspython) that resolves every name to 127.0.0.1 so that
Pebble's validation authority really connects to the harness's tls-alpn-01 responder, nonce rejection off."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dns.message
import dns.rdatatype
import dns.rrset
import httpx

from simulators.pki import TestPki, make_entity


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LoopbackDns:
    """Answers every A query with 127.0.0.1 (and AAAA/CAA with nothing), on 127.0.0.1 UDP; bounded loop."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        deadline = time.monotonic() + 600
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                continue
            query = dns.message.from_wire(data)
            reply = dns.message.make_response(query)
            for question in query.question:
                if question.rdtype == dns.rdatatype.A:
                    reply.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "127.0.0.1"))
            self.sock.sendto(reply.to_wire(), peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@dataclass(frozen=True)
class Pebble:
    directory: str
    server_ca: Path
    root: Path  # Pebble's issuing root (changes every start), from its management interface
    alpn_port: int


@contextmanager
def run_pebble(pki: TestPki, workdir: Path) -> Iterator[Pebble]:
    workdir.mkdir(parents=True, exist_ok=True)
    tls = make_entity(pki.mano_ca, "pebble.nfvct.test", dns=("localhost",), ips=("127.0.0.1",))
    (workdir / "pebble.crt").write_bytes(tls.chain_pem())
    (workdir / "pebble.key").write_bytes(tls.key_pem())
    (workdir / "ca.crt").write_bytes(pki.mano_root.cert_pem())
    port, mgmt, alpn = free_port(), free_port(), free_port()
    config = {"pebble": {"listenAddress": f"127.0.0.1:{port}", "managementListenAddress": f"127.0.0.1:{mgmt}",
                         "certificate": str(workdir / "pebble.crt"), "privateKey": str(workdir / "pebble.key"),
                         "httpPort": free_port(), "tlsPort": alpn, "ocspResponderURL": "",
                         "externalAccountBindingRequired": False}}
    (workdir / "pebble.json").write_text(json.dumps(config))
    resolver = LoopbackDns()
    env = {**os.environ, "PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0", "PEBBLE_AUTHZREUSE": "0"}
    log = (workdir / "pebble.log").open("wb")
    process = subprocess.Popen(["pebble", "-config", str(workdir / "pebble.json"), "-strict=false",
                                "-dnsserver", f"127.0.0.1:{resolver.port}"], env=env, stdout=log, stderr=log)
    try:
        context = ssl.create_default_context(cafile=str(workdir / "ca.crt"))
        deadline, root = time.monotonic() + 20, b""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                root = httpx.get(f"https://127.0.0.1:{mgmt}/roots/0", verify=context, timeout=2).content
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        if not root:
            raise RuntimeError(f"pebble did not start: {(workdir / 'pebble.log').read_text()[-2000:]}")
        (workdir / "pebble-root.pem").write_bytes(root)
        yield Pebble(f"https://127.0.0.1:{port}/dir", workdir / "ca.crt", workdir / "pebble-root.pem", alpn)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        resolver.close()
