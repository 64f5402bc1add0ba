"""Configuration of the reference CMF."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from wire.credentials import Issued

URL_NAME = {"vnfc-certificates": "VNFCI_certificate", "vnfoam-certificates": "VNF_OAM_certificate"}
CERT_TYPES = tuple(URL_NAME.values())


@dataclass(frozen=True)
class CaEndpoint:
    """Where the CMF forwards CSRs (the harness's CA-1 binding) and how it authenticates."""

    base_url: str
    client_cert: Path
    client_key: Path
    server_ca: Path
    # CA selection (Cmf.CertLcm.004): certificate type -> issuing CA profile name at the CA
    profile: dict[str, str] = field(default_factory=lambda: {t: t for t in CERT_TYPES})


@dataclass(frozen=True)
class RefCmfConfig:
    db_path: Path
    signer: Issued  # CMP protection certificate and key of the CMF
    client_trust: tuple[x509.Certificate, ...]  # roots for consumers' NFV-MANO certificates
    ca: CaEndpoint
    faults: frozenset[str] = frozenset()
    deferred_types: frozenset[str] = frozenset({"VNF_OAM_certificate"})
    polls_before_ready: int = 1
    check_after: int = 1  # seconds, in pollRep
    validity_days: int = 90
    cmp_base: str = "/.well-known/cmp/p"
    tls_cert: Path | None = None  # the CMF's TLS certificate chain and key, also its client identity for Notify
    tls_key: Path | None = None
    duplicate_subscription: str = "303"  # SOL023 7.5.3.3.1 policy: "303" (no duplicates) or "201"
    # certificates whose subjectAltName is under this domain live short_lived_seconds (a test CA profile), so
    # that expiring-soon and expired notifications can be observed within a run; "" = none
    short_lived_san_domain: str = ""
    short_lived_seconds: float = 0.0

    def has(self, fault: str) -> bool:
        return fault in self.faults
