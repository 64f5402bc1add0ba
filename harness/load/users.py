"""The Locust side of `nfvct load`: one User class, a simulated VNFM working through VNFCIs, and the collector that
brings every answer's judgement to the master. Imported only in the Locust processes (harness/load/engine.py):
importing locust monkey-patches the process with gevent.

Work is shared out without a coordinator: worker ``w`` of ``W`` owns the VNFCI indices ``w, w + W, ...``; its users
take the next index from one per-worker queue (gevent is cooperative, no lock needed). A workload with a wave
(renew, revoke) enrols all of a worker's VNFCIs first, then every user of that worker runs the wave at once.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from gevent.event import Event
from locust import User, constant, constant_throughput, task
from locust.exception import StopUser

from harness.load.operations import LoadClient, Sample, Vnfci, enrol, new_vnfci, register, revoke, trust_of
from harness.load.workloads import Workload
from harness.profile import Profile

MAX_FINDINGS = 200  # incorrect answers kept in full per process (all are counted)


def record(environment: Any, collector: "Collector", sample: Sample, request_type: str) -> None:
    """One answer's sample: into this process's collector, and to Locust as a request (a failure when incorrect
    or an error, so its own statistics and CSV count them too)."""
    collector.add(sample)
    exception: Exception | None = None
    if sample.outcome == "incorrect":
        exception = IncorrectAnswer(sample.kind)
    elif sample.outcome == "error":
        exception = ErrorAnswer(sample.kind)
    environment.events.request.fire(request_type=request_type, name=sample.name, response_time=sample.ms,
                                    response_length=0, exception=exception, context={})


class IncorrectAnswer(Exception):
    """Locust's failure for an answer a check FAILs (its message is the failing check and what it saw)."""


class ErrorAnswer(Exception):
    """Locust's failure for a refusal or no answer (its message is the taxonomy key)."""


class Collector:
    """This process's share of the run: counts per second, taxonomy, findings, serials, revocations."""

    def __init__(self) -> None:
        self.reset()
        self.enrolled_total = 0

    def reset(self) -> None:
        self.buckets: dict[str, Counter[str]] = defaultdict(Counter)  # "name|outcome" -> {second: count}
        self.taxonomy: Counter[str] = Counter()  # "name|outcome|kind" -> count
        self.findings: list[dict[str, Any]] = []
        self.serials: list[str] = []
        self.revoked: list[tuple[str, float]] = []
        self.done = 0  # VNFCIs whose every operation ran

    def add(self, sample: Sample) -> None:
        self.buckets[f"{sample.name}|{sample.outcome}"][str(int(sample.at))] += 1
        if sample.outcome != "ok":
            self.taxonomy[f"{sample.name}|{sample.outcome}|{sample.kind}"] += 1
        if sample.outcome == "incorrect" and len(self.findings) < MAX_FINDINGS:
            self.findings.append(sample.to_json())

    def drain(self) -> dict[str, Any]:
        """Everything since the last drain, as JSON, for the master (Locust's report_to_master)."""
        data = {"buckets": {k: dict(v) for k, v in self.buckets.items()}, "taxonomy": dict(self.taxonomy),
                "findings": self.findings, "serials": self.serials, "revoked": self.revoked, "done": self.done}
        self.reset()
        return data

    def merge(self, data: dict[str, Any]) -> None:
        for key, counts in data.get("buckets", {}).items():
            self.buckets[key].update(counts)
        self.taxonomy.update(data.get("taxonomy", {}))
        self.findings.extend(data.get("findings", ())[: max(0, MAX_FINDINGS - len(self.findings))])
        self.serials.extend(data.get("serials", ()))
        self.revoked.extend(tuple(r) for r in data.get("revoked", ()))
        self.done += int(data.get("done", 0))


