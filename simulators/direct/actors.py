"""The harness's side of direct mode for one run: the VNFM (VNF LCM producer), the CA (CA-1 registration and
CMP), the VNFCIs' configuration endpoint, the attestation service and the HSM, all on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulators.direct.attestation import AttestationService
from simulators.direct.ca_direct import DirectCa
from simulators.direct.inventory import Inventory
from simulators.direct.vnfci import VnfciConfigServer
from simulators.direct.vnfm_lcm import VnfmLcm
from harness.listeners import listen
from harness.profile import HarnessPixit
from harness.trace import Trace
from wire.serve import TlsFiles

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
def run_direct_actors(harness: HarnessPixit, ca: DirectCa, ca1_url: str, sut_client_ca: Path, sut_server_ca: Path,
                      trace: Trace, seed: int) -> Iterator[DirectActors]:
    """The VNFM (VNF LCM), the CA's CMP endpoint, the VNFCIs' configuration endpoint and the attestation service,
    where the profile's pixit.harness listeners say; CA-1 (``ca``) is served by the caller."""
    h = harness.file
    trust = str(h("mano_root.crt"))

    def tls(name: str, client_auth: str = "required") -> TlsFiles:
        return TlsFiles(h(f"{name}.crt"), h(f"{name}.key"), sut_client_ca, client_auth)

    vnfm = VnfmLcm(Inventory(seed), trace, (str(h("vnfm.crt")), str(h("vnfm.key"))), str(sut_server_ca))
    vnfci = VnfciConfigServer(trace)
    attestation = AttestationService(trace)
    where = harness.listeners
    with ExitStack() as stack:
        vnfm.base_url = stack.enter_context(listen(vnfm.app(), tls("vnfm"), where["vnfm_lcm"], "vnfm_lcm")).base_url
        ca.cmp_base_url = stack.enter_context(listen(ca.cmp_app(), TlsFiles(h("ca1.crt"), h("ca1.key"), None, "none"),
                                                     where["direct_cmp"], "direct_cmp")).base_url
        vnfci.base_url = stack.enter_context(listen(vnfci.app(), tls("vnfci"), where["vnfci"], "vnfci")).base_url
        attestation.base_url = stack.enter_context(listen(attestation.app(), tls("attestation"),
                                                          where["attestation"], "attestation")).base_url
        actors = DirectActors(vnfm, ca, vnfci, attestation, trust, ca1_url)
        stack.callback(actors.close)
        yield actors
