"""NFV-MANO as the harness plays it when the SUT is a Security Manager: the NFVO (Sc-Or) and the VIM (Sc-Vi), one
listener each per SM interface set, where the profile says (``[pixit.sm.sets.<name>.nfvo|vim]``), with the
environment's per-interface-set keys (IFA026 R2.1.70), accepting on each set only the SM credential the operator
issued for it (IFA033 Security.001/.006, recognised by its fingerprint)."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from harness.env_sm import init_sm, port_names
from harness.listeners import EMBEDDED_SPAN, free_ports, listen
from harness.profile import load_profile
from harness.profile_sm import SmPixit
from harness.trace import Trace
from simulators.sm.approval import ApprovalAdapter, HttpApprovalAdapter, load_adapter
from simulators.sm.common import Binding, fingerprint
from simulators.sm.inventory import Inventory
from simulators.sm.nfvo import Nfvo
from simulators.sm.vim import Vim
from wire.serve import Served, TlsFiles


@dataclass
class SmActors:
    nfvo: Nfvo
    vim: Vim
    inventory: Inventory
    bindings: dict[str, Binding]
    credentials: dict[str, tuple[Path, Path]]  # binding -> an SM credential and key the harness can present
    mano_trust: Path  # trust anchor of the NFVO's and VIM's certificates
    sm_trust: Path  # trust anchor of the SM credentials
    security_vnfd: str  # the VNFD of the security VNF (firewall) the operator on-boarded for insertion (R2.1.340)
    sm_server: tuple[Path, Path] | None = None  # run_sm_actors only: the environment's reference SM server identity

    def tls_for(self, binding: str) -> ssl.SSLContext:
        """A client context with the given interface set's SM credential (the simulated sub-SM uses its own)."""
        context = ssl.create_default_context(cafile=str(self.mano_trust))
        context.load_cert_chain(*map(str, self.credentials[binding]))
        return context


def _fingerprint(path: Path) -> str:
    return fingerprint(x509.load_pem_x509_certificates(path.read_bytes())[0].public_bytes(Encoding.DER))


@contextmanager
def start_sm_actors(pixit: SmPixit, trace: Trace, seed: int, *,
                    adapter: ApprovalAdapter | None = None) -> Iterator[SmActors]:
    """The NFVO and VIM listeners of every set in ``pixit`` (the simulated sub-SM's too), until the block exits."""
    bindings = {s.name: Binding(s.name, s.mode, frozenset(s.domains), master=s.master) for s in pixit.sets}
    issued_for = {_fingerprint(s.credential): s.name for s in pixit.sets}
    credentials = {s.name: (s.credential, s.credential_key) for s in pixit.sets if s.credential_key is not None}

    def client_tls(kind: str) -> dict[str, ssl.SSLContext]:
        """Per set, the producer's client identity (notifications, endpoint tests, approvals) and the SM's CA."""
        out = {}
        for s in pixit.sets:
            producer = s.nfvo if kind == "nfvo" else s.vim
            context = ssl.create_default_context(cafile=str(pixit.server_ca))
            context.load_cert_chain(str(producer.cert), str(producer.key))
            out[s.name] = context
        return out

    inventory = Inventory(seed, pixit.domains())
    inventory.new_package(security=True).vnfd_id = pixit.security_vnfd  # on-boarded by the operator
    nfvo_tls = client_tls("nfvo")
    if adapter is None:
        options = {"trace": trace, "tls": nfvo_tls.__getitem__, "timeout": pixit.approval_seconds}
        adapter = (load_adapter(pixit.approval_adapter, **options) if pixit.approval_adapter
                   else HttpApprovalAdapter(**options))  # type: ignore[arg-type]
    peers = {pixit.sub_sm: "Sub-SM"} if pixit.sub_sm else {}
    nfvo = Nfvo(inventory, adapter, trace=trace, bindings=bindings, credentials=issued_for, client_tls=nfvo_tls,
                peers=peers)
    vim = Vim(inventory, trace=trace, bindings=bindings, credentials=issued_for, client_tls=client_tls("vim"),
              peers=peers)
    for s in pixit.sets:
        if s.mode == "fully-active":
            nfvo.approval_urls[s.name] = s.approval_url  # "" with an adapter: the URL is the adapter's business
    started: list[AbstractContextManager[Served]] = []
    try:
        for s in pixit.sets:
            for producer, kind, where in ((nfvo, "nfvo", s.nfvo), (vim, "vim", s.vim)):
                tls = TlsFiles(where.cert, where.key, pixit.credential_ca, "required")
                manager = listen(producer.app(s.name), tls, where.listener, f"{kind}-{s.name}",
                                 where=f"pixit.sm.sets.{s.name}.{kind}")
                served = manager.__enter__()
                started.append(manager)
                producer.base_urls[s.name] = served.base_url
        yield SmActors(nfvo, vim, inventory, bindings, credentials, pixit.mano_root, pixit.credential_ca,
                       pixit.security_vnfd)
    finally:
        _stop_all(started)


def _stop_all(managers: list[AbstractContextManager[Served]]) -> None:
    """Stop the listeners together: each may wait for an SM's idle keep-alive connections to close (bounded by
    the server's graceful shutdown), and ten of them one after the other would add up."""
    threads = [threading.Thread(target=m.__exit__, args=(None, None, None), daemon=True) for m in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10.0)


@contextmanager
def run_sm_actors(workdir: Path, trace: Trace, seed: int, *, approval_timeout: float = 3.0,
                  adapter: ApprovalAdapter | None = None) -> Iterator[SmActors]:
    """The NFVO and VIM of a one-off `nfvct init --role sm` environment in ``workdir`` on free loopback ports, with
    every SM credential's key at hand (``actors.credentials``) and the reference SM's server identity
    (``actors.sm_server``): for tests that play the SM themselves (tests/test_sm_nfvo.py)."""
    path = init_sm(workdir / "sm-env", ports=free_ports(port_names(), span=EMBEDDED_SPAN))
    pixit = load_profile(path).pixit
    assert isinstance(pixit, SmPixit)
    imp = path.parent / "import"
    sets = tuple(s if s.credential_key else replace(s, credential_key=imp / f"sm_{s.name}.key") for s in pixit.sets)
    pixit = replace(pixit, sets=sets, approval_seconds=approval_timeout)
    with start_sm_actors(pixit, trace, seed, adapter=adapter) as actors:
        ref = path.parent / "reference"
        actors.sm_server = (ref / "sm_server.crt", ref / "sm_server.key")
        yield actors