class Share:
    """The VNFCIs one Locust process works through, and the barrier between the enrolment and the wave."""

    def __init__(self, workload: Workload, profile: Profile, run_id: str, worker: int, workers: int,
                 deadline: float) -> None:
        self.workload, self.profile, self.deadline = workload, profile, deadline
        self.trust = trust_of(profile)
        indices = range(worker, workload.vnfcis, workers)
        self.size, self._indices, self._run_id = len(indices), iter(indices), run_id
        self.run_id = run_id
        self.left = self.size  # not yet taken (a VNFCI is made when a user takes it: steady's count is large)
        self.enrolled: list[Vnfci] = []
        self.first_phase_left = self.size
        self.wave_ready = Event()
        self.finished = Event()
        self.wave_left = 0
        if self.size == 0:
            self.wave_ready.set()
            self.finished.set()

    def take(self) -> Vnfci | None:
        index = next(self._indices, None)
        if index is None:
            return None
        self.left -= 1
        return new_vnfci(self._run_id, index, self.profile.pixit.san_domain)

    def first_phase_done(self, vnfci: Vnfci | None) -> None:
        self.first_phase_left -= 1
        if vnfci is not None:
            self.enrolled.append(vnfci)
        if self.first_phase_left == 0:
            self.wave_left = len(self.enrolled) if self.workload.wave else 0
            self.wave_ready.set()
            if not self.wave_left:
                self.finished.set()

    def wave_done(self) -> None:
        self.wave_left -= 1
        if self.wave_left <= 0:
            self.finished.set()


class VnfciUser(User):
    """A simulated VNFM (the harness's VnfmClient, untraced) registering and enrolling VNFCIs of its share."""

    share: Share | None = None  # set by harness/load/engine.py before the run
    collector: Collector | None = None
    wait_time = constant(0)

    def on_start(self) -> None:
        assert self.share is not None
        self.client = LoadClient(self.share.profile)

    def on_stop(self) -> None:
        self.client.close()

    def _record(self, sample: Sample) -> None:
        assert self.collector is not None
        record(self.environment, self.collector, sample, "CMP" if sample.name != "register" else "REST")

    @task
    def work(self) -> None:
        share, collector = self.share, self.collector
        assert share is not None and collector is not None
        if time.time() > share.deadline:
            raise StopUser()
        w = share.workload
        vnfci = share.take() if share.left else None
        if vnfci is not None:
            ok = self._first_phase(vnfci, w)
            share.first_phase_done(vnfci if ok else None)
            if ok:
                collector.serials.extend(vnfci.serials)
            if not w.wave:
                collector.done += 1
            return
        if not w.wave:
            raise StopUser()
        share.wave_ready.wait(timeout=max(0.0, share.deadline - time.time()))
        if not share.enrolled:
            raise StopUser()
        target = share.enrolled.pop()
        if w.wave == "renew":
            for sample in enrol(self.client, target, w.cert_type, share.trust, implicit=w.implicit_confirm,
                                name="renew"):
                self._record(sample)
            collector.serials.extend(target.serials[1:])
        else:
            self._record(revoke(self.client, target, w.cert_type, share.trust))
            collector.revoked.extend(target.revoked)
        collector.done += 1
        share.wave_done()

    def _first_phase(self, vnfci: Vnfci, w: Workload) -> bool:
        sample = register(self.client, vnfci, w.cert_type)
        self._record(sample)
        if sample.outcome == "error":
            return False
        assert self.share is not None
        samples = enrol(self.client, vnfci, w.cert_type, self.share.trust, implicit=w.implicit_confirm)
        for s in samples:
            self._record(s)
        return vnfci.cert is not None


def paced(workload: Workload) -> None:
    """The steady workload's fixed rate: each of C users starts rate/C VNFCIs per second."""
    if workload.rate_per_s > 0:
        VnfciUser.wait_time = constant_throughput(workload.rate_per_s / workload.concurrency)


def wait_finished(share: Share, seconds: float) -> bool:
    """Until this process's share is done or ``seconds`` passed (gevent-friendly); True when done."""
    return bool(share.finished.wait(timeout=max(0.0, seconds)))
