"""The C.6 authorityKeyIdentifier check out of process: without a PIXIT issuing CA, the issuer certificate is
fetched from the certificate's AIA caIssuers URL when it points at a host the profile names, never elsewhere."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness.checks.profile_checks import _issuer
from harness.context import IssuedCert
from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.listeners import EMBEDDED_SPAN, free_ports
from harness.profile import load_profile
from harness.roles.cmf import ROLE
from harness.trace import Trace
from wire.serve import TlsFiles, serve


def _csr() -> x509.CertificateSigningRequest:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vnfc-1.vnf.nfvct.test")])
    return x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())


def test_issuer_from_aia_ca_issuers_only_on_profile_hosts(tmp_path: Path) -> None:
    profile = load_profile(init_cmf(tmp_path, ports=free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN)))
    with ROLE.context(profile, Trace(), 1, frozenset(), lambda event: None) as ctx:
        ca = ctx.ca_status.__self__  # the harness's CA-1 (CaSimulator)
        expected = ca.issuing["VNFCI_certificate"].cert
        ctx.intermediates.clear()  # as for a vendor CMF with its own CA and no pixit.ca_certificates
        h = tmp_path / "harness"  # the vendor's CA publishing its caIssuers without client authentication
        with serve(ca.app(), TlsFiles(h / "ca1.crt", h / "ca1.key", None, "none"), name="vendor-ca") as served:
            ca.base_url = served.base_url
            cert = ca.issue(_csr(), "VNFCI_certificate", "s1", 30).cert
            assert _issuer(ctx, IssuedCert("t", "VNFCI_certificate", cert, (), None, None, ())) == expected
        ctx.intermediates.clear()
        ca.base_url = "https://ca.elsewhere.example"  # AIA now names a host the profile does not
        other = ca.issue(_csr(), "VNFCI_certificate", "s2", 30).cert
        assert _issuer(ctx, IssuedCert("t", "VNFCI_certificate", other, (), None, None, ())) is None
