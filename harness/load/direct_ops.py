"""The direct-scale-out workload's harness side (IFA026 C.2.1.1 after an instantiation or a scale out), in the
`nfvct load` process outside Locust: the VNFM (VNF LCM API + notifications), CA-1 (end-entity registration) and the
VNFCIs' configuration endpoint, the same actors as a conformance run (simulators/direct/actors.py), plus a
loopback control API the Locust users drive them with.

``POST /load/v1/operations {"vnf": "" | vnfInstanceId, "indices": [int, ...]}``: the VNFM instantiates a new VNF
(or scales the given one out) with one VNFC per index, sends its VnfLcmOperationOccurrenceNotification, waits
(bounded by the workload's provision_wait_seconds) until every new VNFCI received a configuration, and answers
``{"vnf", "samples": [Sample.to_json(), ...]}``: one ``provision`` sample per VNFCI, its latency from the
notification sent to the configuration received, judged by the conformance run's direct-mode checks
(direct-vnf-queried, direct-identities-registered, direct-ca-selected, direct-vnfci-configured).

After the run, :func:`judge_direct` adds what only the whole run shows: each VNFCI configured and registered
exactly once, nothing configured or registered for a VNFCI that was not started, and only SOL023 clause 6
operations at the VNF LCM interface (direct-lcm-operations). Nothing here imports Locust."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.checks.registry import Observation
from harness.listeners import Listener, listen
from harness.load.actors import issuing_cas
from harness.load.judge import LoadVerdict
from harness.load.operations import Sample
from harness.load.verify import Judgement, run_checks
from harness.load.workloads import Workload
from harness.profile import Profile, ProfileError
from harness.trace import Trace
from simulators.ca import CaSimulator
from simulators.direct.actors import DirectActors, identity_fqdn, run_direct_actors
from simulators.direct.ca_direct import DirectCa
from simulators.direct.inventory import Vnfc, VnfInstance
from simulators.direct.vnfci import ConfigReceived
from wire.serve import TlsFiles

CONTROL_FILE = "direct-control.json"  # in the run's work folder: the control API's URL, for the Locust users
PER_VNFCI = ("direct-vnf-queried", "direct-identities-registered", "direct-ca-selected", "direct-vnfci-configured")
CONFIGURE = ("IFA026:C.2.1.1.6:configure", "Cmf.CertLcm.008")  # direct-vnfci-configured's requirements
REGISTER = ("Cmf.CertLcm.001", "IFA026:C.2.1.1.6:register")  # direct-identities-registered's
SUBSCRIBE_SECONDS = 20.0  # how long the CMF may take to subscribe at the VNFM before the load starts
POLL = 0.02
NEEDED = ("ca1", "vnfm_lcm", "attestation", "vnfci", "direct_cmp")
QUIET_SECONDS = 0.5  # after the run: how long the harness keeps listening for late duplicates


@dataclass
class DirectLoad:
    """The run's direct-mode actors, what the harness started, and the control API's handler."""

    actors: DirectActors
    workload: Workload
    run_id: str
    started: dict[str, str] = field(default_factory=dict)  # vnfcId -> vduId of every VNFC the VNFM started
    operations: int = 0
    _configs: dict[str, list[ConfigReceived]] = field(default_factory=dict)  # vnfcId -> received, in order
    _regs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # vnfcId -> accepted registrations
    _seen: list[int] = field(default_factory=lambda: [0, 0])  # how far the two lists above were indexed

    def _index(self) -> None:
        """Index what the VNFCIs' endpoint and CA-1 received since the last call (each list read once per run)."""
        received, registrations = self.actors.vnfci.received, self.actors.ca.registrations
        for c in received[self._seen[0]:len(received)]:
            self._configs.setdefault(c.vnfc_id, []).append(c)
        self._seen[0] = len(received)
        for body, status, _ in registrations[self._seen[1]:len(registrations)]:
            if status == 201:
                self._regs.setdefault(str(body.get("entityId", "")).partition("/")[0], []).append(body)
        self._seen[1] = len(registrations)

    def configured(self, vnfc_id: str) -> list[ConfigReceived]:
        self._index()
        return self._configs.get(vnfc_id, [])

    def vnfc_id(self, index: int) -> str:
        return f"vnfc-{index:06d}-{self.run_id}"

    def vdu(self, index: int) -> str:
        vdus = self.workload.vdus or ("vdu-app",)
        return vdus[index % len(vdus)]

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/load/v1/operations", self._operate, methods=["POST"])])

    async def _operate(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            indices = [int(i) for i in body["indices"]]
            vnf_id = str(body.get("vnf") or "")
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"expected {{vnf, indices}}: {exc}"}, status_code=400)
        inventory = self.actors.vnfm.inventory
        vnf = inventory.vnfs.get(vnf_id)
        operation = "SCALE" if vnf is not None else "INSTANTIATE"
        if vnf is None:
            vnf = VnfInstance(str(uuid.uuid4()), f"load-{self.run_id}-{len(inventory.vnfs)}", "vnfd-load",
                              "Load Gateway")
        added = [Vnfc(self.vnfc_id(i), self.vdu(i), self.actors.vnfci.endpoint(self.vnfc_id(i))) for i in indices]
        for v in added:
            self.started[v.id] = v.vdu_id
        vnf.vnfcs = [*vnf.vnfcs, *added]  # a new list: the VNFM's Query VNF reads it from its own thread
        vnf.instantiated = True
        inventory.vnfs[vnf.id] = vnf
        op = inventory.new_op(vnf, operation, [v.affected("ADDED") for v in added])
        self.operations += 1
        first_seq = self.actors.vnfm.trace.last_seq
        notified = time.time()
        answers = await anyio.to_thread.run_sync(self.actors.vnfm.notify, op)
        deadline = time.monotonic() + self.workload.provision_wait_seconds
        while time.monotonic() < deadline and not all(self.configured(v.id) for v in added):
            await anyio.sleep(POLL)
        queries = [r for r in list(self.actors.vnfm.requests) if r.method == "GET" and r.seq > first_seq
                   and r.path in (f"/vnf_instances/{vnf.id}", "/vnf_instances")]
        statuses = [x.status_code if isinstance(x, httpx.Response) else x for x in answers]
        samples = [self._judge(vnf.id, v, notified, queries, statuses).to_json() for v in added]
        return JSONResponse({"vnf": vnf.id, "operation": operation, "samples": samples})

    def _judge(self, vnf_id: str, vnfc: Vnfc, notified: float, queries: list[Any], statuses: list[Any]) -> Sample:
        """One VNFCI's provisioning, judged as the conformance run's await_provisioning judges it."""
        a = self.actors
        judgement = Judgement()
        received = list(self.configured(vnfc.id))
        at = received[0].at.timestamp() if received else time.time()
        expected = [(vnfc.id, name, kind, identity_fqdn(name, vnfc.id, a.san_domain))
                    for name, kind in a.policy.get(vnfc.vdu_id, ())]
        regs = list(self._regs.get(vnfc.id, ()))
        configs = {vnfc.id: [i for c in received for i in c.body["identities"] if isinstance(i, dict)]}
        if not statuses:
            judgement.error("no subscription at the VNFM: the notification went nowhere")
        elif not queries and not regs:  # as the conformance run: a CMF that did nothing is not judged (INCONCLUSIVE)
            judgement.error(f"not provisioned within {self.workload.provision_wait_seconds:g} s (no Query VNF, "
                            f"nothing registered; notification answered {statuses[0]})")
        else:
            run_checks(PER_VNFCI[:1], Observation(facts={"vnf_id": vnf_id, "queries": queries}), judgement)
            facts = {"expected": expected, "registrations": regs, "configs": configs, "anchor": a.ca.anchor_pem}
            run_checks(PER_VNFCI[1:], Observation(facts=facts), judgement)
            if not received and judgement.outcome == "ok":  # nothing registered to configure is the check's FAIL
                judgement.error(f"no configuration within {self.workload.provision_wait_seconds:g} s")
        return Sample("provision", at, max(0.0, (at - notified) * 1000), judgement.outcome, judgement.kind,
                      judgement.detail, [f.to_json() for f in judgement.findings])


