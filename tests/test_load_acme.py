"""`nfvct load --workload acme` (issue 15 item 1): NFV-MANO entities ordering certificates over ACME from the
reference CMF out of process, every answer judged by the C.4 checks; a wrong certificate or an unvalidated
challenge under load is incorrect (exit 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.cli import main
from harness.load.acme_ops import classify_acme, new_entity
from harness.load.workloads import WorkloadError, _workload, workload

CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
pytestmark = pytest.mark.timeout(120)


def _load(out: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run([sys.executable, "-c", CLI, "load", "--out", str(out), "--workload", "acme",
                           "--seconds", "60", *args], capture_output=True, text=True, timeout=110)
    data = json.loads((out / "load.json").read_text()) if (out / "load.json").exists() else {}
    return done.returncode, data, done.stderr


def _ops(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in data["operations"]}


def _checks(data: dict[str, Any]) -> dict[str, list[str]]:
    return {f["check"]: f["requirements"] for s in data["findings"] for f in s.get("findings", ())}


def test_acme_orders_smoke_every_answer_correct(tmp_path: Path) -> None:
    code, data, err = _load(tmp_path, "--vnfcis", "30", "--concurrency", "4")
    assert code == 0, err
    ops = _ops(data)
    assert set(ops) == {"acme-register", "acme-account", "acme-order"}
    assert ops["acme-register"]["ok"] == ops["acme-account"]["ok"] == 4  # one entity (account) per user
    assert ops["acme-order"]["count"] == ops["acme-order"]["ok"] == 30 == data["vnfcis_enrolled"]
    assert data["outcome"] == {"text": "PASS: every answer correct", "exit_code": 0, "incorrect": 0, "errors": 0,
                               "complete": True}
    assert data["throughput_per_s"] > 0 and ops["acme-order"]["p95_ms"] >= ops["acme-order"]["p50_ms"] > 0
    html = (tmp_path / "load.html").read_text()
    assert "ACME orders" in html and "orders/s" in html and "acme-order" in (tmp_path / "locust_stats.csv").read_text()


def test_a_certificate_for_another_key_under_load_is_incorrect(tmp_path: Path) -> None:
    """acme-cert-wrong-key: the reference has every certificate issued for a key of its own, not the CSR's."""
    code, data, err = _load(tmp_path, "--vnfcis", "5", "--concurrency", "2", "--fault", "acme-cert-wrong-key")
    assert code == 1, err
    assert _ops(data)["acme-order"]["incorrect"] == 5 == data["outcome"]["incorrect"]
    assert _checks(data) == {"mano-cert-binds-key": ["RFC8555:7.4:csr-key"]}


def test_an_unvalidated_tls_alpn_challenge_under_load_is_incorrect(tmp_path: Path) -> None:
    """acme-skip-validation: the CMF marks the challenge valid without connecting to the entity's responder (one
    user: an NFVO, which answers tls-alpn-01 as C.4.1 does)."""
    code, data, err = _load(tmp_path, "--vnfcis", "3", "--concurrency", "1", "--fault", "acme-skip-validation")
    assert code == 1, err
    assert _ops(data)["acme-order"]["incorrect"] == 3
    assert _checks(data) == {"acme-tls-alpn-validated": ["RFC8737:3:tls-alpn-01"]}


def test_a_refused_order_is_an_error_classified_by_problem_type(tmp_path: Path) -> None:
    code, data, err = _load(tmp_path, "--vnfcis", "2", "--concurrency", "1", "--fault", "acme-neworder-500")
    assert code == 2, err
    assert data["errors"] == [{"operation": "acme-order", "outcome": "error", "kind": "HTTP 500 · serverInternal",
                               "count": 2}]


def test_classify_and_entities() -> None:
    problem = httpx.Response(403, json={"type": "urn:ietf:params:acme:error:unauthorized"})
    assert classify_acme(problem) == "HTTP 403 · unauthorized"
    assert "no problem document" in classify_acme(httpx.Response(500, text="boom"))
    both = ("tls-alpn-01", "tkauth-01")
    assert [(e.role, e.wanted) for e in (new_entity("r", i, "mano.test", both) for i in range(3))] == [
        ("NFVO", "tls-alpn-01"), ("VNFM", "tkauth-01"), ("VIM", "tls-alpn-01")]
    assert new_entity("r", 0, "mano.test", ("tkauth-01",)).wanted == "tkauth-01"


def test_acme_workload_shape_and_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert workload("acme").acme and not workload("scale-out").acme
    with pytest.raises(WorkloadError, match="acme-order"):
        _workload("mixed", {"operations": ["register", "enrol", "acme-order"]}, Path("w.toml"))
    code = main(["load", "--out", str(tmp_path / "o"), "--workload", "acme", "--workers", "2", "--concurrency", "4"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--workers" in err and "Traceback" not in err


def test_a_profile_without_acme_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from harness.env_cmf import init_cmf

    profile = init_cmf(tmp_path / "env")
    text = profile.read_text()
    start = text.index("\n[pixit.acme]")
    end = text.index("\n[", start + 1)
    profile.write_text(text[:start] + text[end:])
    code = main(["load", "--profile", str(profile), "--workload", "acme", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("nfvct: pixit.acme") and "Traceback" not in "\n".join(err)
