"""The simulated VNFM as producer of the VNF Lifecycle Management interface on Cm-Vnfm (SOL023 clause 6: the
subset of ETSI GS NFV-SOL 002/003 clause 5 the CMF may use), ``{apiRoot}/vnflcm/v2``:

* Query VNF: ``GET vnf_instances``, ``GET vnf_instances/{id}``;
* Get Operation Status: ``GET vnf_lcm_op_occs``, ``GET vnf_lcm_op_occs/{id}``;
* Subscribe / Query Subscription Information / Terminate Subscription: ``POST|GET subscriptions``,
  ``GET|DELETE subscriptions/{id}``; before creating a subscription the VNFM tests the notification endpoint
  (GET on the callbackUri must answer 204) and refuses with 422 when the test fails (SOL013);
* Notify: ``VnfLcmOperationOccurrenceNotification`` POSTed to each matching subscription's callbackUri.

Every other method or resource of the VNF LCM API answers 405 (SOL023 clause 6). Every request is kept in
``requests`` for the checks, and traced."""

from __future__ import annotations

import json
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.bounds import bounded
from harness.trace import Trace, trace_hooks
from simulators.direct.inventory import Inventory, OpOcc
from wire.sol013.problems import method_not_allowed, not_found, problem, to_response

API = "/vnflcm/v2"
CHANNEL = "Cm-Vnfm (VNF LCM, SOL023 clause 6)"
NOTIFICATION = "VnfLcmOperationOccurrenceNotification"


@dataclass(frozen=True)
class LcmRequest:
    method: str
    path: str  # below {apiRoot}/vnflcm/v2
    status: int
    seq: int


@dataclass
class Subscription:
    id: str
    callback: str
    filter: dict[str, Any]

    def wants(self, op: OpOcc) -> bool:
        types = self.filter.get("notificationTypes")
        if types and NOTIFICATION not in types:
            return False
        states = self.filter.get("operationStates")
        if states and op.state not in states:
            return False
        operations = self.filter.get("operationTypes")
        return not operations or op.operation in operations


@dataclass
class SubscribeAttempt:
    callback: str
    test_status: int | None  # the endpoint test's answer (None: no answer)
    created: str  # subscription id, "" when refused
    filter: dict[str, Any]