@contextmanager
def direct_load(profile: Profile, workload: Workload, run_id: str, work: Path) -> Iterator[DirectLoad]:
    """CA-1, the VNFM, the VNFCIs' endpoint (and the attestation service and CMP listener the actors module
    starts), where the profile's pixit.harness says; the control API on an ephemeral loopback port, its URL in
    ``work/direct-control.json``; then until the CMF subscribed at the VNFM (bounded)."""
    pixit, h = profile.pixit, profile.pixit.harness
    missing = [n for n in NEEDED if h is None or not h.has(n)]
    if h is None or missing:
        raise ProfileError(f"the {workload.name} workload plays the direct-mode actors: give pixit.harness."
                           f"{', pixit.harness.'.join(missing)}")
    if not profile.pics.direct_mode:
        raise ProfileError(f"the {workload.name} workload needs a CMF claiming direct mode (pics.direct_mode)")
    trace = Trace()
    issuing = issuing_cas(h)
    ca = DirectCa(CaSimulator(issuing=issuing, trace=None), trace, next(iter(issuing.values())).chain[0])
    with ExitStack() as stack:
        served = stack.enter_context(listen(Starlette(routes=ca.ca1_app().routes),
                                            TlsFiles(h.file("ca1.crt"), h.file("ca1.key"), pixit.client_ca),
                                            h.listeners["ca1"], "ca1"))
        ca.ca.base_url = served.base_url
        actors = stack.enter_context(run_direct_actors(h, ca, served.base_url, pixit.client_ca, pixit.server_ca,
                                                       trace, seed=int(run_id, 16)))
        load = DirectLoad(actors, workload, run_id)
        control = stack.enter_context(listen(load.app(), None, Listener(), "load-control"))
        (work / CONTROL_FILE).write_text(json.dumps({"url": control.base_url.replace("https:", "http:")}))
        until = time.monotonic() + SUBSCRIBE_SECONDS
        while not actors.vnfm.subscriptions and time.monotonic() < until:
            time.sleep(0.05)
        yield load


