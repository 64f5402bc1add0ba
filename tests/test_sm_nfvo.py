"""The simulated NFV-MANO of SM runs keeps NFV-MANO's obligations (they are the simulator's, not verdicts on the SM):
events only to the domain's interface sets, refusals of passive and cross-domain instructions and of another set's
credential, the R2.1.210 event content, approval before proceeding, and the approval adapter hook."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.trace import Trace
from wire.serve import TlsFiles, serve
from simulators.sm.actors import SmActors, run_sm_actors
from simulators.sm.approval import ApprovalAnswer, load_adapter
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


class _Sink:
    """A minimal SM callback endpoint: answers the endpoint test, keeps every notification."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            if request.method == "POST":
                self.received.append(await request.json())
            return Response(status_code=204)
        return Starlette(routes=[Route("/{rest:path}", endpoint, methods=["GET", "POST"])])


class RejectAll:
    """A vendor adapter stand-in: constructed like the built-in one, always rejects."""

    def __init__(self, **kwargs: Any) -> None:
        self.asked: list[dict[str, Any]] = []

    def ask(self, binding: str, url: str, request: dict[str, Any]) -> ApprovalAnswer:
        self.asked.append(request)
        return ApprovalAnswer("REJECT", {"decision": "REJECT"}, 200, 0.0)


@pytest.fixture(scope="module")
def mano(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SmActors, _Sink, str]]:
    workdir = tmp_path_factory.mktemp("sm")
    adapter = load_adapter("tests.test_sm_nfvo:RejectAll")
    with run_sm_actors(workdir, Trace(), 7, adapter=adapter) as actors:
        sink = _Sink()
        cert, key = actors.sm_server
        with serve(sink.app(), TlsFiles(cert, key, actors.mano_trust, "required"), name="sink") as served:
            yield actors, sink, served.base_url


def _client(actors: SmActors, binding: str) -> httpx.Client:
    return httpx.Client(verify=actors.tls_for(binding), timeout=5.0)


def _subscribe(actors: SmActors, binding: str, sink_url: str) -> None:
    with _client(actors, binding) as c:
        r = c.post(f"{actors.nfvo.base_urls[binding]}/nslcm/v2/subscriptions",
                   json={"callbackUri": f"{sink_url}/{binding}"})
        assert r.status_code == 201, r.text


def test_events_reach_only_the_domains_sets_with_r2_1_210_content(mano) -> None:
    actors, sink, url = mano
    for binding in ("core", "lab"):
        _subscribe(actors, binding, url)
    before = len(sink.received)
    inst = actors.nfvo.instantiate("core")
    assert inst.proceeded and inst.delivered == ["core"]  # not lab's (R2.1.80)
    new = sink.received[before:]
    assert len(new) == 1
    ctx = new[0]["nfvctEventContext"]
    for key in ("source", "vnfPkgId", "vnfdId", "vnfInstanceId", "requestorRef", "connectivity", "nsInstanceId",
                "intendedHosts"):
        assert ctx[key], key
    assert ctx["packageIntegrity"]["result"] in ("PASS", "FAIL") and ctx["packageIntegrity"]["hash"]
    assert new[0]["affectedVnf"][0]["vnfInstanceId"] == inst.vnf.id


def test_refusals_passive_cross_domain_and_foreign_credential(mano) -> None:
    actors, _, _ = mano
    core = actors.nfvo.instantiate("core").vnf
    lab = actors.nfvo.instantiate("lab").vnf
    body = {"updateType": "REMOVE_VNF", "removeVnfInstanceId": [lab.id]}
    with _client(actors, "lab") as c:  # a passive SM may not modify the lifecycle (R2.1.20)
        assert c.post(f"{actors.nfvo.base_urls['lab']}/nslcm/v2/ns_instances/{lab.ns_id}/update",
                      json=body).status_code == 403
    with _client(actors, "core") as c:  # core's set instructing for lab's VNF (R2.1.90)
        assert c.post(f"{actors.nfvo.base_urls['core']}/nslcm/v2/ns_instances/{lab.ns_id}/update",
                      json=body).status_code == 403
        # the control: core's own VNF, by NFV-MANO's id, is accepted; an OSS/BSS application id is not
        url = f"{actors.nfvo.base_urls['core']}/nslcm/v2/ns_instances/{core.ns_id}/update"
        assert c.post(url, json={"updateType": "REMOVE_VNF",
                                 "removeVnfInstanceId": [core.requestor_ref]}).status_code == 422
        assert c.post(url, json={"updateType": "REMOVE_VNF", "removeVnfInstanceId": [core.id]}).status_code == 202
    with _client(actors, "core") as c:  # core's credential on edge's interface set (Security.001)
        assert c.get(f"{actors.nfvo.base_urls['edge']}/nslcm/v2/ns_instances").status_code == 403
    deadline = time.monotonic() + 5
    while core.instantiated and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not core.instantiated and core.id in actors.nfvo.oss_notices  # semi-active: OSS/BSS informed first


def test_no_proceeding_without_permission_and_the_adapter_is_used(mano) -> None:
    actors, _, url = mano
    adapter = actors.nfvo.adapter
    actors.nfvo.approval_urls["edge"] = f"{url}/approvals"  # the URL is the adapter's business
    inst = actors.nfvo.instantiate("edge")
    assert isinstance(adapter, RejectAll) and adapter.asked[-1]["vnfInstance"]["id"] == inst.vnf.id
    assert not inst.proceeded and inst.vnf.id not in actors.inventory.vnfs


def test_history_filter_and_other_domains_invisible(mano) -> None:
    actors, _, _ = mano
    with _client(actors, "core") as c:
        base = f"{actors.nfvo.base_urls['core']}/nslcm/v2"
        everything = c.get(f"{base}/ns_lcm_op_occs").json()
        recent = c.get(f"{base}/ns_lcm_op_occs", params={"filter": "(gte,startTime,2000-01-01T00:00:00Z)"}).json()
        none = c.get(f"{base}/ns_lcm_op_occs", params={"filter": "(gte,startTime,2999-01-01T00:00:00Z)"}).json()
        assert len(recent) == len(everything) > 0 and none == []
        assert any(a["changeType"] == "REMOVE" for o in everything for a in o["resourceChanges"]["affectedVnfs"])
        lab_ns = next(ns for ns in actors.inventory.ns.values() if ns.domain == "lab")
        assert c.get(f"{base}/ns_instances/{lab_ns.id}").status_code == 404
        hosts = c.get(f"{actors.vim.base_urls['core']}/telemetry/v1/hosts").json()
        assert all(h["hostId"] and h["zoneId"] and h["location"]["site"] for h in hosts)
    with pytest.raises(ValueError):
        load_adapter("no-colon")
