"""`pytest --nfvct-profile` turns scenarios into test items a vendor's CI can gate on: only the scenarios are
collected, with clean ids, a classname per use case and each its own time; FAIL fails, INCONCLUSIVE is an error
(not a failure), NOT APPLICABLE skips, and the session's exit status is the nfvct rule."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.listeners import EMBEDDED_SPAN, free_ports

pytest_plugins = ["pytester"]

OTHER_TESTS = "def test_other():\n    assert False, 'the project tests must not be collected'\n"


def _lines(result: pytest.RunResult, *lines: str) -> None:
    """Lines in order; ``...`` stands for anything (the ids have brackets, which fnmatch would read as sets)."""
    result.stdout.re_match_lines([re.escape(line).replace(re.escape("..."), ".*") for line in lines])


def _cases(path: Path) -> list[ET.Element]:
    return list(ET.parse(path).getroot().iter("testcase"))


@pytest.fixture(scope="module")
def unserved_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An `nfvct init` profile whose SUT nobody serves (free ports): every exchange is refused at once, so its
    scenarios are INCONCLUSIVE; direct mode is not claimed, so the direct-mode scenarios are NOT APPLICABLE."""
    env = tmp_path_factory.mktemp("unserved")
    profile = init_cmf(env, ports=free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN))
    text = profile.read_text()
    assert "direct_mode = true" in text
    profile.write_text(text.replace("direct_mode = true", "direct_mode = false"))
    return profile


def test_only_scenarios_with_clean_ids_and_a_fault(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_project=OTHER_TESTS)
    result = pytester.runpytest_subprocess("--nfvct-profile", "embedded", "--nfvct-fault", "skip-delegate-check",
                                           "--nfvct-k", "C.2.2.1|C.2.2.2[VNFCI]/unregistered", "--junitxml", "j.xml",
                                           "-v")
    _lines(result, "collected 2 items", "nfvct::C.2.2.1[VNFCI] PASSED...",
           "nfvct::C.2.2.2[VNFCI]/unregistered-delegate FAILED...", "...FAIL csr-delegate-check...observed HTTP 201...",
           "Not conformant: ... (exit status 1)")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == 1
    assert "test_other" not in result.stdout.str()
    cases = _cases(pytester.path / "j.xml")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("C.2.2.1", "C.2.2.1[VNFCI]"), ("C.2.2.2", "C.2.2.2[VNFCI]/unregistered-delegate")]
    assert all(float(c.get("time", "0")) > 0 for c in cases)  # each item's own scenario time
    failure = cases[1].find("failure")
    assert failure is not None and "csr-delegate-check" in failure.get("message", "")
    verdicts = [p.get("value") for c in cases for p in c.iter("property") if p.get("name") == "verdict"]
    assert verdicts == ["PASS", "FAIL"]


def test_inconclusive_is_an_error_and_not_applicable_skips(pytester: pytest.Pytester, unserved_profile: Path) -> None:
    out = pytester.path / "report"
    # "--opt=PATH": a path given as its own argument would take part in pytest's rootdir (here a common ancestor)
    result = pytester.runpytest_subprocess(f"--nfvct-profile={unserved_profile}", "--nfvct-k", "C.2.2.1|C.2.1.1[heal]",
                                           "--junitxml", "j.xml", "--nfvct-out", str(out), "-v", "-rEs")
    _lines(result, "collected 2 items", "nfvct::C.2.2.1[VNFCI] INCONCLUSIVE...", "nfvct::C.2.1.1[heal] SKIPPED...",
           "...ERROR at setup of nfvct scenario C.2.2.1[VNFCI]...", "...unreachable...",
           "Not conclusive: nothing failed, but ... INCONCLUSIVE...(exit status 2)",
           "INCONCLUSIVE nfvct::C.2.2.1[VNFCI] - INCONCLUSIVE: endpoint...",
           "SKIPPED [1] nfvct:1: the PICS does not claim direct mode (pics.direct_mode)")
    result.assert_outcomes(errors=1, skipped=1)  # never "failed"
    assert result.ret == 2  # the nfvct rule: nothing FAILs, something is INCONCLUSIVE
    suite = ET.parse(pytester.path / "j.xml").getroot().find("testsuite")
    assert suite is not None and (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0", "1", "1")
    error = suite.find("testcase/error")
    assert error is not None and "INCONCLUSIVE: endpoint" in error.get("message", "")
    assert (out / "junit.xml").is_file() and (out / "index.html").is_file()


@pytest.mark.parametrize("args, message", [
    (["--nfvct-profile", "missing.toml"], "missing.toml: *No such file*"),
    (["--nfvct-profile", "bad.toml"], "bad.toml: *"),
    (["--nfvct-profile", "embedded", "--nfvct-fault", "no-such-fault"], "unknown fault(s): no-such-fault*"),
    (["--nfvct-profile", "embedded", "--nfvct-k", "no such scenario"], "*selects no scenario*"),
    (["--nfvct-fault", "no-mtls"], "*need --nfvct-profile*"),
], ids=["missing", "invalid", "unknown-fault", "k-selects-nothing", "fault-without-profile"])
def test_usage_errors_are_one_line(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    pytester.makefile(".toml", bad="[sut\nname = 1\n")
    pytester.makepyfile(test_project=OTHER_TESTS)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: nfvct: {message}"])
    lines = [line for line in result.stderr.lines if line.strip()]
    assert len(lines) == 1, lines
    assert not re.search(r"Traceback|passed|failed", result.stdout.str())


def test_collect_only_starts_nothing(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--nfvct-profile", "embedded", "--nfvct-role", "sm", "--co", "-q")
    _lines(result, "nfvct::SM-mode-passive", "nfvct::SM-hierarchy", "9 tests collected...")
    assert result.ret == 0 and "nfvct ---" not in result.stdout.str()


def test_plugin_is_inert_without_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=1)
