"""The harness against OpenSSL's mock CMP server as the SUT (issue 3, interop (a)).

`openssl cmp -port` binds every interface, so it runs inside a fresh network namespace that
has only loopback, and the harness runs in the same namespace. The mock has no SOL023 REST
resources (pics.rest_registration = false) and one CMP path (pixit.cmp_single_path).

What the report says about it, and why (pinned below):
* PASS: response protection, pvno, transactionID, recipNonce, fresh senderNonce, no failInfo in
  an accepted cp, implicitConfirm only when asked, rr answered 200 with rp; the protection
  certificate (first in extraCerts, digitalSignature, valid); certReqId -1 answering the p10cr, as
  the profile claims (pics.p10cr_cert_req_id = "rfc9483": OpenSSL follows RFC 9483 4.1.4, so
  SOL023's 0 is NOT APPLICABLE); no CA or CRL extension in the fixed end-entity certificate.
* FAIL certconf (RFC 9483 4.1.1): the mock binds a CMP transaction to one TCP connection; the
  harness's certConf arrives on a new connection and gets "unexpected pkibody".
* FAIL CMF.Certm.Del.006: the mock does not track revocation; a second rr is accepted again.
* FAIL badMessageCheck (RFC 9810 5.2.3): the mock reports a protection that does not verify as
  badRequest ("EVP lib").
* FAIL grantedWithMods (RFC 9810 5.2.3) and the CSR-key checks: the mock answers every p10cr with its
  fixed -rsp_cert and status "accepted", whatever key, subject and subjectAltName the CSR asked for.
* INCONCLUSIVE malformed (RFC 9483 3.5): on a truncated DER body the mock waits for the missing
  octets and never answers (the harness gives up after pixit.timeout).
* NOT APPLICABLE unsupported-body: on a single CMP path, ir is a legitimate request.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.pki import build_test_pki, make_entity

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None or shutil.which("ip") is None or os.geteuid() != 0,
    reason="needs openssl, iproute2 and root for a network namespace (make test installs the packages)",
)

EXPECTED = {
    "SOL023:5.5.2.2:protection": "PASS",
    "SOL023:5.5.2.3:pvno": "PASS",
    "SOL023:5.5.2.3:transaction-id": "PASS",
    "SOL023:5.5.2.3:recip-nonce": "PASS",
    "SOL023:5.5.2.3:sender-nonce": "PASS",
    "SOL023:5.5.3.2:failinfo": "PASS",
    "RFC9483:4.1.1:implicit-confirm": "PASS",
    "SOL023:5.3.4:revoked": "PASS",
    "RFC9483:4.1.1:certconf": "FAIL",
    "CMF.Certm.Del.006": "FAIL",
    "RFC9810:5.2.3:badMessageCheck": "FAIL",
    "RFC9810:5.2.3:grantedWithMods": "FAIL",
    "CMF.Certm.Del.002": "FAIL",  # cert-binds-csr-key: the fixed certificate certifies another key
    "Cmf.CertLcm.006": "FAIL",
    "IFA026:C.2.2.2.6:ca-issues": "FAIL",
    "RFC9483:3.5:malformed": "INCONCLUSIVE",
    "RFC9483:3.6.4:unsupported-body": "NOT APPLICABLE",
    # C.6 profile on the mock's fixed response certificate (made by this test, a TLS-client-only entity
    # certificate without CRL DP or AIA; its issuing CA comes in extraCerts, so AKI is judged):
    "IFA026:C.6:validity": "PASS",
    "IFA026:C.6:key-usage": "PASS",
    "IFA026:C.6:subject-key-identifier": "PASS",
    "IFA026:C.6:extended-key-usage": "FAIL",
    "IFA026:C.6:crl-distribution-point": "FAIL",
    "IFA026:C.6:authority-info-access": "FAIL",
    "IFA026:C.6:authority-key-identifier": "PASS",
    "RFC5280:4.2:end-entity-extensions": "PASS",
    "RFC9483:3.3:protection-cert": "PASS",
    "RFC9483:4.1.4:cert-req-id": "PASS",  # claimed below: the mock answers a p10cr with certReqId -1
    "SOL023:5.5.3.2:cert-req-id": "NOT APPLICABLE",  # SOL023's 0 is not claimed (the specifications conflict)
}


@pytest.fixture
def netns() -> Iterator[str]:
    name = f"nfvct-mock-{os.getpid()}"
    if subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here")
    try:
        subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def test_harness_against_openssl_mock_server(netns: str, tmp_path: Path) -> None:
    pki = build_test_pki()
    files = pki.write(tmp_path)
    issuing = pki.issuing["VNFCI_certificate"]
    ee = make_entity(issuing, "vnfc-mock.vnf.test", dns=("vnfc-mock.vnf.test",), server=False)
    (tmp_path / "ee.crt").write_bytes(ee.cert_pem())
    (tmp_path / "issuing.crt").write_bytes(issuing.cert_pem())
    (tmp_path / "cmp-trust.pem").write_bytes(pki.mano_ca.cert_pem() + pki.mano_root.cert_pem())
    server = subprocess.Popen(
        ["ip", "netns", "exec", netns, "openssl", "cmp", "-port", "0", "-config", "", "-srv_ref", "mocksrv",
         "-srv_secret", "pass:unused", "-srv_cert", str(files["cmf.crt"]), "-srv_key", str(files["cmf.key"]),
         "-srv_trusted", str(files["mano_root.crt"]), "-rsp_cert", str(tmp_path / "ee.crt"),
         "-rsp_extracerts", str(tmp_path / "issuing.crt"), "-rsp_capubs", str(files["operator_root.crt"])],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        deadline = time.monotonic() + 10
        while port is None and time.monotonic() < deadline and server.stdout is not None:
            match = re.search(r"ACCEPT \S*:(\d+)", server.stdout.readline())
            port = match.group(1) if match else None
        assert port, "the mock CMP server did not report its port"
        profile = tmp_path / "mock.toml"
        profile.write_text(f"""[sut]
name = "OpenSSL {subprocess.run(['openssl', 'version'], capture_output=True, text=True).stdout.split()[1]} mock CMP server"
[pics]
cert_types = ["VNFCI_certificate"]
rest_registration = false
cert_notifications = false
p10cr_cert_req_id = "rfc9483"
[pixit]
api_root = "http://127.0.0.1:{port}"
cmp_base = "http://127.0.0.1:{port}/pkix"
cmp_single_path = true
server_ca = "{files['mano_root.crt']}"
cmp_trust = "{tmp_path / 'cmp-trust.pem'}"
timeout = 3
[pixit.vnfm]
cert = "{files['vnfm.crt']}"
key = "{files['vnfm.key']}"
""")
        out = tmp_path / "report"
        proc = subprocess.run(["ip", "netns", "exec", netns, sys.executable, "-m", "harness.cli", "run",
                               "--profile", str(profile), "--out", str(out), "--seed", "1"],
                              capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert proc.returncode == 1, proc.stderr
    verdicts = {r["id"]: r["verdict"] for r in json.loads((out / "results.json").read_text())["requirements"]}
    assert {k: verdicts[k] for k in EXPECTED} == EXPECTED, proc.stderr
    judged = {k for k, v in verdicts.items() if v not in ("NOT TESTED", "NOT APPLICABLE")}
    assert judged <= set(EXPECTED), f"verdicts not pinned: {sorted(judged - set(EXPECTED))}"
    assert "OpenSSL" in (out / "index.html").read_text()
