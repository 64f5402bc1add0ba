"""The harness's side of direct mode for one run: the VNFM (VNF LCM producer), the CA (CA-1 registration and
CMP), the VNFCIs' configuration endpoint, the attestation service and the HSM, all on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulators.ca import CaSimulator
from simulators.direct.attestation import AttestationService
from simulators.direct.ca_direct import DirectCa
from simulators.direct.inventory import Inventory
from simulators.direct.vnfci import VnfciConfigServer
from simulators.direct.vnfm_lcm import VnfmLcm
from simulators.pki import TestPki, make_entity
from wire.serve import TlsFiles, serve
from harness.trace import Trace

# The operator's identity policy (IFA026 C.2.1.1.4 pre-condition 3: "established by the service provider"):
# VDU -> the identities each of its VNFCIs gets, (name, certificate type). The CMF is configured with the same.
POLICY: dict[str, tuple[tuple[str, str], ...]] = {
    "vdu-app": (("tls-server", "VNFCI_certificate"), ("tls-client", "VNFCI_certificate")),
    "vdu-oam": (("oam", "VNF_OAM_certificate"), ("tls-server", "VNFCI_certificate")),
    "vdu-secure": (("tls-server", "VNFCI_certificate"),),
}
SAN_DOMAIN = "direct.vnf.nfvct.test"


def identity_fqdn(name: str, vnfc_id: str, domain: str = SAN_DOMAIN) -> str:
    """The policy's name for one identity of one VNFCI (subject CN and subjectAltName dNSName)."""
    return f"{name}.{vnfc_id}.{domain}"


@dataclass
class DirectActors:
    vnfm: VnfmLcm
    ca: DirectCa
    vnfci: VnfciConfigServer
    attestation: AttestationService
    tls_trust: str  # trust anchor of every harness listener's TLS certificate (the CA's CMP listener included)
    ca1_url: str
    policy: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=lambda: dict(POLICY))
    san_domain: str = SAN_DOMAIN
    _hsm: Any = None

    def hsm(self) -> Any:
        """The VNFCIs' SoftHSM2 token (simulators.acme.hsm.SoftHsm), made on first use."""
        if self._hsm is None:
            from simulators.acme.hsm import SoftHsm
            self._hsm = SoftHsm()
        return self._hsm

    def close(self) -> None:
        if self._hsm is not None:
            self._hsm.close()
            self._hsm = None


@contextmanager
def run_direct_actors(pki: TestPki, workdir: Path, trace: Trace, seed: int) -> Iterator[DirectActors]:
    files = pki.write(workdir / "pki")
    own = workdir / "direct"
    own.mkdir(parents=True, exist_ok=True)

    def tls(cn: str) -> TlsFiles:
        issued = make_entity(pki.mano_ca, cn, dns=("localhost",), ips=("127.0.0.1",))
        cert, key = own / f"{cn}.crt", own / f"{cn}.key"
        cert.write_bytes(issued.chain_pem())
        key.write_bytes(issued.key_pem())
        key.chmod(0o600)
        return TlsFiles(cert, key, files["mano_root.crt"], "required")

    trust = str(files["mano_root.crt"])
    vnfm = VnfmLcm(Inventory(seed), trace, (str(files["vnfm.crt"]), str(files["vnfm.key"])), trust)
    ca = DirectCa(CaSimulator(issuing=pki.issuing, trace=None), trace, pki.operator_root.cert)
    vnfci = VnfciConfigServer(trace)
    attestation = AttestationService(trace)
    with ExitStack() as stack:
        vnfm.base_url = stack.enter_context(serve(vnfm.app(), TlsFiles(files["vnfm.crt"], files["vnfm.key"],
                                                                       files["mano_root.crt"]), name="vnfm-lcm")).base_url
        ca1 = stack.enter_context(serve(ca.ca1_app(), TlsFiles(files["ca_server.crt"], files["ca_server.key"],
                                                               files["mano_root.crt"]), name="ca-direct"))
        cmp = stack.enter_context(serve(ca.cmp_app(), TlsFiles(files["ca_server.crt"], files["ca_server.key"], None,
                                                               "none"), name="ca-cmp"))
        ca.cmp_base_url = cmp.base_url
        ca.ca.base_url = ca1.base_url
        vnfci.base_url = stack.enter_context(serve(vnfci.app(), tls("vnfci-host.nfvct.test"), name="vnfci")).base_url
        attestation.base_url = stack.enter_context(serve(attestation.app(), tls("attestation.nfvct.test"),
                                                         name="attestation")).base_url
        actors = DirectActors(vnfm, ca, vnfci, attestation, trust, ca1.base_url)
        stack.callback(actors.close)
        yield actors
