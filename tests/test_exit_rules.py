"""One exit-code rule (RunResult.outcome) said the same way by the terminal, the HTML and results.json; and the
run's selection (-k literal ids, --requirement, --check) recorded, with NOT SELECTED for what it left out."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from harness.cli import main
from harness.model import (CheckOutcome, Evidence, RequirementResult, RunInfo, RunResult, ScenarioResult, Selection,
                           Verdict)
from harness.catalogue import load_catalogue
from harness.runner import select, selected_checks
from reports import write_reports
from scenarios import all_scenarios

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _result(*verdicts: Verdict, interrupted: bool = False) -> RunResult:
    req = load_catalogue().get("Cmf.CertLcm.001")
    checks = tuple(CheckOutcome(f"check-{i}", (req.id,), v, "S", Evidence("e", "o")) for i, v in enumerate(verdicts))
    scenario = ScenarioResult("S", "S", "title", "source", Verdict.worst(list(verdicts)), (), checks)
    requirement = RequirementResult(req, Verdict.worst(list(verdicts)), checks)
    info = RunInfo("id", NOW, NOW, "sut", "0", 1, interrupted=interrupted)
    return RunResult(info, (requirement,), (scenario,), ())


@pytest.mark.parametrize("verdicts, interrupted, code", [
    ((Verdict.PASS,), False, 0),
    ((Verdict.PASS, Verdict.NOT_APPLICABLE), False, 0),
    ((Verdict.PASS, Verdict.FAIL), False, 1),
    ((Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.ERROR), False, 1),  # FAIL wins
    ((Verdict.PASS, Verdict.INCONCLUSIVE), False, 2),  # was 0 under a green banner
    ((Verdict.PASS, Verdict.ERROR), False, 2),
    ((Verdict.NOT_APPLICABLE,), False, 2),  # nothing judged
    ((Verdict.PASS,), True, 2),  # interrupted
    ((Verdict.FAIL,), True, 1),
])
def test_exit_code_rule(verdicts: tuple[Verdict, ...], interrupted: bool, code: int) -> None:
    outcome = _result(*verdicts, interrupted=interrupted).outcome()
    assert outcome.exit_code == code
    assert outcome.slug == {0: "ok", 1: "fail", 2: "inconclusive"}[code]
    if Verdict.INCONCLUSIVE in verdicts and code == 2:
        assert "1 check INCONCLUSIVE" in outcome.text and "No requirement failed" not in outcome.text


def test_every_output_says_the_same(tmp_path: Path) -> None:
    result = _result(Verdict.PASS, Verdict.INCONCLUSIVE)
    write_reports(result, tmp_path)
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["outcome"] == {"exit_code": 2, "status": "inconclusive", "text": result.outcome().text}
    html = (tmp_path / "index.html").read_text()
    assert result.outcome().text in html and "exit 2" in html and "No requirement failed" not in html


def test_k_matches_ids_literally() -> None:
    scenarios = all_scenarios()
    assert [s.id for s in select(scenarios, "C.2.2.2[VNFCI]")] == [
        "C.2.2.2[VNFCI]", "C.2.2.2[VNFCI]/unregistered-delegate", "C.2.2.2[VNFCI]/invalid-csr"]
    assert [s.id for s in select(scenarios, "C.2.2.2[VNFCI]/invalid-csr")] == ["C.2.2.2[VNFCI]/invalid-csr"]
    assert {s.id for s in select(scenarios, "c.2.2.1[vnfci]|C.3.2.1")} == {"C.2.2.1[VNFCI]", "C.3.2.1[VNF OAM]"}
    assert "C.2.2.1[VNFCI]" not in {s.id for s in select(scenarios, "not C.2.2.1[")}
    assert [s.id for s in select(scenarios, "C.4.?.2.7*HSM")] == [
        "C.4.1.2.7[NFVO]/HSM", "C.4.2.2.7[VNFM]/HSM", "C.4.3.2.7[VIM]/HSM"]


def test_selection_by_requirement_and_check() -> None:
    scenarios = all_scenarios()
    by_prefix = selected_checks(scenarios, Selection(requirements=("IFA026:C.6",)))
    assert by_prefix is not None and {c for c in by_prefix if c.startswith("c6-")} == by_prefix and len(by_prefix) == 8
    assert selected_checks(scenarios, Selection(checks=("register-conflict",))) == {"register-conflict"}
    assert selected_checks(scenarios, Selection()) is None
    with pytest.raises(ValueError, match="did you mean register-conflict"):
        selected_checks(scenarios, Selection(checks=("register-conflit",)))
    with pytest.raises(ValueError, match="no requirement ID starts with it"):
        selected_checks(scenarios, Selection(requirements=("Cmf.Nope",)))


def test_run_records_its_selection_and_not_selected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--check", "register-conflict", "-k", "C.2.2.1[VNFCI]", "--out", str(tmp_path),
                 "--seed", "3"])
    assert code == 0, capsys.readouterr().err
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["run"]["selection"] == {"pattern": "C.2.2.1[VNFCI]", "requirements": [],
                                        "checks": ["register-conflict"],
                                        "text": "-k 'C.2.2.1[VNFCI]' --check register-conflict"}
    assert [c["check"] for s in data["scenarios"] for c in s["checks"]] == ["register-conflict"]
    verdicts = {r["verdict"] for r in data["requirements"]}
    assert {"PASS", "NOT SELECTED", "NOT TESTED"} <= verdicts and data["summary"]["NOT SELECTED"] > 100
    assert "--check register-conflict" in (tmp_path / "index.html").read_text()


@pytest.mark.parametrize("argv, message", [
    (["run", "--requirement", "Cmf.Nope"], "--requirement Cmf.Nope"),
    (["run", "--check", "nope"], "--check nope"),
    (["run", "-k", "no-such-scenario"], "selects no scenario"),
    (["list", "-k", "no-such-scenario"], "matches no scenario"),
    (["show", "no-such-thing"], "nor a check name"),
])
def test_selection_mistakes_are_one_line(argv: list[str], message: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, *(["--out", str(tmp_path)] if argv[0] == "run" else [])]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_list_shows_per_certificate_checks_and_show_takes_a_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "-k", "C.2.2.2[VNFCI]/invalid-csr"]) == 0
    listed = capsys.readouterr().out
    assert "c6-validity" in listed and "on each certificate obtained" in listed and "C.3.2.2" not in listed
    assert main(["show", "register-conflict"]) == 0
    shown = capsys.readouterr().out
    assert "C.2.2.1[VNFCI]" in shown and "requirements:" in shown
    assert main(["show", "IFA026:C.6:validity"]) == 0
    assert "scenarios: C.2.2.2[VNFCI]" in capsys.readouterr().out


def test_a_sut_that_is_not_there_is_inconclusive_not_failed(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing serves the profile (pre-flight off): REST and direct-mode scenarios alike are INCONCLUSIVE, exit 2;
    the direct-mode one used to FAIL on the CMF's 'silence' at the VNFM."""
    from harness.env_cmf import DEFAULT_PORTS, init_cmf
    from harness.listeners import EMBEDDED_SPAN, free_ports

    profile = init_cmf(tmp_path / "env", ports=free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN))
    code = main(["run", "--profile", str(profile), "--no-preflight", "-k", "C.2.1.1[heal]|C.2.2.1[VNFCI]",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2, err
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    assert {s["id"]: s["verdict"] for s in data["scenarios"]} == {"C.2.2.1[VNFCI]": "INCONCLUSIVE",
                                                                  "C.2.1.1[heal]": "INCONCLUSIVE"}
    assert data["outcome"]["exit_code"] == 2 and "not judged for that reason" in err
