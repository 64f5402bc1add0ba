"""The harness's side of ACME for NFV-MANO certificates, for one run: the OSS's EAB key, the entities'
TLS-ALPN-01 responder and the token authority, and where the SUT's directory is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import josepy as jose
from cryptography import x509

from harness.profile import AcmePixit, Profile
from harness.trace import Trace
from simulators.acme.client import AcmeClient
from simulators.acme.responder import TlsAlpnResponder
from simulators.acme.token_authority import TokenAuthority


@dataclass
class AcmeActors:
    pixit: AcmePixit
    server_ca: Path
    anchors: list[x509.Certificate]
    responder: TlsAlpnResponder
    token_authority: TokenAuthority | None
    trace: Trace
    timeout: float = 10.0
    clients: list[AcmeClient] = field(default_factory=list)
    _hsm: Any = None

    def hsm(self) -> Any:
        """The entities' SoftHSM2 token (simulators.acme.hsm.SoftHsm), made on first use."""
        if self._hsm is None:
            from simulators.acme.hsm import SoftHsm
            self._hsm = SoftHsm()
        return self._hsm

    def client(self, name: str) -> AcmeClient:
        client = AcmeClient(name, self.pixit.directory, str(self.server_ca), self.trace, timeout=self.timeout)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        if self._hsm is not None:
            self._hsm.close()
        self.responder.close()


def actors_for(profile: Profile, trace: Trace, *, responder: TlsAlpnResponder | None = None,
               token_authority: TokenAuthority | None = None) -> AcmeActors | None:
    pixit = profile.pixit.acme
    if pixit is None:
        return None
    if token_authority is None and pixit.token_authority_key is not None:
        key = jose.JWK.json_loads(pixit.token_authority_key.read_text())
        token_authority = TokenAuthority(key=key)
    anchors_paths = pixit.ca_trust_anchors or profile.pixit.ca_trust_anchors
    anchors = [c for p in anchors_paths for c in x509.load_pem_x509_certificates(p.read_bytes())]
    return AcmeActors(pixit, pixit.server_ca or profile.pixit.server_ca, anchors,
                      responder or TlsAlpnResponder(trace, port=pixit.alpn_port), token_authority, trace,
                      profile.pixit.timeout)