@dataclass
class VnfmLcm:
    inventory: Inventory
    trace: Trace
    client_identity: tuple[str, str]  # the VNFM's certificate chain and key (PEM paths) for Notify and the test
    server_ca: str  # trust anchor for the CMF's callback server
    base_url: str = ""
    requests: list[LcmRequest] = field(default_factory=list)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    attempts: list[SubscribeAttempt] = field(default_factory=list)
    timeout: float = 5.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api(self) -> str:
        return self.base_url + API

    def app(self) -> Starlette:
        t = self._traced
        return Starlette(routes=[
            Route(f"{API}/vnf_instances", t(self._vnf_instances), methods=["GET"]),
            Route(f"{API}/vnf_instances/{{id}}", t(self._vnf_instance), methods=["GET"]),
            Route(f"{API}/vnf_lcm_op_occs", t(self._op_occs), methods=["GET"]),
            Route(f"{API}/vnf_lcm_op_occs/{{id}}", t(self._op_occ), methods=["GET"]),
            Route(f"{API}/subscriptions", t(self._subscriptions), methods=["GET", "POST"]),
            Route(f"{API}/subscriptions/{{id}}", t(self._subscription), methods=["GET", "DELETE"]),
            Route(f"{API}/{{rest:path}}", t(self._unsupported), methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ])

    def _traced(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            seq = self.trace.record("CMF", "VNFM", "http-request", f"{request.method} {request.url.path}",
                                    channel=CHANNEL, headers=dict(request.headers),
                                    body_text=body.decode("utf-8", "replace")[:4000])
            response = await handler(request, body)
            self.trace.record("VNFM", "CMF", "http-response", str(response.status_code), channel=CHANNEL,
                              headers=dict(response.headers),
                              body_text=bytes(response.body).decode("utf-8", "replace")[:4000])
            with self._lock:
                self.requests.append(LcmRequest(request.method, request.url.path.removeprefix(API),
                                                response.status_code, seq))
            return response
        return endpoint

    # -- Query VNF, Get Operation Status --------------------------------------------------------------------

    async def _vnf_instances(self, request: Request, body: bytes) -> Response:
        return JSONResponse([v.to_json(self.api) for v in self.inventory.vnfs.values()])

    async def _vnf_instance(self, request: Request, body: bytes) -> Response:
        vnf = self.inventory.vnfs.get(request.path_params["id"])
        if vnf is None:
            return to_response(not_found(f"no VNF instance {request.path_params['id']}"))
        return JSONResponse(vnf.to_json(self.api))

    async def _op_occs(self, request: Request, body: bytes) -> Response:
        return JSONResponse([o.to_json(self.api) for o in self.inventory.op_occs.values()])

    async def _op_occ(self, request: Request, body: bytes) -> Response:
        op = self.inventory.op_occs.get(request.path_params["id"])
        if op is None:
            return to_response(not_found(f"no VNF LCM operation occurrence {request.path_params['id']}"))
        return JSONResponse(op.to_json(self.api))

    # -- Subscribe, Query Subscription Information, Terminate Subscription ----------------------------------

    def _subscription_json(self, sub: Subscription) -> dict[str, Any]:
        return {"id": sub.id, "filter": sub.filter, "callbackUri": sub.callback, "verbosity": "FULL",
                "_links": {"self": {"href": f"{self.api}/subscriptions/{sub.id}"}}}

    async def _subscriptions(self, request: Request, body: bytes) -> Response:
        if request.method == "GET":
            return JSONResponse([self._subscription_json(s) for s in self.subscriptions.values()])
        try:
            request_body = json.loads(body)
        except ValueError:
            request_body = None
        if not isinstance(request_body, dict) or not isinstance(request_body.get("callbackUri"), str):
            return to_response(problem(400, "LccnSubscriptionRequest with a callbackUri expected"))
        callback = request_body["callbackUri"]
        filt = request_body.get("filter") if isinstance(request_body.get("filter"), dict) else {}
        status = await self._test_endpoint(callback)
        if status != 204:
            self.attempts.append(SubscribeAttempt(callback, status, "", filt))
            return to_response(problem(422, f"notification endpoint test failed: GET {callback} "
                                             f"answered {status if status is not None else 'nothing'}, not 204"))
        sub = Subscription(str(uuid.uuid4()), callback, filt)
        self.subscriptions[sub.id] = sub
        self.attempts.append(SubscribeAttempt(sub.callback, status, sub.id, filt))
        return JSONResponse(self._subscription_json(sub), status_code=201,
                            headers={"Location": f"{self.api}/subscriptions/{sub.id}"})

    async def _subscription(self, request: Request, body: bytes) -> Response:
        sub = self.subscriptions.get(request.path_params["id"])
        if sub is None:
            return to_response(not_found(f"no subscription {request.path_params['id']}"))
        if request.method == "DELETE":
            del self.subscriptions[sub.id]
            return Response(status_code=204)
        return JSONResponse(self._subscription_json(sub))

    async def _unsupported(self, request: Request, body: bytes) -> Response:
        return to_response(method_not_allowed(
            f"{request.method} {request.url.path}: not one of the VNF LCM operations SOL023 clause 6 allows on "
            "the CMF - NFV-MANO reference point", ["GET"]))

    # -- Notify -----------------------------------------------------------------------------------------------

    @cached_property
    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.server_ca)
        context.load_cert_chain(*self.client_identity)
        return context

    def _client(self) -> httpx.Client:
        return httpx.Client(verify=self._tls, timeout=self.timeout, transport=bounded(self.trace, self._tls),
                            event_hooks=trace_hooks(self.trace, "VNFM", "CMF", CHANNEL))

    async def _test_endpoint(self, url: str) -> int | None:
        def get() -> int | None:
            try:
                with self._client() as client:
                    return client.get(url).status_code
            except httpx.HTTPError:
                return None
        return await anyio.to_thread.run_sync(get)

    def notify(self, op: OpOcc, status: str = "RESULT") -> list[httpx.Response | str]:
        """POST the occurrence's notification to every subscription that wants it: the answers (or errors)."""
        out: list[httpx.Response | str] = []
        with self._client() as client:
            for sub in list(self.subscriptions.values()):
                if not sub.wants(op):
                    continue
                try:
                    out.append(client.post(sub.callback, json=op.notification(self.api, sub.id, status)))
                except httpx.HTTPError as exc:
                    out.append(f"{type(exc).__name__}: {exc}")
        return out
