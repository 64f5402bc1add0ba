"""What `nfvct load` runs outside Locust, in its own (never gevent-patched) process: the reference CMF out of
process when no profile is given (`nfvct serve-reference`, as a vendor's product would run), CA-1 (the reference
forwards every CSR to it), the VNFM's notification endpoint and the K subscriptions of a revocation workload."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from starlette.applications import Starlette

from harness.env_cmf import CA_TYPES, DEFAULT_PORTS, init_cmf
from harness.listeners import Listener, free_ports, listen, not_ready, stop_process
from harness.profile import HarnessPixit, Profile, ProfileError
from harness.trace import Trace
from simulators.ca import CaSimulator
from simulators.notify_endpoint import NotificationEndpoint, notification_endpoint
from simulators.vnfm import VnfmClient
from wire.credentials import Issued, load_issued
from wire.serve import TlsFiles

SERVED_SPAN = (30000, 32000)  # below Linux's ephemeral range; apart from the test suite's spans (tests/conftest.py)
READY_SECONDS = 60.0
SUBS = "/certnotify/v1/subscriptions"
CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class Actors:
    ca: CaSimulator | None = None
    endpoint: NotificationEndpoint | None = None
    callbacks: list[str] = field(default_factory=list)  # the {name} of each subscriber's /notify/{name}


def issuing_cas(h: HarnessPixit) -> dict[str, Issued]:
    anchor = x509.load_pem_x509_certificate(h.file("ca/operator_root.crt").read_bytes())
    return {t: dataclasses.replace(load_issued(h.file(f"ca/{t}.crt"), h.file(f"ca/{t}.key")), chain=(anchor,))
            for t in CA_TYPES}


@dataclass(frozen=True)
class Reference:
    profile: Path
    process: subprocess.Popen[bytes]
    log: Path

    def wait_ready(self) -> None:
        _wait_ready(self.process, self.log)


@contextmanager
def served_reference(faults: list[str], log_dir: Path) -> Iterator[Reference]:
    """A fresh `nfvct init` environment and `nfvct serve-reference --role cmf` on it in its own process, stopped
    afterwards; yields at once (the caller waits for ``wait_ready``: the load process starts meanwhile)."""
    with tempfile.TemporaryDirectory(prefix="nfvct-load-") as tmp:
        ports = free_ports(tuple(DEFAULT_PORTS), span=SERVED_SPAN) | {"notify": 0, "vnfci": 0, "direct_cmp": 0}
        profile = init_cmf(Path(tmp), ports=ports, check_after=0)
        args = [sys.executable, "-c", CLI, "serve-reference", "--role", "cmf", "--profile", str(profile)]
        for fault in faults:
            args += ["--fault", fault]
        log = log_dir / "reference.log"
        with log.open("wb") as out:
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield Reference(profile, process, log)
        finally:
            stop_process(process)


def _wait_ready(process: subprocess.Popen[bytes], log: Path) -> None:
    why = not_ready(process, log, READY_SECONDS)
    if why:
        raise ProfileError(f"the reference CMF {why[:600]} (log: {log})")


@contextmanager
def harness_actors(profile: Profile, subscribers: int, run_id: str) -> Iterator[Actors]:
    """CA-1 (untraced) where pixit.harness.ca1 says, and with ``subscribers`` the notification endpoint plus one
    subscription per subscriber (filter certificateState REVOKED), deleted again on exit."""
    pixit, h = profile.pixit, profile.pixit.harness
    actors = Actors()
    with ExitStack() as stack:
        if h is not None and h.has("ca1"):
            ca = CaSimulator(issuing=issuing_cas(h), trace=None)
            tls = TlsFiles(h.file("ca1.crt"), h.file("ca1.key"), pixit.client_ca)
            served = stack.enter_context(listen(Starlette(routes=ca.app().routes), tls, h.listeners["ca1"], "ca1"))
            ca.base_url = served.base_url
            actors.ca = ca
        if subscribers:
            if pixit.vnfm is None:
                raise ProfileError("pixit.vnfm: the revocation workload subscribes as the VNFM: give its certificate")
            where = h.listeners.get("notify", Listener()) if h is not None else Listener()
            endpoint = stack.enter_context(notification_endpoint(Trace(), pixit.vnfm.cert, pixit.vnfm.key,
                                                                 pixit.client_ca, where))
            actors.endpoint = endpoint
            stack.enter_context(_subscriptions(profile, endpoint, subscribers, run_id, actors.callbacks))
        yield actors


@contextmanager
def _subscriptions(profile: Profile, endpoint: NotificationEndpoint, count: int, run_id: str,
                   names: list[str]) -> Iterator[None]:
    pixit = profile.pixit
    client = VnfmClient(name="VNFM", identity=pixit.vnfm, api_root=pixit.api_root, cmp_base=pixit.cmp_base,
                        server_ca=str(pixit.server_ca), trace=Trace(), timeout=pixit.timeout)
    created: list[str] = []
    try:
        for i in range(count):
            name = f"load-{run_id}-{i}"
            body = {"callbackUri": endpoint.configure(name), "authentication": {"authType": ["TLS_CERT"]},
                    "verbosity": "SHORT", "filter": {"certificateState": ["REVOKED"]}}  # SHORT: kept in memory
            response = client.request("POST", SUBS, json=body)
            if response.status_code not in (200, 201, 303):
                raise ProfileError(f"subscribing notification subscriber {i + 1} failed: HTTP {response.status_code} "
                                   f"{response.text[:200]}")
            location = response.headers.get("location", "")
            if location:
                created.append(location)
            names.append(name)
        yield
    finally:
        for location in created:
            try:
                client.request("DELETE", location)
            except Exception:  # noqa: BLE001 - best effort; the reference forgets nothing else
                pass
        client.close()
