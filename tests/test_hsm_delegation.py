"""IFA026 C.2.2.2.7 / C.2.2.4.7 (delegation mode with the use of an HSM): the VNFM's SoftHSM2 keys, their key
attestation as the reference CMF judges it (Cmf.CertLcm.011), the wrapped delivery to the HMEE, the token store's
clean-up, and both scenarios PASSing against the reference served out of process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from simulators.acme.hsm import available

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))

SPKI = serialization.PublicFormat.SubjectPublicKeyInfo
NAME = {"commonName": "vnfc-1.vnf.nfvct.test", "organization": "NFVCT Test", "country": "FR"}
SANS = ["vnfc-1.vnf.nfvct.test"]


@pytest.fixture(scope="module")
def hsm() -> Iterator[object]:
    from simulators.acme.hsm import SoftHsm
    from simulators.delegation_hsm import DelegationHsm

    soft, other = SoftHsm(), SoftHsm()
    try:
        yield DelegationHsm(soft), other
    finally:
        other.close()
        soft.close()


def _refusal(csr_der: bytes, registration: dict, faults: frozenset[str] = frozenset()) -> str | None:
    from reference.cmf.attestation import refusal

    entries = [{"subjectId": "vnfci-1", "certificateData": [], "keyAttestation": registration}]
    return refusal(entries, "vnfci-1", x509.load_der_x509_csr(csr_der), faults.__contains__)


def test_key_csr_and_statement_come_from_the_token(hsm: tuple) -> None:
    delegation, _ = hsm
    key = delegation.generate()
    csr = x509.load_der_x509_csr(delegation.csr(key, NAME, SANS, delegation.statement(key)))
    assert csr.is_signature_valid
    assert csr.public_key().public_bytes(serialization.Encoding.DER, SPKI) == delegation.hsm.public_spki(key)
    assert delegation.exported(key) is None  # CKA_SENSITIVE: the value never leaves the token in plaintext
    assert _refusal(csr.public_bytes(serialization.Encoding.DER), delegation.registration()) is None


@pytest.mark.parametrize(("probe", "why", "fault"), [
    ("mismatch", "not the CSR's public key", "del-attestation-key-unchecked"),
    ("absent", "no statement", "del-attestation-optional"),
    ("other attester", "not signed by the attester", "del-attestation-any-signer"),
    ("not sensitive", "sensitive key", "del-attestation-ignores-policy"),
])
def test_each_failing_attestation_is_refused_and_its_fault_lets_it_through(hsm: tuple, probe: str, why: str,
                                                                           fault: str) -> None:
    delegation, other = hsm
    attested, spare = delegation.generate(), delegation.generate(sensitive=probe != "not sensitive")
    statement = {"mismatch": delegation.statement(attested), "absent": None,
                 "other attester": other.attest(spare), "not sensitive": delegation.statement(spare)}[probe]
    der = delegation.csr(spare, NAME, SANS, statement)
    assert why in (_refusal(der, delegation.registration()) or "")
    assert _refusal(der, delegation.registration(), frozenset({fault})) is None
    assert _refusal(der, delegation.registration(), frozenset({"del-skip-attestation"})) is None


def test_a_subject_without_registered_attester_is_under_no_attestation_policy(hsm: tuple) -> None:
    from reference.cmf.attestation import refusal

    delegation, _ = hsm
    key = delegation.generate()
    csr = x509.load_der_x509_csr(delegation.csr(key, NAME, SANS, None))
    assert refusal([{"subjectId": "vnfci-1", "certificateData": []}], "vnfci-1", csr, lambda _: False) is None


def test_the_hmee_unwraps_the_hsm_key_and_pins_the_hsm_certificate(hsm: tuple, tmp_path: Path) -> None:
    from simulators.delegation_hsm import unwrap
    from simulators.hmee import fetch_key_pair
    from simulators.hsm_release import HsmKeyRelease, start_hsm_release
    from simulators.pki import make_entity, make_root, write_file, write_pair

    delegation, _ = hsm
    key = delegation.generate()
    hmee = rsa.generate_private_key(65537, 2048)
    got = unwrap(hmee, *delegation.wrap_for(key, hmee.public_key()))
    assert got.public_key().public_bytes(serialization.Encoding.DER, SPKI) == delegation.hsm.public_spki(key)

    attestation, root = make_root("attestation"), make_root("hsm vendor")
    served_cert = make_entity(root, "hsm", ips=("127.0.0.1",), client=False)
    decoy = make_entity(root, "another hsm", ips=("127.0.0.1",), client=False)
    write_pair(served_cert, tmp_path / "hsm")
    write_file(tmp_path / "att.crt", attestation.cert_pem())
    credential = make_entity(attestation, "vnfci-1", server=False)
    with ExitStack() as stack:
        url = start_hsm_release(stack, HsmKeyRelease(delegation, keys={"vnfci-1": key}), tmp_path / "hsm.crt",
                                tmp_path / "hsm.key", tmp_path / "att.crt")
        details = {"url": url, "certificate": served_cert.cert_pem().decode(), "chain": [root.cert_pem().decode()]}
        pem = fetch_key_pair(tmp_path, "vnfci-1", details, credential, {})
        loaded = serialization.load_pem_private_key(pem.encode(), None)
        assert loaded.public_key().public_bytes(serialization.Encoding.DER, SPKI) == delegation.hsm.public_spki(key)
        with pytest.raises(RuntimeError, match="other than the HSM certificate"):
            fetch_key_pair(tmp_path, "vnfci-1", {**details, "certificate": decoy.cert_pem().decode()}, credential, {})
        with pytest.raises(RuntimeError, match="HTTP 403"):  # attested, but for another VNFCI
            fetch_key_pair(tmp_path, "vnfci-1", details, make_entity(attestation, "vnfci-2", server=False), {})


def test_the_token_store_is_temporary_and_removed_at_exit() -> None:
    code = ("from simulators.acme.hsm import SoftHsm; import os; h = SoftHsm(); "
            "print(os.path.dirname(os.environ['SOFTHSM2_CONF'])); h.close()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    store = Path(out.stdout.strip())
    assert store.name.startswith("nfvct-hsm-") and not store.exists()


def test_both_scenarios_pass_out_of_process_and_the_attestation_fault_fails(tmp_path_factory) -> None:
    from harness.env_cmf import DEFAULT_PORTS, init_cmf
    from harness.listeners import free_ports
    from harness.profile import load_profile
    from harness.runner import run
    from tests.conftest import failed_requirements
    from tests.test_outofprocess import served

    environment = init_cmf(tmp_path_factory.mktemp("env"), ports=free_ports(tuple(DEFAULT_PORTS), span=(24000, 25000)),
                           check_after=0)
    pattern = "C.2.2.2.7|C.2.2.4.7"
    with served(environment):
        clean = run(load_profile(environment), seed=2227, pattern=pattern)
    assert {s.id: s.verdict.value for s in clean.scenarios} == {
        "C.2.2.2.7[VNFCI]/HSM": "PASS", "C.3.2.2[VNF OAM]/HSM": "PASS", "C.2.2.4.7[VNFCI]/HSM": "PASS"}
    assert clean.exit_code() == 0
    with served(environment, "del-skip-attestation"):
        faulty = run(load_profile(environment), seed=2228, pattern="C.2.2.2.7")
    assert failed_requirements(faulty) == {"Cmf.CertLcm.011"}


def test_the_hmee_key_never_reaches_trace_or_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.model import Verdict
    from harness.runner import run
    from reports import write_reports
    from simulators import install_sim

    installed: list[str] = []
    original = install_sim.Vnfci.install

    def spy(self: install_sim.Vnfci, cert_pem: str, key_pem: str, chain: list[str]) -> str:
        installed.append(key_pem)
        return original(self, cert_pem, key_pem, chain)

    monkeypatch.setattr(install_sim.Vnfci, "install", spy)
    result = run(None, pattern="C.2.2.4.7", seed=11, reference_check_after=0)
    assert [s.verdict for s in result.scenarios] == [Verdict.PASS], [(s.id, s.reason) for s in result.scenarios]
    assert installed, "the HMEE installed no key pair"
    texts = [p.read_text(errors="replace") for p in write_reports(result, tmp_path).values()] + [
        f"{e.body_text}\n{e.headers}" for e in result.trace]
    lines = [line for pem in installed for line in pem.splitlines() if line and not line.startswith("-----")]
    for text in texts:
        assert "PRIVATE KEY-----" not in text.replace("[REDACTED PRIVATE KEY]", "")
        assert not any(line in text for line in lines)
    assert any("wrappedPrivateKey" in t and "[REDACTED]" in t for t in texts)  # the delivery was traced, redacted
