"""Comparing runs (harness.compare): `nfvct diff OLD NEW`, `nfvct run --baseline OLD`, the report's comparison."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.compare import (
    APPEARED,
    CHANGE,
    DISAPPEARED,
    FIX,
    NEW_INCONCLUSIVE,
    REGRESSION,
    STILL_FAILING,
    Comparison,
    classify,
    compare,
    load_results,
    parse_results,
    with_baseline,
)
from harness.model import Verdict
from reports.html import render_html
from reports.results_json import RESULTS_JSON_SCHEMA, results_dict
from reports.schema_check import validation_errors
from tests.test_reports import sample_result

S1, S2 = "C.2.2.1[VNFCI]", "C.2.2.2[VNFCI]"
V = Verdict


def _chk(scenario: str, name: str, verdict: str, instance: str = "", reqs: tuple[str, ...] = ("R-1",),
         observed: str = "") -> dict[str, Any]:
    return {"check": name, "instance": instance, "verdict": verdict, "scenario": scenario, "expected": "e",
            "observed": observed or f"{name} said {verdict}", "scope": "", "reason": "", "seconds": 0.1,
            "trace": [1], "_reqs": list(reqs)}


def _doc(checks: list[dict[str, Any]], others: dict[str, str] | None = None, *, v1: bool = False,
         **run: Any) -> dict[str, Any]:
    """A hand-built results.json: requirement verdicts are the worst of the checks citing them; ``others`` are
    requirements nothing judged (NOT SELECTED / NOT TESTED)."""
    clean = [{k: v for k, v in c.items() if k != "_reqs" and not (v1 and k in ("instance", "seconds"))}
             for c in checks]
    by_req: dict[str, list[dict[str, Any]]] = {}
    for raw, c in zip(checks, clean):
        for r in raw["_reqs"]:
            by_req.setdefault(r, []).append(c)
    requirements = [{"id": r, "document": "SOL023", "clause": "1", "text": "t",
                     "verdict": V.worst([V(c["verdict"]) for c in cs]).value, "checks": cs}
                    for r, cs in by_req.items()]
    requirements += [{"id": r, "document": "SOL023", "clause": "1", "text": "t", "verdict": v, "checks": []}
                     for r, v in (others or {}).items()]
    scenarios = [{"id": s, "use_case": s[:7], "title": "t", "source": "s", "verdict": "PASS", "parameters": {},
                  "reason": "", "steps": [], "checks": [c for c in clean if c["scenario"] == s]}
                 for s in dict.fromkeys(c["scenario"] for c in clean)]
    info: dict[str, Any] = {"id": run.pop("id", "run-1"), "started": "2025-01-01T00:00:00+00:00",
                            "finished": "2025-01-01T00:01:00+00:00", "sut": "ACME CMF", "version": "0.1.0",
                            "seed": 1, "profile": "p.toml", "faults": []}
    if not v1:
        info |= {"role": "CMF", "interrupted": False,
                 "selection": {"pattern": "", "requirements": [], "checks": [], "text": "everything"}}
    info |= run
    doc = {"schema": "nfvct-results/1" if v1 else "nfvct-results/2", "run": info, "summary": {},
           "requirements": requirements, "scenarios": scenarios, "bindings": []}
    if not v1:
        doc["outcome"] = {"exit_code": 0, "status": "ok", "text": ""}
    return doc


def _cmp(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    return compare(parse_results(old, "old.json"), parse_results(new, "new.json"))


def _ids(c: Comparison, kind: str, level: str = "check") -> list[str]:
    return [d.id for d in c.of(kind, level)]


@pytest.mark.parametrize(("old", "new", "kind"), [
    (V.PASS, V.FAIL, REGRESSION), (V.NOT_APPLICABLE, V.FAIL, REGRESSION), (None, V.FAIL, REGRESSION),
    (V.INCONCLUSIVE, V.FAIL, REGRESSION), (V.FAIL, V.PASS, FIX), (V.FAIL, V.FAIL, STILL_FAILING),
    (V.PASS, V.INCONCLUSIVE, NEW_INCONCLUSIVE), (V.PASS, V.ERROR, NEW_INCONCLUSIVE),
    (None, V.ERROR, NEW_INCONCLUSIVE), (V.FAIL, V.INCONCLUSIVE, CHANGE), (V.FAIL, V.NOT_APPLICABLE, CHANGE),
    (V.PASS, V.NOT_APPLICABLE, CHANGE), (V.INCONCLUSIVE, V.ERROR, CHANGE), (None, V.PASS, APPEARED),
    (V.FAIL, None, DISAPPEARED), (V.PASS, V.PASS, None), (V.NOT_APPLICABLE, V.NOT_APPLICABLE, None),
])
def test_classify(old: Verdict | None, new: Verdict | None, kind: str | None) -> None:
    assert classify(old, new) == kind


def test_regression_per_requirement_and_check_with_new_observed_text() -> None:
    old = _doc([_chk(S1, "a", "PASS"), _chk(S1, "b", "PASS", reqs=("R-2",))])
    new = _doc([_chk(S1, "a", "FAIL", observed="201 instead of\n409"), _chk(S1, "b", "PASS", reqs=("R-2",))])
    c = _cmp(old, new)
    assert _ids(c, REGRESSION) == [f"{S1}/a"] and _ids(c, REGRESSION, "requirement") == ["R-1"]
    assert {d.observed for d in c.of(REGRESSION)} == {"201 instead of 409"}  # NEW's text, one line
    assert c.exit_code() == 1 and c.new_fail() == 1
    assert c.gate_text() == "baseline old.json: 1 new FAIL, 0 known FAIL still failing, 0 fixed -> exit 1"


def test_fix_change_and_known_fail() -> None:
    old = _doc([_chk(S1, "a", "FAIL"), _chk(S1, "b", "FAIL", reqs=("R-2",)), _chk(S1, "c", "FAIL", reqs=("R-3",))])
    new = _doc([_chk(S1, "a", "PASS"), _chk(S1, "b", "NOT APPLICABLE", reqs=("R-2",)),
                _chk(S1, "c", "FAIL", reqs=("R-3",))])
    c = _cmp(old, new)
    assert _ids(c, FIX) == [f"{S1}/a"] and _ids(c, CHANGE) == [f"{S1}/b"] and _ids(c, STILL_FAILING) == [f"{S1}/c"]
    assert _ids(c, FIX, "requirement") == ["R-1"] and _ids(c, STILL_FAILING, "requirement") == ["R-3"]
    assert not c.of(REGRESSION) and c.exit_code() == 0
    assert c.gate_text().endswith(": 0 new FAIL, 1 known FAIL still failing, 1 fixed -> exit 0")


def test_new_inconclusive_exits_2_but_a_failing_one_going_inconclusive_does_not() -> None:
    old = _doc([_chk(S1, "a", "PASS"), _chk(S1, "b", "FAIL", reqs=("R-2",))])
    new = _doc([_chk(S1, "a", "ERROR"), _chk(S1, "b", "INCONCLUSIVE", reqs=("R-2",))])
    c = _cmp(old, new)
    assert _ids(c, NEW_INCONCLUSIVE) == [f"{S1}/a"] and _ids(c, CHANGE) == [f"{S1}/b"]
    assert c.exit_code() == 2 and "1 newly INCONCLUSIVE/ERROR" in c.gate_text()
    interrupted = _doc([_chk(S1, "a", "PASS"), _chk(S1, "b", "FAIL", reqs=("R-2",))], interrupted=True)
    assert _cmp(old, interrupted).exit_code() == 2


def test_appeared_and_disappeared_checks_and_not_compared_requirements() -> None:
    old = _doc([_chk(S1, "a", "PASS"), _chk(S1, "gone", "FAIL", reqs=("R-9",))], {"R-2": "NOT SELECTED"})
    new = _doc([_chk(S1, "a", "PASS"), _chk(S2, "new-pass", "PASS", reqs=("R-3",)),
                _chk(S2, "new-fail", "FAIL", reqs=("R-2",))], {"R-9": "NOT TESTED"})
    c = _cmp(old, new)
    assert _ids(c, APPEARED) == [f"{S2}/new-pass"] and _ids(c, DISAPPEARED) == [f"{S1}/gone"]
    assert _ids(c, REGRESSION) == [f"{S2}/new-fail"] and c.of(REGRESSION)[0].old is None  # not run before
    # R-2 (NOT SELECTED before) and R-9 (NOT TESTED now) are not compared; R-3 is absent from OLD
    assert c.of(REGRESSION, "requirement") == () and c.of(FIX, "requirement") == ()
    assert c.not_compared == 3
    assert c.exit_code() == 1


def test_instance_distinguishes_repeated_checks() -> None:
    def run(first: str, second: str, swap: bool = False) -> dict[str, Any]:
        checks = [_chk(S2, "key-usage", first, "certificate 1 (VNFCI_certificate)"),
                  _chk(S2, "key-usage", second, "certificate 2 (VNFCI_certificate)")]
        return _doc(checks[::-1] if swap else checks)

    c = _cmp(run("PASS", "PASS"), run("PASS", "FAIL", swap=True))
    assert _ids(c, REGRESSION) == [f"{S2}/key-usage[certificate 2 (VNFCI_certificate)]"]
    assert c.of(REGRESSION, "check")[0].instance == "certificate 2 (VNFCI_certificate)"
    assert not c.of(APPEARED) and not c.of(DISAPPEARED) and not c.of(CHANGE)
    same = [_chk(S1, "register-invalid-rejected", v) for v in ("PASS", "PASS")]  # same triple twice: ordinals
    twice = _cmp(_doc(same), _doc([same[0], _chk(S1, "register-invalid-rejected", "FAIL")]))
    assert _ids(twice, REGRESSION) == [f"{S1}/register-invalid-rejected #2"]


def test_reads_nfvct_results_1_and_matches_its_checks_without_instances() -> None:
    old = _doc([_chk(S2, "key-usage", "PASS"), _chk(S2, "key-usage", "PASS")], v1=True, seed=7)
    parsed = parse_results(old, "v1.json")
    assert not parsed.instances and parsed.run.role == "" and parsed.run.selection == ""
    new = _doc([_chk(S2, "key-usage", "PASS", "certificate 1"), _chk(S2, "key-usage", "FAIL", "certificate 2")])
    c = _cmp(old, new)
    assert _ids(c, REGRESSION) == [f"{S2}/key-usage[certificate 2]"] and not c.of(APPEARED)
    assert any("nfvct-results/1" in d for d in c.differences) and any(d.startswith("seed 7 -> 1")
                                                                       for d in c.differences)
    assert not any(d.startswith(("role", "selection")) for d in c.differences)  # not recorded in /1


def test_says_how_the_runs_differ() -> None:
    old = _doc([_chk(S1, "a", "PASS")])
    new = _doc([_chk(S1, "a", "PASS")], sut="ACME CMF 2", version="0.2.0", role="SM",
               selection={"pattern": "C.2", "requirements": [], "checks": [], "text": "-k 'C.2'"})
    differences = _cmp(old, new).differences
    assert [d.split()[0] for d in differences] == ["SUT", "role", "selection", "harness"]
    assert _cmp(old, copy.deepcopy(old)).differences == ()


def _write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("{not json", "not JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    ({"hello": 1}, "not an nfvct results.json"),
    ([1, 2], "not an nfvct results.json"),
    ({"schema": "nfvct-results/9"}, "nfvct-results/9 is not a schema this nfvct reads"),
    ({"schema": "nfvct-results/2"}, "malformed nfvct-results/2: missing key 'run'"),
    ("BAD-VERDICT", "malformed nfvct-results/2"),
])
def test_bad_files_are_one_line_value_errors_naming_the_path(tmp_path: Path, content: Any, message: str) -> None:
    path = tmp_path / "results.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "BAD-VERDICT":
        doc = _doc([_chk(S1, "a", "PASS")])
        doc["scenarios"][0]["checks"][0]["verdict"] = "MAYBE"
        _write(path, doc)
    elif content is not None:
        _write(path, content)
    with pytest.raises(ValueError) as info:
        load_results(path)
    text = str(info.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_a_report_folder_stands_for_its_results_json(tmp_path: Path) -> None:
    _write(tmp_path / "results.json", _doc([_chk(S1, "a", "PASS")]))
    assert load_results(tmp_path).run.path == str(tmp_path / "results.json")
    with pytest.raises(ValueError, match="a folder without results.json"):
        load_results(tmp_path / "..")


def test_diff_cli_exit_codes_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = _write(tmp_path / "clean.json", _doc([_chk(S1, "register-conflict", "PASS")]))
    failing = _write(tmp_path / "fail.json", _doc([_chk(S1, "register-conflict", "FAIL", observed="HTTP 201")]))
    unsure = _write(tmp_path / "unsure.json", _doc([_chk(S1, "register-conflict", "INCONCLUSIVE")]))
    assert main(["diff", str(clean), str(failing)]) == 1
    out = capsys.readouterr().out
    assert f"REGRESSION  {S1}/register-conflict  PASS -> FAIL  HTTP 201" in out
    assert "REGRESSION  R-1" in out and out.rstrip().endswith("1 new FAIL -> exit 1")
    assert main(["diff", str(failing), str(clean)]) == 0
    assert "FIXED" in capsys.readouterr().out
    assert main(["diff", str(clean), str(unsure)]) == 2
    assert "NEW INC/ERR" in capsys.readouterr().out
    assert main(["diff", str(failing), str(failing), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["checks"]["still_failing"] == 1 and data["exit_code"] == 0
    assert data["still_failing"][1]["id"] == f"{S1}/register-conflict"
    assert main(["diff", str(clean), str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.json: no such file" in err


def test_diff_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["diff", "only-one.json"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and err.startswith("nfvct diff: ")
    assert "Traceback" not in err


def _baseline_of(changes: dict[str, str]) -> dict[str, Any]:
    """sample_result()'s results.json with some checks' verdicts changed (requirements re-aggregated)."""
    doc = json.loads(json.dumps(results_dict(sample_result())))
    for holder in doc["scenarios"] + doc["requirements"]:
        for check in holder["checks"]:
            check["verdict"] = changes.get(check["check"], check["verdict"])
    for req in doc["requirements"]:
        if req["checks"]:
            req["verdict"] = V.worst([V(c["verdict"]) for c in req["checks"]]).value
    return doc


def test_results_json_and_html_carry_the_comparison_only_with_a_baseline() -> None:
    plain = sample_result()
    assert results_dict(plain)["comparison"] is None
    assert 'id="comparison"' not in render_html(plain)
    # in the baseline the duplicate-registration check PASSed (now FAIL) and the delegate check FAILed (now PASS)
    baseline = parse_results(_baseline_of({"register-duplicate-conflict": "PASS", "delegate-verified": "FAIL"}),
                             "base/results.json")
    compared = with_baseline(plain, baseline)
    assert compared.comparison is not None and compared.comparison.exit_code() == 1
    data = json.loads(json.dumps(results_dict(compared)))
    assert validation_errors(data, RESULTS_JSON_SCHEMA) == []
    assert validation_errors(json.loads(json.dumps(results_dict(plain))), RESULTS_JSON_SCHEMA) == []
    assert data["comparison"]["baseline"]["path"] == "base/results.json" and data["comparison"]["new"]["path"] == ""
    assert [e["id"] for e in data["comparison"]["regressions"]] == [
        "SOL023:5.6.3.3.3.1:conflict", "C.2.2.1[VNFCI]/register-duplicate-conflict"]
    page = render_html(compared)
    section = page[page.index('<section id="comparison">'):]
    section = section[:section.index("</section>")]
    assert section.index("Regressions") < section.index("Fixes") and "Compared with baseline" in section
    assert "base/results.json: 1 new FAIL, 0 known FAIL still failing, 1 fixed -&gt; exit 1" in section
    hrefs = [part.split('"')[0] for part in section.split('href="#')[1:]]
    assert hrefs and all(f'id="{h}"' in page for h in hrefs)  # every row links to an anchor of the page
    assert page.index('id="findings"') < page.index('id="comparison"') < page.index('id="bindings"')


def nfvct(*args: str) -> subprocess.CompletedProcess[str]:
    """`nfvct` as a user runs it (a subprocess: real exit code, real stderr)."""
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)


def test_run_with_a_bad_baseline_runs_nothing(tmp_path: Path) -> None:
    bad = _write(tmp_path / "old.json", "[]")
    out = tmp_path / "out"
    proc = nfvct("run", "-k", "C.2.2.1[", "--baseline", str(bad), "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"nfvct: {bad}: not an nfvct results.json (no \"schema\": \"nfvct-results/N\")"
    assert not (out / "results.json").exists()


def test_run_baseline_gates_on_new_fails_only(tmp_path: Path) -> None:
    """Clean run, then the fault as a new FAIL (gate 1), then the same fault against that run (known: gate 0)."""
    args = ["run", "-k", "C.2.2.1[", "--seed", "1"]
    fault = ["--fault", "register-no-conflict"]
    proc = nfvct(*args, "--out", str(tmp_path / "a"))
    assert proc.returncode == 0, proc.stderr
    proc = nfvct(*args, *fault, "--baseline", str(tmp_path / "a"), "--out", str(tmp_path / "b"))
    assert proc.returncode == 1, proc.stderr
    gate = f"baseline {tmp_path / 'a' / 'results.json'}: 1 new FAIL, 0 known FAIL still failing, 0 fixed -> exit 1"
    lines = proc.stderr.splitlines()
    outcome = "Not conformant: 1 requirement failed (exit 1 without the baseline)"
    assert lines[lines.index(outcome) + 1] == gate  # after the outcome
    proc = nfvct(*args, *fault, "--baseline", str(tmp_path / "b" / "results.json"), "--out", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    assert "(exit 1 without the baseline)" in proc.stderr and "0 new FAIL, 1 known FAIL still failing, 0 fixed -> exit 0" in proc.stderr
    results = json.loads((tmp_path / "c" / "results.json").read_text())
    assert validation_errors(results, RESULTS_JSON_SCHEMA) == []
    assert results["outcome"]["exit_code"] == 1 and results["comparison"]["exit_code"] == 0
    assert [e["id"] for e in results["comparison"]["still_failing"]] == [
        "SOL023:5.6.3.3.3.1:conflict", "C.2.2.1[VNFCI]/register-conflict"]
    assert 'id="comparison"' in (tmp_path / "c" / "index.html").read_text()
    assert 'id="comparison"' not in (tmp_path / "a" / "index.html").read_text()
