"""The Locust side of the direct-scale-out workload: each user is one simulated VNFM operator that instantiates a
VNF with K VNFCs, then scales it out by K VNFCs at a time (a new VNF every MAX_VNFCS_PER_VNF), until the count
bound (vnfcis) or the time bound ends the run. The VNFM itself, CA-1 and the VNFCIs run in the `nfvct load`
process (harness/load/direct_ops.py); a user drives them through the loopback control API and records one
``provision`` sample per VNFCI (notification sent -> configuration received at the VNFCI, judged there).
Imported only in the Locust processes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
from locust import User, constant, task
from locust.exception import StopUser

from harness.load.acme_users import user_class as other_user_class
from harness.load.direct_ops import CONTROL_FILE
from harness.load.operations import Sample
from harness.load.users import Collector, Share, record
from harness.load.workloads import Workload

MAX_VNFCS_PER_VNF = 100  # Query VNF returns every VNFC of the VNF: keep each answer small
CONTROL_MARGIN = 30.0  # seconds beyond the provision wait the control API may take to answer


class VnfOperatorUser(User):
    """Instantiates and scales out VNFs at the harness's VNFM; the CMF under test provisions their VNFCIs."""

    share: Share | None = None  # set by harness/load/engine.py before the run
    collector: Collector | None = None
    work: Path | None = None  # the run's work folder (plan["work"]), where the control API's URL is
    wait_time = constant(0)

    def on_start(self) -> None:
        assert self.share is not None and self.work is not None
        w = self.share.workload
        self.url = json.loads((self.work / CONTROL_FILE).read_text())["url"] + "/load/v1/operations"
        self.http = httpx.Client(timeout=w.provision_wait_seconds + CONTROL_MARGIN)
        self.vnf, self.size = "", 0

    def on_stop(self) -> None:
        self.http.close()

    def _record(self, sample: Sample) -> None:
        assert self.collector is not None
        record(self.environment, self.collector, sample, "DIRECT")

    @task
    def work_once(self) -> None:
        share, collector = self.share, self.collector
        assert share is not None and collector is not None
        if time.time() > share.deadline or not share.left:
            raise StopUser()
        k = max(1, share.workload.vnfcs_per_vnf)
        taken = [v.index for v in (share.take() for _ in range(min(k, share.left))) if v is not None]
        if not taken:
            raise StopUser()
        if self.size + len(taken) > MAX_VNFCS_PER_VNF:
            self.vnf, self.size = "", 0
        for sample in self._operate(taken):
            self._record(sample)
        for _ in taken:
            share.first_phase_done(None)
        collector.done += len(taken)

    def _operate(self, indices: list[int]) -> list[Sample]:
        started = time.perf_counter()
        try:
            response = self.http.post(self.url, json={"vnf": self.vnf, "indices": indices})
            data: dict[str, Any] = response.json()
            if response.status_code != 200:
                raise ValueError(f"control API answered {response.status_code}: {data}")
        except (httpx.HTTPError, ValueError) as exc:  # the harness's own actor failed: an error, never a FAIL
            ms = (time.perf_counter() - started) * 1000
            return [Sample("provision", time.time(), ms, "error", f"harness error · {type(exc).__name__}",
                           str(exc)[:300]) for _ in indices]
        self.vnf = str(data.get("vnf", ""))
        self.size += len(indices)
        return [Sample(**s) for s in data["samples"]]


def user_class(workload: Workload) -> type[User]:
    """The Locust user of a workload: a VNF operator for direct-scale-out, else as harness/load/acme_users.py."""
    return VnfOperatorUser if workload.direct else other_user_class(workload)
