"""Results are never lost: `nfvct run` writes results.json and junit.xml after every scenario, and SIGTERM
stops it as Ctrl-C does (every report written, exit 2), keeping the verdicts of what finished."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reports.results_json import RESULTS_JSON_SCHEMA
from reports.schema_check import validation_errors

ROOT = Path(__file__).parent.parent


def _start(out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "harness.cli", "run", "--out", str(out), "--seed", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finished(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in doc["scenarios"] if not s["reason"].startswith("not run")]


def _wait_for_scenarios(proc: subprocess.Popen[str], out: Path, count: int, deadline: float = 90) -> dict[str, Any]:
    """The partial results.json once it shows ``count`` finished scenarios (atomic writes: never half a file)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        assert proc.poll() is None, f"the run ended early: {proc.communicate()}"
        path = out / "results.json"
        if path.is_file():
            doc = json.loads(path.read_text())
            if len(_finished(doc)) >= count:
                return doc
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"no {count} finished scenarios in {out / 'results.json'} within {deadline} s")


def test_sigterm_writes_every_report_with_what_finished(tmp_path: Path) -> None:
    proc = _start(tmp_path)
    try:
        partial = _wait_for_scenarios(proc, tmp_path, 2)
        assert partial["run"]["interrupted"] is True and partial["outcome"]["exit_code"] == 2  # never exit 0 early
        assert "in progress" in partial["outcome"]["text"]
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 2, stderr
    assert all((tmp_path / name).is_file() for name in ("index.html", "results.json", "junit.xml")), stderr
    doc = json.loads((tmp_path / "results.json").read_text())
    assert not validation_errors(doc, RESULTS_JSON_SCHEMA)
    assert doc["run"]["interrupted"] is True
    assert doc["outcome"]["exit_code"] == 2 and "interrupted (SIGTERM)" in doc["outcome"]["text"]
    done = _finished(doc)
    assert len(done) >= 2 and [s["id"] for s in done] == [s["id"] for s in doc["scenarios"][:len(done)]]
    earlier = {s["id"]: s["verdict"] for s in _finished(partial)}
    assert all(s["verdict"] == "PASS" for s in done if s["id"] in earlier) and set(earlier) <= {s["id"] for s in done}
    rest = doc["scenarios"][len(done):]
    assert rest and all(s["verdict"] == "INCONCLUSIVE" and s["reason"] == "not run: the run was interrupted "
                        "(SIGTERM)" for s in rest)
    assert any(r["verdict"] == "PASS" for r in doc["requirements"])  # not NOT TESTED for all
    assert "interrupted (SIGTERM)" in stderr


def test_sigkill_leaves_the_results_of_the_finished_scenarios(tmp_path: Path) -> None:
    proc = _start(tmp_path)
    try:
        _wait_for_scenarios(proc, tmp_path, 2)
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert validation_errors(doc, RESULTS_JSON_SCHEMA) == []
    assert doc["run"]["interrupted"] is True and doc["outcome"]["exit_code"] == 2
    done = _finished(doc)
    assert len(done) >= 2 and all(s["verdict"] == "PASS" for s in done)
    assert all(s["verdict"] == "INCONCLUSIVE" and s["reason"].startswith("not run yet")
               for s in doc["scenarios"][len(done):])
    assert (tmp_path / "junit.xml").is_file() and not (tmp_path / "index.html").exists()
