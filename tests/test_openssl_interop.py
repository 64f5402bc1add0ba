"""Interop with OpenSSL's `openssl cmp` client (Debian openssl 3.0) against the reference CMF.

OpenSSL 3.0's client accepts only HTTP 200 for CMP responses ("status code unsupported" for
SOL023 5.3.3's 201 and 202). So the reference runs with its documented faults csr-200 and
waiting-200 here, and one test pins the incompatibility itself.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.listeners import EMBEDDED_SPAN, free_ports
from harness.profile import Identity, load_profile
from harness.roles.cmf import ROLE
from harness.trace import Trace
from scenarios.common import registration_body
from wire import cmp
from reference.cmf.launch import RunningCmf, run_cmf
from reference.cmf.settings import load_settings
from reference.cmf.standalone import settings_for
from simulators.vnfm import VnfmClient, make_csr

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed (make test installs it)")


@dataclass(frozen=True)
class Reference:
    cmf: RunningCmf
    ca_status: Callable[[int], str]  # the harness's CA-1: "good" / "revoked" per serial
    files: dict[str, Path]

    @property
    def base_url(self) -> str:
        return self.cmf.base_url


@contextmanager
def reference(tmp_path: Path, faults: set[str]) -> Iterator[Reference]:
    """The reference CMF from an `nfvct init` environment on free ports, with ``faults``, and the harness's CA-1;
    ``files``: the VNFM's credentials (harness/), the CMF's certificate and its TLS and CMP-protection trust anchor
    (reference/)."""
    env = tmp_path / "env"
    profile_path = init_cmf(env, ports=free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN))
    profile = load_profile(profile_path)
    files = {"vnfm.crt": env / "harness" / "vnfm.crt", "vnfm.key": env / "harness" / "vnfm.key",
             "cmf_root.crt": env / "reference" / "root.crt", "cmf.crt": env / "reference" / "cmf.crt"}
    with run_cmf(load_settings(settings_for(profile_path), frozenset(faults))) as cmf, \
            ROLE.context(profile, Trace(), 0, frozenset(), lambda event: None) as ctx:
        assert ctx.ca_status is not None
        yield Reference(cmf, ctx.ca_status, files)


def register(ref: Reference, cert_type: str, fqdn: str, tmp_path: Path) -> Path:
    files = ref.files
    vnfm = VnfmClient(name="VNFM", identity=Identity(files["vnfm.crt"], files["vnfm.key"]), api_root=ref.base_url,
                      cmp_base=ref.base_url + ref.cmf.config.cmp_base, server_ca=str(files["cmf_root.crt"]),
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


def openssl_cmp(ref: Reference, path: str, *args: str) -> subprocess.CompletedProcess[str]:
    files = ref.files
    port = ref.base_url.rsplit(":", 1)[1]
    cmf = x509.load_pem_x509_certificate(files["cmf.crt"].read_bytes()).subject  # /C=FR/O=NFVCT Test/CN=cmf...
    recipient = "".join(f"/{a.rfc4514_attribute_name}={a.value}" for a in cmf)
    common = ["-config", "", "-server", f"127.0.0.1:{port}", "-path", path,
              "-tls_used", "-tls_cert", str(files["vnfm.crt"]), "-tls_key", str(files["vnfm.key"]),
              "-tls_trusted", str(files["cmf_root.crt"]), "-cert", str(files["vnfm.crt"]),
              "-key", str(files["vnfm.key"]), "-trusted", str(files["cmf_root.crt"]),
              "-recipient", recipient, "-msg_timeout", "20", "-total_timeout", "30"]
    proc = subprocess.run(["openssl", "cmp", *common, *args], capture_output=True, text=True, timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", proc.stdout + proc.stderr)


def test_openssl_p10cr_certconf_and_rr(tmp_path: Path) -> None:
    with reference(tmp_path, {"csr-200"}) as ref:
        csr = register(ref, "VNFCI_certificate", "vnfc-ossl.vnf.test", tmp_path)
        out = tmp_path / "out.pem"
        proc = openssl_cmp(ref, ".well-known/cmp/p/vnfc-certificates/pkcs10", "-cmd", "p10cr",
                           "-csr", str(csr), "-certout", str(out),
                           "-reqout", f"{tmp_path}/req1.der,{tmp_path}/req2.der",
                           "-rspout", f"{tmp_path}/rsp1.der,{tmp_path}/rsp2.der")
        assert proc.returncode == 0, proc.stderr
        cert = x509.load_pem_x509_certificate(out.read_bytes())
        assert ref.ca_status(cert.serial_number) == "good"
        # the harness decodes what OpenSSL sent and what the CMF answered
        bodies = [cmp.parse_message((tmp_path / f"{n}.der").read_bytes()).body_type
                  for n in ("req1", "rsp1", "req2", "rsp2")]
        assert bodies == ["p10cr", "cp", "certConf", "pkiconf"]
        p10cr = cmp.parse_message((tmp_path / "req1.der").read_bytes())
        assert x509.load_der_x509_csr(p10cr.csr_der or b"").public_bytes(serialization.Encoding.PEM) == csr.read_bytes()
        proc = openssl_cmp(ref, ".well-known/cmp/p/vnfc-certificates/revocation", "-cmd", "rr",
                           "-oldcert", str(out), "-revreason", "1")
        assert proc.returncode == 0, proc.stderr
        assert ref.ca_status(cert.serial_number) == "revoked"
        again = openssl_cmp(ref, ".well-known/cmp/p/vnfc-certificates/revocation", "-cmd", "rr",
                            "-oldcert", str(out), "-revreason", "1")
        assert again.returncode != 0 and "certRevoked" in again.stderr


def test_openssl_polls_deferred_issuance(tmp_path: Path) -> None:
    with reference(tmp_path, {"csr-200", "waiting-200"}) as ref:
        csr = register(ref, "VNF_OAM_certificate", "oam-ossl.vnf.test", tmp_path)
        out = tmp_path / "oam.pem"
        proc = openssl_cmp(ref, ".well-known/cmp/p/vnfoam-certificates/pkcs10", "-cmd", "p10cr",
                           "-csr", str(csr), "-certout", str(out), "-implicit_confirm")
        assert proc.returncode == 0, proc.stderr
        assert "received POLLREP" in proc.stderr or "pollRep" in proc.stderr.lower() or out.exists()
        assert x509.load_pem_x509_certificate(out.read_bytes()).issuer.rfc4514_string().startswith(
            "CN=NFVCT VNF OAM Issuing CA")


def test_openssl_refuses_sol023_201(tmp_path: Path) -> None:
    """The SOL023 5.3.3 status code (201) against OpenSSL 3.0's client: a known incompatibility."""
    with reference(tmp_path, set()) as ref:
        csr = register(ref, "VNFCI_certificate", "vnfc-201.vnf.test", tmp_path)
        proc = openssl_cmp(ref, ".well-known/cmp/p/vnfc-certificates/pkcs10", "-cmd", "p10cr",
                           "-csr", str(csr), "-certout", str(tmp_path / "x.pem"))
        assert proc.returncode != 0 and "code=201" in proc.stderr
