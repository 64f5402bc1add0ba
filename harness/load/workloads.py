"""`nfvct load` workloads as data: harness/data/workloads.toml, one table per workload (see the file's header)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

WORKLOADS_FILE = Path(__file__).resolve().parent.parent / "data" / "workloads.toml"
OPERATIONS = ("register", "enrol", "renew", "revoke")  # delegation mode (VNFCIs over CMP)
ACME = ("acme-order",)  # the acme workload: NFV-MANO entities ordering over ACME (IFA026 C.4)
DIRECT = ("provision",)  # direct-scale-out: VNF LCM notifications -> the CMF provisions VNFCIs (IFA026 C.2.1.1)
WAVES = ("renew", "revoke")  # operations a workload runs as a second phase, once every VNFCI is enrolled
MAX_VNFCIS = 1_000_000
MAX_SECONDS = 24 * 3600.0
MAX_CONCURRENCY = 2000


class WorkloadError(ValueError):
    """A workload file or a command-line override that cannot run; the message names what to fix."""


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    operations: tuple[str, ...]
    vnfcis: int
    seconds: float
    concurrency: int
    rate_per_s: float = 0.0  # 0: as fast as the CMF allows
    implicit_confirm: bool = False
    subscribers: int = 0
    notify_wait_seconds: float = 60.0
    notify_quiet_seconds: float = 2.0
    cert_type: str = "VNFCI_certificate"
    vnfcs_per_vnf: int = 10  # direct: K VNFCs per instantiation / scale out
    vdus: tuple[str, ...] = ("vdu-app",)  # direct: the VDU of VNFC i is vdus[i % len(vdus)] (operator policy)
    provision_wait_seconds: float = 10.0  # direct: how long every VNFCI of an operation may take to be configured

    @property
    def acme(self) -> bool:
        """NFV-MANO entities ordering over ACME (harness/load/acme_users.py), not VNFCIs over CMP."""
        return self.operations == ACME

    @property
    def direct(self) -> bool:
        """VNF LCM operations at the harness's VNFM, the CMF provisioning VNFCIs (harness/load/direct_users.py)."""
        return self.operations == DIRECT

    @property
    def wave(self) -> str | None:
        """The second-phase operation (renew or revoke), if any."""
        return next((op for op in self.operations if op in WAVES), None)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "operations": list(self.operations)}


def load_workloads(path: Path = WORKLOADS_FILE) -> dict[str, Workload]:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WorkloadError(f"{path}: cannot read the workloads: {exc}") from None
    return {name: _workload(name, table, path) for name, table in data.items()}


def _workload(name: str, table: Any, path: Path) -> Workload:
    where = f"{path} [{name}]"
    if not isinstance(table, dict):
        raise WorkloadError(f"{where}: expected a table")
    known = set(Workload.__dataclass_fields__) - {"name"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise WorkloadError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    ops = tuple(table.get("operations", ()))
    if ops not in (ACME, DIRECT) and (not ops or any(op not in OPERATIONS for op in ops) or ops[:2] != ("register", "enrol")):
        raise WorkloadError(f"{where}.operations: must be [\"acme-order\"], [\"provision\"], or start with register, enrol (then at "
                            f"most one of {', '.join(WAVES)}), got {list(ops)}")
    if len(ops) > 3:
        raise WorkloadError(f"{where}.operations: at most one wave operation ({', '.join(WAVES)})")
    try:
        workload = Workload(name=name, description=str(table.get("description", "")), operations=ops,
                            vnfcis=int(table.get("vnfcis", 100)), seconds=float(table.get("seconds", 600)),
                            concurrency=int(table.get("concurrency", 4)),
                            rate_per_s=float(table.get("rate_per_s", 0.0)),
                            implicit_confirm=bool(table.get("implicit_confirm", False)),
                            subscribers=int(table.get("subscribers", 0)),
                            notify_wait_seconds=float(table.get("notify_wait_seconds", 60.0)),
                            notify_quiet_seconds=float(table.get("notify_quiet_seconds", 2.0)),
                            cert_type=str(table.get("cert_type", "VNFCI_certificate")),
                            vnfcs_per_vnf=int(table.get("vnfcs_per_vnf", 10)),
                            vdus=tuple(str(v) for v in table.get("vdus", ("vdu-app",))),
                            provision_wait_seconds=float(table.get("provision_wait_seconds", 10.0)))
    except (TypeError, ValueError) as exc:
        raise WorkloadError(f"{where}: {exc}") from None
    return validated(workload, where)


def validated(w: Workload, where: str) -> Workload:
    if not 1 <= w.vnfcis <= MAX_VNFCIS:
        raise WorkloadError(f"{where}: vnfcis must be 1-{MAX_VNFCIS}, got {w.vnfcis}")
    if not 0 < w.seconds <= MAX_SECONDS:
        raise WorkloadError(f"{where}: seconds must be in (0, {MAX_SECONDS:g}], got {w.seconds:g}")
    if not 1 <= w.concurrency <= MAX_CONCURRENCY:
        raise WorkloadError(f"{where}: concurrency must be 1-{MAX_CONCURRENCY}, got {w.concurrency}")
    if w.rate_per_s < 0 or not 0 <= w.subscribers <= 100:
        raise WorkloadError(f"{where}: rate_per_s must be >= 0 and subscribers 0-100")
    if w.subscribers and w.wave != "revoke":
        raise WorkloadError(f"{where}: subscribers only make sense with the revoke operation")
    if not 1 <= w.vnfcs_per_vnf <= 100 or not w.vdus or not 0 < w.provision_wait_seconds <= 600:
        raise WorkloadError(f"{where}: vnfcs_per_vnf must be 1-100, vdus non-empty, provision_wait_seconds "
                            "in (0, 600]")
    return w


def workload(name: str, *, vnfcis: int | None = None, concurrency: int | None = None,
             seconds: float | None = None, path: Path = WORKLOADS_FILE) -> Workload:
    """The named workload with the command line's overrides, validated."""
    known = load_workloads(path)
    if name not in known:
        raise WorkloadError(f"--workload {name}: unknown (known: {', '.join(known)})")
    w = known[name]
    w = replace(w, vnfcis=vnfcis if vnfcis is not None else w.vnfcis,
                concurrency=concurrency if concurrency is not None else w.concurrency,
                seconds=seconds if seconds is not None else w.seconds)
    return validated(w, f"--workload {name}")
