"""`nfvct load --workload direct-scale-out` (issue 15 item 1, direct mode): the harness's VNFM instantiates and scales
out VNFs K VNFCs at a time against the reference CMF out of process; every VNFCI's provisioning (registration at
CA-1, configuration at the VNFCI) is judged by the direct-mode checks; a wrong answer under load is incorrect
(exit 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.load.direct_ops import DirectLoad, judge_direct
from harness.load.judge import LoadVerdict
from harness.load.workloads import WorkloadError, _workload, workload
from simulators.direct.vnfci import ConfigReceived

CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
pytestmark = pytest.mark.timeout(120)


def _load(out: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run([sys.executable, "-c", CLI, "load", "--out", str(out), "--workload", "direct-scale-out",
                           "--seconds", "60", *args], check=False, capture_output=True, text=True, timeout=110)
    data = json.loads((out / "load.json").read_text()) if (out / "load.json").exists() else {}
    return done.returncode, data, done.stderr


def _checks(data: dict[str, Any]) -> dict[str, list[str]]:
    return {f["check"]: f["requirements"] for s in data["findings"] for f in s.get("findings", ())}


def test_direct_scale_out_smoke_every_vnfci_provisioned(tmp_path: Path) -> None:
    code, data, err = _load(tmp_path, "--vnfcis", "30", "--concurrency", "3")
    assert code == 0, err[-2000:]
    provision = next(o for o in data["operations"] if o["name"] == "provision")
    assert provision["count"] == provision["ok"] == 30 and provision["incorrect"] == provision["errors"] == 0
    assert provision["p50_ms"] > 0 and data["vnfcis_enrolled"] == 30 and data["throughput_per_s"] > 0
    direct = data["machine"]["direct"]
    # 30 VNFCs, half vdu-app and half vdu-oam: two identities each, every one registered once and configured
    assert direct["vnfcs_started"] == direct["vnfcs_configured"] == 30
    assert direct["end_entities_registered"] == 60 and direct["subscriptions"] == 1
    assert direct["operations"] >= 3  # K = 10: each of the 3 users instantiated, some scaled out
    assert data["outcome"]["exit_code"] == 0 and not data["findings"]
    assert sorted(p.name for p in tmp_path.glob("locust_*.csv"))


@pytest.mark.parametrize(("fault", "check", "requirements"), [
    ("direct-first-identity-only", "direct-identities-registered", ["Cmf.CertLcm.001", "IFA026:C.2.1.1.6:register"]),
    ("direct-oam-as-vnfci", "direct-ca-selected", ["Cmf.CertLcm.004"]),
])
def test_wrong_provisioning_under_load_is_incorrect_and_exit_1(tmp_path: Path, fault: str, check: str,
                                                                requirements: list[str]) -> None:
    code, data, err = _load(tmp_path, "--vnfcis", "20", "--concurrency", "2", "--fault", fault)
    assert code == 1, err[-2000:]
    provision = next(o for o in data["operations"] if o["name"] == "provision")
    assert provision["incorrect"] > 0 and data["outcome"]["incorrect"] > 0
    assert _checks(data)[check] == requirements


def test_a_vnfci_configured_twice_under_load_is_incorrect_and_exit_1(tmp_path: Path) -> None:
    """The reference's fault direct-configure-twice: every provisioning looks right one by one; the run-level check
    direct-configured-once FAILs it."""
    code, data, err = _load(tmp_path, "--vnfcis", "10", "--concurrency", "2", "--fault", "direct-configure-twice")
    assert code == 1, err[-2000:]
    assert any(f.get("check") == "direct-configured-once" and f["count"] == 10 for f in data["findings"])


def test_a_vnfc_never_started_provisioned_under_load_is_incorrect_and_exit_1(tmp_path: Path) -> None:
    """The reference's fault direct-provision-phantom registers and configures a VNFC the VNF does not have: the
    run-level check direct-registered-started-only FAILs it, and direct-configured-once too (the phantom's
    configuration arrives at the real VNFCI's configuration endpoint, the only one the CMF knows)."""
    code, data, err = _load(tmp_path, "--vnfcis", "10", "--concurrency", "2", "--fault", "direct-provision-phantom")
    assert code == 1, err[-2000:]
    found = {f.get("check"): f.get("count") for f in data["findings"]}
    assert found.get("direct-registered-started-only") == 10 and found.get("direct-configured-once") == 10


@dataclass
class _Vnfci:
    received: list[ConfigReceived] = field(default_factory=list)


@dataclass
class _Ca:
    registrations: list[tuple[dict[str, Any], int, int]] = field(default_factory=list)


@dataclass
class _Vnfm:
    requests: list[Any] = field(default_factory=list)
    subscriptions: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Actors:
    vnfci: _Vnfci
    ca: _Ca
    vnfm: _Vnfm


def _config(vnfc: str) -> ConfigReceived:
    return ConfigReceived(vnfc, {"identities": []}, 1, datetime.now(UTC))


def test_run_level_checks_fail_on_duplicates_and_strays() -> None:
    w = workload("direct-scale-out")
    clean = DirectLoad(_Actors(_Vnfci([_config("a")]), _Ca([({"entityId": "a/tls-server"}, 201, 1)]), _Vnfm()),  # type: ignore[arg-type]
                       w, "00")
    clean.started = {"a": "vdu-app"}
    verdict = LoadVerdict()
    judge_direct(clean, verdict)
    assert verdict.incorrect == 0 and verdict.exit_code == 0
    bad = DirectLoad(_Actors(_Vnfci([_config("a"), _config("a"), _config("ghost")]),  # type: ignore[arg-type]
                             _Ca([({"entityId": "a/x"}, 201, 1), ({"entityId": "a/x"}, 409, 2),
                                  ({"entityId": "ghost/x"}, 201, 3)]), _Vnfm()), w, "00")
    bad.started = {"a": "vdu-app"}
    verdict = LoadVerdict()
    judge_direct(bad, verdict)
    assert {f["check"] for f in verdict.findings} == {"direct-configured-once", "direct-configured-started-only",
                                                      "direct-registered-started-only"}
    assert verdict.exit_code == 1


def test_direct_workload_file_and_bounds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w = workload("direct-scale-out", vnfcis=40)
    assert w.direct and w.vnfcis == 40 and w.vnfcs_per_vnf == 10 and w.vdus == ("vdu-app", "vdu-oam")
    with pytest.raises(WorkloadError, match="vnfcs_per_vnf"):
        _workload("x", {"operations": ["provision"], "vnfcs_per_vnf": 0}, tmp_path / "w.toml")
    code = main(["load", "--out", str(tmp_path / "o"), "--workload", "direct-scale-out", "--remote-workers", "1",
                 "--master-bind", "0.0.0.0"])
    assert code == 2 and "loopback control API" in capsys.readouterr().err