def judge_direct(load: DirectLoad, verdict: LoadVerdict) -> dict[str, Any]:
    """The run-level judgements of direct mode, added to ``verdict``; a summary for the report."""
    a = load.actors
    if load.started:
        time.sleep(QUIET_SECONDS)
    configs = Counter(c.vnfc_id for c in list(a.vnfci.received))
    registered = Counter(str(body.get("entityId", "")) for body, status, _ in list(a.ca.registrations)
                         if status == 201)
    twice = {v: n for v, n in configs.items() if v in load.started and n > 1}
    if twice:
        v, n = next(iter(twice.items()))
        verdict.fail("direct-configured-once", CONFIGURE, f"{len(twice)} VNFCI(s) configured more than once, e.g. "
                     f"{v} {n} times", sum(n - 1 for n in twice.values()))
    stray = sorted(v for v in configs if v not in load.started)
    if stray:
        verdict.fail("direct-configured-started-only", CONFIGURE, f"{len(stray)} configuration(s) for VNFCIs the "
                     f"VNFM never started, e.g. {stray[0]}", len(stray))
    # no "registered once": the harness's CA-1 refuses a second registration of an entity (409), so such a check
    # could never FAIL; a CMF's repeated attempts show in the Locust statistics of CA-1, not as incorrect answers
    unknown = sorted(e for e in registered if e.partition("/")[0] not in load.started)
    if unknown:
        verdict.fail("direct-registered-started-only", REGISTER, f"{len(unknown)} end entities registered for "
                     f"VNFCIs the VNFM never started, e.g. {unknown[0]}", len(unknown))
    requests = list(a.vnfm.requests)
    lcm = Judgement()
    if requests:
        run_checks(("direct-lcm-operations",), Observation(facts={"requests": requests}), lcm)
        for f in lcm.findings:
            verdict.fail(f.check, f.requirements, f.observed)
    return {"vnfcs_started": len(load.started), "operations": load.operations,
            "vnfcs_configured": sum(1 for v in load.started if configs.get(v)),
            "end_entities_registered": len(registered), "lcm_requests": len(requests),
            "subscriptions": len(a.vnfm.subscriptions)}
