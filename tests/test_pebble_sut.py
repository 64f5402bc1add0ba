"""The C.4 scenarios against Pebble as the SUT (issue 4, interop (a)). Pebble is a general ACME CA, not a CMF;
what the report says about it, and why (pinned below):

* PASS: account creation and query, order, real tls-alpn-01 validation (its VA connects to the harness's
  responder through a loopback DNS), a wrong acmeIdentifier refused, finalize, certificate download with the
  chain to its root, key and SAN binding, Query Certificate Info, revocation (second one alreadyRevoked), and the
  JWS rules: MAC algorithm, replayed nonce, jwk+kid, problem documents, Replay-Nonce; a CSR for another name is
  refused (403 unauthorized: IFA026 asks for an error response, so any 4xx passes).
* FAIL IFA026:C.4.x.1.6 invalid-registration: no notion of a trusted OSS; any client may create an account.
* FAIL IFA026:C.4.x.2.6 unregistered: no FQDN registration; an account may order any name it can validate.
* FAIL SOL023:5.8.1: tkauth-01 (RFC 9447) is not offered (the VNFM scenario falls back to tls-alpn-01).
* FAIL CMF.Certm.Mano.003: deactivating the OSS's account does not stop the entity's account.
* FAIL SOL023:5.5.2a.3:nonce: a nonce that is not base64url is answered badNonce, not malformed.
* FAIL RFC8555:6.4:url: a url header that is not the request URL is answered malformed; RFC 8555 6.4 says
  unauthorized.
* FAIL C.6 profile: 5-year validity (Pebble's default), no CRL distribution point, no AIA.
* NOT APPLICABLE RFC9447 tkauth-01: the profile claims tls-alpn-01 only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.model import Verdict
from harness.profile import load_profile
from harness.runner import run
from reports import write_reports
from simulators.pki import build_test_pki
from tests.pebble_sut import run_pebble

pytestmark = pytest.mark.skipif(shutil.which("pebble") is None, reason="needs Debian pebble (make test installs it)")

EXPECTED = {
    "CMF.Certm.Mano.001": "PASS", "Cm-Oss.001": "PASS", "CMF.Certm.Mano.002": "PASS",
    "CMF.Certm.Mano.004": "PASS", "CMF.Certm.Mano.005": "PASS", "CMF.Certm.Mano.006": "PASS",
    "Cmf.CertLcm.007": "PASS", "Cmf.CertLcm.008": "PASS", "RFC8555:7.4:csr-key": "PASS",
    "RFC8737:3:tls-alpn-01": "PASS", "SOL023:5.5.2a.3:alg": "PASS", "RFC8555:6.5:replay": "PASS",
    "SOL023:5.5.2a.3:jwk-kid": "PASS", "IFA026:C.4.1.2.6:csr-invalid": "PASS", "RFC8555:6.7:problem": "PASS",
    "RFC8555:6.5:replay-nonce": "PASS",
    "IFA026:C.4.1.1.6:invalid-registration": "FAIL", "IFA026:C.4.1.2.6:unregistered": "FAIL",
    "SOL023:5.8.1:challenges": "FAIL", "CMF.Certm.Mano.003": "FAIL", "SOL023:5.5.2a.3:nonce": "FAIL",
    "RFC8555:6.4:url": "FAIL", "IFA026:C.6:validity": "FAIL", "IFA026:C.6:crl-distribution-point": "FAIL",
    "IFA026:C.6:authority-info-access": "FAIL", "IFA026:C.6:key-usage": "PASS",
    "RFC9447:3:tkauth-01": "NOT APPLICABLE", "Cmf.CertLcm.009": "NOT APPLICABLE",
}


def test_c4_scenarios_against_pebble(tmp_path: Path) -> None:
    pki = build_test_pki()
    files = pki.write(tmp_path / "pki")
    with run_pebble(pki, tmp_path / "pebble") as pebble:
        profile_path = tmp_path / "pebble.toml"
        profile_path.write_text(f"""
[sut]
name = "Pebble (Debian package)"
[pics]
acme_challenges = ["tls-alpn-01"]
acme_initial_credential = false
acme_key_attestation = false
[pixit]
api_root = "https://127.0.0.1:9"
cmp_base = "https://127.0.0.1:9/.well-known/cmp/p"
server_ca = "{files['mano_root.crt']}"
[pixit.vnfm]
cert = "{files['vnfm.crt']}"
key = "{files['vnfm.key']}"
[pixit.acme]
directory = "{pebble.directory}"
server_ca = "{pebble.server_ca}"
alpn_port = {pebble.alpn_port}
ca_trust_anchors = ["{pebble.root}"]
""")
        result = run(load_profile(profile_path), pattern="C.4.|SOL023-5.5.2a", seed=7)
    verdicts = {r.requirement.id: r.verdict.value for r in result.requirements if r.verdict is not Verdict.NOT_TESTED}
    for r in result.requirements:
        for o in r.checks if r.verdict is Verdict.FAIL else ():
            print("WHY", r.requirement.id, o.check, o.evidence.observed[:300])
    for rid, want in EXPECTED.items():
        assert verdicts.get(rid) == want, (rid, verdicts.get(rid), want)
    paths = write_reports(result, tmp_path / "report")
    html = paths["html"].read_text()
    assert "Pebble (Debian package)" in html and "tkauth-01" in html
