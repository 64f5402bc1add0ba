"""The `nfvct` command line, as a user runs it (subprocesses, real exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness.faults import faults_for

FAULTS = faults_for("cmf")


def nfvct(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=Path(__file__).parent.parent)


def test_faults_json_lists_every_fault_with_requirements() -> None:
    proc = nfvct("faults", "--json")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert [f["name"] for f in listed] == [f.name for f in FAULTS]
    for item in listed:
        assert set(item) == {"name", "requirements", "description"}
        assert item["requirements"] and item["description"]


def test_run_with_fault_exits_1_and_results_show_the_declared_fails(tmp_path: Path) -> None:
    fault = next(f for f in FAULTS if f.name == "skip-delegate-check")
    proc = nfvct("run", "--fault", fault.name, "--out", str(tmp_path), "--seed", "7", "-k", fault.only)
    assert proc.returncode == 1, proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    verdicts = {r["id"]: r["verdict"] for r in results["requirements"]}
    assert {i for i, v in verdicts.items() if v == "FAIL"} == set(fault.requirements)
    assert results["run"]["faults"] == [fault.name] and results["run"]["seed"] == 7
    assert (tmp_path / "index.html").is_file() and (tmp_path / "junit.xml").is_file()


def test_run_selects_with_k_and_reports_progress(tmp_path: Path) -> None:
    proc = nfvct("run", "-k", "C.2.2.1", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "[1/1] C.2.2.1[VNFCI]" in proc.stderr and "PASS" in proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert [s["id"] for s in results["scenarios"]] == ["C.2.2.1[VNFCI]"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert nfvct("run", "--fault", "no-such-fault", "--out", str(tmp_path)).returncode == 2
    assert nfvct("run", "-k", "no-such-scenario", "--out", str(tmp_path)).returncode == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[pixit]\napi_root = 3\n")
    proc = nfvct("run", "--profile", str(bad), "--out", str(tmp_path))
    assert proc.returncode == 2 and "pixit.api_root" in proc.stderr
    assert nfvct("show", "Cmf.CertLcm.999").returncode == 2


def test_list_and_show() -> None:
    listed = json.loads(nfvct("list", "--json").stdout)
    assert any(s["id"] == "C.2.2.2[VNFCI]" for s in listed)
    shown = nfvct("show", "CMF.Certm.Del.002")
    assert shown.returncode == 0
    assert "signing certificates and delivering certificate chains" in shown.stdout
    assert "cert-binds-csr-key" in shown.stdout and "wrong-public-key" in shown.stdout
