"""NFV-MANO as the harness plays it when the SUT is a Security Manager: the NFVO (Sc-Or) and the VIM (Sc-Vi), one
listener each per SM interface set, on 127.0.0.1, with per-interface-set keys (IFA026 R2.1.70) and the SM
credentials the operator issued per interface set (IFA033 Security.001/.006)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from harness.trace import Trace
from simulators.pki import Issued, TestPki, make_entity, make_root
from wire.serve import TlsFiles, serve
from simulators.sm.approval import ApprovalAdapter, HttpApprovalAdapter
from simulators.sm.common import Binding, fingerprint
from simulators.sm.inventory import Inventory
from simulators.sm.nfvo import Nfvo
from simulators.sm.vim import Vim

# The embedded run's trust domains and SM interface sets: one SM (the SUT) spans core, edge and lab in three
# modes (R2.1.130) and is the master SM over the tenant domain, whose own sub-SM the harness simulates (5.1.3).
BINDINGS: tuple[Binding, ...] = (
    Binding("core", "semi-active", frozenset({"core"})),
    Binding("edge", "fully-active", frozenset({"edge"})),
    Binding("lab", "passive", frozenset({"lab"})),
    Binding("master", "fully-active", frozenset({"tenant"}), master=True),
    Binding("tenant", "semi-active", frozenset({"tenant"})),  # the simulated sub-SM's interface set
)
SUB_SM = "tenant"
DOMAINS = ("core", "edge", "lab", "tenant")


def _files(issued: Issued, directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    cert.write_bytes(issued.chain_pem())
    key.write_bytes(issued.key_pem())
    key.chmod(0o600)
    return cert, key


@dataclass
class SmActors:
    nfvo: Nfvo
    vim: Vim
    inventory: Inventory
    bindings: dict[str, Binding]
    credentials: dict[str, tuple[Path, Path]]  # binding -> the SM's client certificate and key (issued by the operator)
    sm_server: tuple[Path, Path]  # TLS certificate and key for the SM's own listener (callbacks, approvals)
    mano_trust: Path  # trust anchor of the NFVO's and VIM's certificates
    sm_trust: Path  # trust anchor of the SM credentials
    security_vnfd: str  # the VNFD of the security VNF (firewall) the operator on-boarded for insertion (R2.1.340)

    def tls_for(self, binding: str) -> ssl.SSLContext:
        """A client context with the given interface set's SM credential (the simulated sub-SM uses its own)."""
        context = ssl.create_default_context(cafile=str(self.mano_trust))
        context.load_cert_chain(*map(str, self.credentials[binding]))
        return context


@contextmanager
def run_sm_actors(pki: TestPki, workdir: Path, trace: Trace, seed: int, *, approval_timeout: float = 3.0,
                  adapter: ApprovalAdapter | None = None) -> Iterator[SmActors]:
    own = workdir / "sm"
    own.mkdir(parents=True, exist_ok=True)
    mano_trust = own / "mano_root.crt"
    mano_trust.write_bytes(pki.mano_root.cert_pem())
    sm_ca = make_root("NFVCT SM Operator CA")
    sm_trust = own / "sm_root.crt"
    sm_trust.write_bytes(sm_ca.cert_pem())
    loopback = {"dns": ("localhost",), "ips": ("127.0.0.1",)}
    credentials: dict[str, tuple[Path, Path]] = {}
    issued_for: dict[str, str] = {}
    for b in BINDINGS:
        cred = make_entity(sm_ca, f"sm-{b.name}.nfvct.test", server=False)
        credentials[b.name] = _files(cred, own, f"sm-{b.name}")
        issued_for[fingerprint(cred.cert.public_bytes(Encoding.DER))] = b.name
    sm_server = _files(make_entity(sm_ca, "sm.nfvct.test", **loopback), own, "sm-server")
    bindings = {b.name: b for b in BINDINGS}
    producers: dict[str, dict[str, tuple[Path, Path]]] = {"nfvo": {}, "vim": {}}
    for kind in producers:
        for b in BINDINGS:  # separate keys per interface set (R2.1.70)
            producers[kind][b.name] = _files(make_entity(pki.mano_ca, f"{kind}-{b.name}.nfvct.test", **loopback),
                                             own, f"{kind}-{b.name}")

    def client_tls(kind: str) -> dict[str, ssl.SSLContext]:
        out = {}
        for name, (cert, key) in producers[kind].items():
            context = ssl.create_default_context(cafile=str(sm_trust))
            context.load_cert_chain(str(cert), str(key))
            out[name] = context
        return out

    inventory = Inventory(seed, DOMAINS)
    security = inventory.new_package(security=True)
    nfvo_tls = client_tls("nfvo")
    nfvo = Nfvo(inventory, adapter or HttpApprovalAdapter(trace, nfvo_tls.__getitem__, approval_timeout),
                trace=trace, bindings=bindings, credentials=issued_for, client_tls=nfvo_tls,
                peers={SUB_SM: "Sub-SM"})
    vim = Vim(inventory, trace=trace, bindings=bindings, credentials=issued_for, client_tls=client_tls("vim"),
              peers={SUB_SM: "Sub-SM"})
    with ExitStack() as stack:
        for b in BINDINGS:
            for producer, kind in ((nfvo, "nfvo"), (vim, "vim")):
                cert, key = producers[kind][b.name]
                served = stack.enter_context(serve(producer.app(b.name), TlsFiles(cert, key, sm_trust, "required"),
                                                   name=f"{kind}-{b.name}"))
                producer.base_urls[b.name] = served.base_url
        yield SmActors(nfvo, vim, inventory, bindings, credentials, sm_server, mano_trust, sm_trust,
                       security.vnfd_id)
