"""Installation use cases: the private keys that travel VNFM -> VIM/VNFI never reach the trace or the reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from harness.model import Verdict
from harness.profile import load_profile
from harness.runner import run
from reports import write_reports
from simulators import install_sim


def test_keys_never_reach_trace_or_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    original = install_sim.KeyStore.put

    def spy(self: install_sim.KeyStore, vnfc: str, key_pem: str) -> None:
        seen.append(key_pem)
        original(self, vnfc, key_pem)

    monkeypatch.setattr(install_sim.KeyStore, "put", spy)
    result = run(None, pattern="installation", seed=7, reference_check_after=0)
    # C.2.2.3, C.3.2.3, C.2.2.4 and C.2.2.4.7 (its keys: tests/test_hsm_delegation.py)
    assert [s.verdict for s in result.scenarios] == [Verdict.PASS] * 4, [(s.id, s.reason) for s in result.scenarios]
    assert seen, "no private key was handed to the installation actors"
    files = write_reports(result, tmp_path)
    texts = [p.read_text(errors="replace") for p in files.values()] + [
        f"{e.body_text}\n{e.headers}" for e in result.trace]
    for pem in seen:
        key = serialization.load_pem_private_key(pem.encode(), None)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        body_lines = [line for line in pem.splitlines() if line and not line.startswith("-----")]
        for text in texts:
            assert "PRIVATE KEY-----\n" not in text and "PRIVATE KEY-----\\n" not in text
            assert not any(line in text for line in body_lines)
            assert der.hex() not in text
    assert any("[REDACTED" in t for t in texts)  # the requests were traced, with the key redacted


def test_installation_is_not_applicable_to_a_vendor_cmf(tmp_path: Path) -> None:
    from simulators.pki import build_test_pki

    files = build_test_pki().write(tmp_path / "pki")
    profile_file = tmp_path / "p.toml"
    profile_file.write_text(f'[pixit]\napi_root = "https://127.0.0.1:9"\ncmp_base = "https://127.0.0.1:9/cmp"\n'
                            f'server_ca = "{files["mano_root.crt"]}"\ntimeout = 1.0\n'
                            f'[pixit.vnfm]\ncert = "{files["vnfm.crt"]}"\nkey = "{files["vnfm.key"]}"\n')
    result = run(load_profile(profile_file), pattern="installation", seed=1)
    assert {s.verdict for s in result.scenarios} == {Verdict.NOT_APPLICABLE}
    assert all("CMF is not involved" in s.reason for s in result.scenarios)
