"""A SUT reached through a profile (the path a vendor takes): `nfvct init` + serve-reference + nfvct run --profile."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.listeners import EMBEDDED_SPAN, free_ports
from harness.model import Verdict
from harness.profile import ProfileError, load_profile
from harness.runner import run
from reference.cmf.standalone import serve_cmf, settings_for


@contextmanager
def served_reference(state: Path) -> Iterator[Path]:
    """`nfvct init` (free ports) then `nfvct serve-reference` in a thread; yields the environment's profile once
    the reference CMF listens; stops it afterwards."""
    ports = free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN)
    profile_path = init_cmf(state, ports=ports)
    stop, failed = threading.Event(), []

    def serve() -> None:
        try:
            serve_cmf(settings_for(profile_path), faults=[], stop=stop)
        except BaseException as exc:  # reported by the waiting loop below
            failed.append(exc)
            raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        waiting = ["cmf", "acme"]
        while waiting and not failed and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", ports[waiting[0]]), timeout=0.5).close()
                waiting.pop(0)
            except OSError:
                time.sleep(0.05)
        assert not failed, f"serve_cmf failed: {failed[0]!r}"
        assert not waiting, f"the reference CMF does not listen on {waiting} after 20 s"
        yield profile_path
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_profile_run_against_served_reference(tmp_path: Path) -> None:
    with served_reference(tmp_path) as profile_path:
        # the delegation scenarios only: tests/test_outofprocess.py compares every verdict of a full run
        result = run(load_profile(profile_path), seed=5, pattern="C.2.2")
    assert result.exit_code() == 0
    verdicts = {r.requirement.id: r.verdict for r in result.requirements}
    assert verdicts["CMF.Certm.Del.002"] is Verdict.PASS
    # the profile's CMF uses the harness's CA-1 (pixit.harness.ca1): steps 3-5 are observed through a profile too
    csr = next(s for s in result.scenarios if s.id == "C.2.2.2[VNFCI]")
    step3 = next(s for s in csr.steps if s.number == "3")
    step5 = next(s for s in csr.steps if s.number == "5")
    assert step3.verdict is Verdict.PASS and "CA-1 request(s) observed" in step3.observed
    assert step5.verdict is Verdict.PASS and "CA answered" in step5.observed


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
    path.write_text('[pics]\ndelegaton_mode = true\n[pixit]\n')  # a typo never silently tests the default
    with pytest.raises(ProfileError, match=r"pics\.delegation_mode"):
        load_profile(path)


def test_not_applicable_is_never_pass(tmp_path: Path) -> None:
    """Without a second VNFM identity or deferred issuance, those checks are NOT APPLICABLE, not PASS."""
    with served_reference(tmp_path) as profile_path:
        text = profile_path.read_text()
        deferred = 'deferred_issuance = ["VNF_OAM_certificate"]'
        assert deferred in text and "[pixit.vnfm2]" in text  # the profile init_cmf writes (env_cmf_text.PROFILE)
        text = text.replace(deferred, "deferred_issuance = []")
        start = text.index("[pixit.vnfm2]")  # drop the second VNFM's table, keep the tables after it
        text = text[:start] + text[text.index("\n[", start) + 1:]
        reduced = profile_path.with_name("reduced.toml")  # next to profile.toml: its paths are relative
        reduced.write_text(text)
        profile = load_profile(reduced)
        assert profile.pixit.vnfm2 is None and profile.pics.deferred_issuance == ()
        # every scenario judging the two requirements (the other scenarios cannot make them PASS)
        result = run(profile, seed=3, pattern="unregistered-delegate|IFA033-11.2.7")
    by_check = {(o.scenario, o.check): o.verdict for s in result.scenarios for o in s.checks}
    assert by_check[("C.2.2.2[VNFCI]/unregistered-delegate", "csr-delegate-check")] is Verdict.NOT_APPLICABLE
    assert by_check[("IFA033-11.2.7[QueryCertificateInfo]", "poll-delivers")] is Verdict.NOT_APPLICABLE
    verdicts = {r.requirement.id: r.verdict for r in result.requirements}
    assert verdicts["CMF.Certm.Del.005"] is Verdict.NOT_APPLICABLE
    assert verdicts["IFA026:C.2.2.2.6:delegate"] is Verdict.NOT_APPLICABLE
