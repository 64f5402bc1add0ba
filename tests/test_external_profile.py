"""A SUT reached through a profile (the path a vendor takes): serve-reference + nfvct run --profile."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.model import Verdict
from harness.profile import ProfileError, load_profile
from harness.runner import run
from reference.cmf.standalone import serve_reference


@contextmanager
def served_reference(state: Path) -> Iterator[Path]:
    """`nfvct serve-reference` in a thread; yields the profile it writes; stops it afterwards."""
    stop = threading.Event()
    thread = threading.Thread(target=serve_reference, args=(state,), kwargs={"faults": [], "stop": stop},
                              daemon=True)
    thread.start()
    try:
        profile_path = state / "profile.toml"
        deadline = time.monotonic() + 20
        while not profile_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield profile_path
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_profile_run_against_served_reference(tmp_path: Path) -> None:
    with served_reference(tmp_path) as profile_path:
        result = run(load_profile(profile_path), seed=5)
    assert result.exit_code() == 0
    verdicts = {r.requirement.id: r.verdict for r in result.requirements}
    assert verdicts["CMF.Certm.Del.002"] is Verdict.PASS
    # the CA is not observable through a profile: steps 3-5 are reported as such, not PASS
    csr = next(s for s in result.scenarios if s.id == "C.2.2.2[VNFCI]")
    step5 = next(s for s in csr.steps if s.number == "5")
    assert step5.verdict is Verdict.NOT_TESTED and "not observable" in step5.observed


def test_state_persists_across_restarts(tmp_path: Path) -> None:
    """The reference CMF keeps its subjects in SQLite: a restart with the same state sees them."""
    from reference.cmf.store import Store, SubjectRow

    store = Store(tmp_path / "db.sqlite3")
    store.add_subject(SubjectRow("s1", "VNFCI_certificate", "delegation_mode", "CN=vnfm",
                                 [{"subjectId": "vnfci-1", "certificateData": []}]))
    store.close()
    again = Store(tmp_path / "db.sqlite3")
    assert again.vnfci_owner("vnfci-1", "VNFCI_certificate") == ("CN=vnfm", "s1")
    again.close()


def test_profile_errors_are_precise(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[pixit]\napi_root = "https://x"\ncmp_base = "https://x/.well-known/cmp/p"\n'
                    'server_ca = "missing.pem"\n[pixit.vnfm]\ncert = "a"\nkey = "b"\n')
    with pytest.raises(ProfileError, match="pixit.server_ca: file not found"):
        load_profile(path)
    path.write_text('[pics]\ncert_types = ["X"]\n[pixit]\n')
    with pytest.raises(ProfileError, match="unknown certificate type 'X'"):
        load_profile(path)


def test_not_applicable_is_never_pass(tmp_path: Path) -> None:
    """Without a second VNFM identity or deferred issuance, those checks are NOT APPLICABLE, not PASS."""
    with served_reference(tmp_path) as profile_path:
        text = profile_path.read_text()
        text = text.replace('deferred_issuance = [\'VNF_OAM_certificate\']', "deferred_issuance = []")
        text = text[: text.index("[pixit.vnfm2]")]
        reduced = tmp_path / "reduced.toml"
        reduced.write_text(text)
        result = run(load_profile(reduced), seed=3)
    by_check = {(o.scenario, o.check): o.verdict for s in result.scenarios for o in s.checks}
    assert by_check[("C.2.2.2[VNFCI]/unregistered-delegate", "csr-delegate-check")] is Verdict.NOT_APPLICABLE
    assert by_check[("IFA033-11.2.7[QueryCertificateInfo]", "poll-delivers")] is Verdict.NOT_APPLICABLE
    verdicts = {r.requirement.id: r.verdict for r in result.requirements}
    assert verdicts["CMF.Certm.Del.005"] is Verdict.NOT_APPLICABLE
    assert verdicts["IFA026:C.2.2.2.6:delegate"] is Verdict.NOT_APPLICABLE
