"""Interop with OpenSSL's `openssl cmp` client (Debian openssl 3.0) against the reference CMF.

OpenSSL 3.0's client accepts only HTTP 200 for CMP responses ("status code unsupported" for
SOL023 5.3.3's 201 and 202). So the reference runs with its documented faults csr-200 and
waiting-200 here, and one test pins the incompatibility itself.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.profile import Identity
from harness.trace import Trace
from scenarios.common import registration_body
from wire import cmp
from simulators.pki import build_test_pki
from reference.cmf.launch import RunningReference, run_reference
from simulators.vnfm import VnfmClient, make_csr

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed (make test installs it)")


@contextmanager
def reference(tmp_path: Path, faults: set[str]) -> Iterator[tuple[RunningReference, dict[str, Path]]]:
    pki = build_test_pki()
    files = pki.write(tmp_path / "pki")
    with run_reference(pki, tmp_path, faults=frozenset(faults)) as ref:
        yield ref, files


def register(ref: RunningReference, files: dict[str, Path], cert_type: str, fqdn: str, tmp_path: Path) -> Path:
    vnfm = VnfmClient(name="VNFM", identity=Identity(files["vnfm.crt"], files["vnfm.key"]), api_root=ref.base_url,
                      cmp_base=ref.base_url + ref.config.cmp_base, server_ca=str(files["mano_root.crt"]),
                      trace=Trace())
    try:
        data = {"subjectName": {"commonName": fqdn}, "subjectAlternateName": [fqdn]}
        assert vnfm.register(registration_body(cert_type, f"vnfci-{fqdn}", data)).status_code == 201
    finally:
        vnfm.close()
    csr, _ = make_csr(data["subjectName"], data["subjectAlternateName"])
    path = tmp_path / f"{fqdn}.csr"
    path.write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    return path


def openssl_cmp(ref: RunningReference, files: dict[str, Path], path: str, *args: str) -> subprocess.CompletedProcess[str]:
    port = ref.base_url.rsplit(":", 1)[1]
    common = ["-config", "", "-server", f"127.0.0.1:{port}", "-path", path,
              "-tls_used", "-tls_cert", str(files["vnfm.crt"]), "-tls_key", str(files["vnfm.key"]),
              "-tls_trusted", str(files["mano_root.crt"]), "-cert", str(files["vnfm.crt"]),
              "-key", str(files["vnfm.key"]), "-trusted", str(files["mano_root.crt"]),
              "-recipient", "/C=FR/O=NFVCT Test/CN=cmf.nfvct.test", "-msg_timeout", "20", "-total_timeout", "30"]
    proc = subprocess.run(["openssl", "cmp", *common, *args], capture_output=True, text=True, timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", proc.stdout + proc.stderr)


def test_openssl_p10cr_certconf_and_rr(tmp_path: Path) -> None:
    with reference(tmp_path, {"csr-200"}) as (ref, files):
        csr = register(ref, files, "VNFCI_certificate", "vnfc-ossl.vnf.test", tmp_path)
        out = tmp_path / "out.pem"
        proc = openssl_cmp(ref, files, ".well-known/cmp/p/vnfc-certificates/pkcs10", "-cmd", "p10cr",
                           "-csr", str(csr), "-certout", str(out),
                           "-reqout", f"{tmp_path}/req1.der,{tmp_path}/req2.der",
                           "-rspout", f"{tmp_path}/rsp1.der,{tmp_path}/rsp2.der")
        assert proc.returncode == 0, proc.stderr
        cert = x509.load_pem_x509_certificate(out.read_bytes())
        assert ref.ca.status(cert.serial_number) == "good"
        # the harness decodes what OpenSSL sent and what the CMF answered
        bodies = [cmp.parse_message((tmp_path / f"{n}.der").read_bytes()).body_type
                  for n in ("req1", "rsp1", "req2", "rsp2")]
        assert bodies == ["p10cr", "cp", "certConf", "pkiconf"]
        p10cr = cmp.parse_message((tmp_path / "req1.der").read_bytes())
        assert x509.load_der_x509_csr(p10cr.csr_der or b"").public_bytes(serialization.Encoding.PEM) == csr.read_bytes()
        proc = openssl_cmp(ref, files, ".well-known/cmp/p/vnfc-certificates/revocation", "-cmd", "rr",
                           "-oldcert", str(out), "-revreason", "1")
        assert proc.returncode == 0, proc.stderr
        assert ref.ca.status(cert.serial_number) == "revoked"
        again = openssl_cmp(ref, files, ".well-known/cmp/p/vnfc-certificates/revocation", "-cmd", "rr",
                            "-oldcert", str(out), "-revreason", "1")
        assert again.returncode != 0 and "certRevoked" in again.stderr


def test_openssl_polls_deferred_issuance(tmp_path: Path) -> None:
    with reference(tmp_path, {"csr-200", "waiting-200"}) as (ref, files):
        csr = register(ref, files, "VNF_OAM_certificate", "oam-ossl.vnf.test", tmp_path)
        out = tmp_path / "oam.pem"
        proc = openssl_cmp(ref, files, ".well-known/cmp/p/vnfoam-certificates/pkcs10", "-cmd", "p10cr",
                           "-csr", str(csr), "-certout", str(out), "-implicit_confirm")
        assert proc.returncode == 0, proc.stderr
        assert "received POLLREP" in proc.stderr or "pollRep" in proc.stderr.lower() or out.exists()
        assert x509.load_pem_x509_certificate(out.read_bytes()).issuer.rfc4514_string().startswith(
            "CN=NFVCT VNF OAM Issuing CA")


def test_openssl_refuses_sol023_201(tmp_path: Path) -> None:
    """The SOL023 5.3.3 status code (201) against OpenSSL 3.0's client: a known incompatibility."""
    with reference(tmp_path, set()) as (ref, files):
        csr = register(ref, files, "VNFCI_certificate", "vnfc-201.vnf.test", tmp_path)
        proc = openssl_cmp(ref, files, ".well-known/cmp/p/vnfc-certificates/pkcs10", "-cmd", "p10cr",
                           "-csr", str(csr), "-certout", str(tmp_path / "x.pem"))
        assert proc.returncode != 0 and "code=201" in proc.stderr
