"""What the simulated NFVO and VIM share in Security Manager runs: the SM interface sets (one per trust domain
binding, IFA026 5.1.3), who is calling (the SM credential presented over mTLS), every request kept for the checks
and traced, subscriptions with the endpoint test, and notification delivery."""

from __future__ import annotations

import hashlib
import json
import ssl
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from harness.trace import Trace, trace_hooks
from wire.sol013.problems import forbidden, not_found, problem, to_response

MODES = ("passive", "semi-active", "fully-active")


@dataclass(frozen=True)
class Binding:
    """One SM's logically separate interface set towards NFV-MANO (IFA026 5.1.3, R2.1.60): its name, the mode
    NFV-MANO authorizes it in, and the trust domains it covers (a master SM's set covers its sub-SMs' domains)."""

    name: str
    mode: str
    domains: frozenset[str]
    master: bool = False


@dataclass(frozen=True)
class SmRequest:
    """One request an SM sent to a simulated producer."""

    producer: str  # "NFVO" | "VIM"
    binding: str  # the interface set (listener) it arrived on
    credential: str  # the binding the presented client certificate was issued for ("" = unknown certificate)
    fingerprint: str  # SHA-256 of the presented certificate
    method: str
    path: str
    query: str
    body: Any
    status: int
    seq: int
    at: float  # time.monotonic()


@dataclass
class Subscription:
    id: str
    binding: str
    callback: str
    filter: dict[str, Any]


def fingerprint(der: bytes | None) -> str:
    return hashlib.sha256(der).hexdigest() if der else ""


@dataclass
class Producer:
    """Base of the simulated NFVO and VIM: per-binding apps share one state."""

    name: str  # "NFVO" | "VIM"
    trace: Trace
    bindings: dict[str, Binding]
    credentials: dict[str, str]  # certificate fingerprint -> binding it was issued for
    client_tls: dict[str, ssl.SSLContext]  # per binding: the producer's client identity for notifications
    timeout: float = 5.0
    base_urls: dict[str, str] = field(default_factory=dict)  # binding -> where its listener serves
    peers: dict[str, str] = field(default_factory=dict)  # binding -> the trace name of the SM using it (default "SM")
    requests: list[SmRequest] = field(default_factory=list)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def api(self, binding: str) -> str:
        """The producer's API root for ``binding`` (its subscriptions live under it)."""
        raise NotImplementedError

    def channel(self, binding: str) -> str:
        ref = "Sc-Or" if self.name == "NFVO" else "Sc-Vi"
        return f"{ref} ({binding} interface set)"

    def traced(self, binding: str, handler: Callable[[Request, Any, Binding], Awaitable[Response]]) -> Any:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            peer = self.peers.get(binding, "SM")
            seq = self.trace.record(peer, self.name, "http-request", f"{request.method} {request.url.path}",
                                    channel=self.channel(binding), headers=dict(request.headers),
                                    body_text=raw.decode("utf-8", "replace")[:4000])
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            fp = fingerprint(getattr(request.state, "tls_client_cert", None))
            credential = self.credentials.get(fp, "")
            if credential != binding:  # a credential of another interface set (Security.001): not this SM's
                response: Response = to_response(forbidden(
                    f"the client certificate presented was issued for interface set {credential or '(unknown)'!r}, "
                    f"not {binding!r} (IFA033 Security.001: independent protection per interface set)"))
            else:
                response = await handler(request, body, self.bindings[binding])
            self.trace.record(self.name, peer, "http-response", str(response.status_code),
                              channel=self.channel(binding), headers=dict(response.headers),
                              body_text=bytes(getattr(response, "body", b"")).decode("utf-8", "replace")[:4000])
            with self._lock:
                self.requests.append(SmRequest(self.name, binding, credential, fp, request.method, request.url.path,
                                               request.url.query, body, response.status_code, seq,
                                               time.monotonic()))
            return response
        return endpoint

    # -- subscriptions -----------------------------------------------------------------------------------------

    async def subscriptions_resource(self, request: Request, body: Any, b: Binding) -> Response:
        """GET: the interface set's own subscriptions; POST: subscribe (the routes say which methods exist)."""
        if request.method == "GET":
            return JSONResponse([self.subscription_json(s, self.api(b.name)) for s in self.own_subscriptions(b.name)])
        return await self.subscribe(body, b, self.api(b.name))

    async def subscription_resource(self, request: Request, body: Any, b: Binding) -> Response:
        """GET or DELETE one of the interface set's own subscriptions (the routes say which methods exist)."""
        sub = self.subscriptions.get(request.path_params["id"])
        if sub is None or sub.binding != b.name:
            return to_response(not_found(f"no subscription {request.path_params['id']}"))
        if request.method == "DELETE":
            with self._lock:
                del self.subscriptions[sub.id]
            return Response(status_code=204)
        return JSONResponse(self.subscription_json(sub, self.api(b.name)))

    async def subscribe(self, body: Any, b: Binding, api: str) -> Response:
        if not isinstance(body, dict) or not isinstance(body.get("callbackUri"), str):
            return to_response(problem(400, "a subscription request with a callbackUri is expected"))
        callback = body["callbackUri"]
        status = await anyio.to_thread.run_sync(self._test_endpoint, b.name, callback)
        if status != 204:
            return to_response(problem(422, f"notification endpoint test failed: GET {callback} answered "
                                             f"{status if status is not None else 'nothing'}, not 204"))
        sub = Subscription(str(uuid.uuid4()), b.name, callback,
                           body["filter"] if isinstance(body.get("filter"), dict) else {})
        with self._lock:
            self.subscriptions[sub.id] = sub
        return JSONResponse(self.subscription_json(sub, api), status_code=201,
                            headers={"Location": f"{api}/subscriptions/{sub.id}"})

    def subscription_json(self, sub: Subscription, api: str) -> dict[str, Any]:
        return {"id": sub.id, "callbackUri": sub.callback, "filter": sub.filter,
                "_links": {"self": {"href": f"{api}/subscriptions/{sub.id}"}}}

    def own_subscriptions(self, binding: str) -> list[Subscription]:
        with self._lock:
            return [s for s in self.subscriptions.values() if s.binding == binding]

    def _client(self, binding: str) -> httpx.Client:
        return httpx.Client(verify=self.client_tls[binding], timeout=self.timeout,
                            event_hooks=trace_hooks(self.trace, self.name, "SM", self.channel(binding)))

    def _test_endpoint(self, binding: str, url: str) -> int | None:
        try:
            with self._client(binding) as client:
                return client.get(url).status_code
        except httpx.HTTPError:
            return None

    def notify(self, domain: str, build: Callable[[Subscription], dict[str, Any]],
               wants: Callable[[Subscription], bool] = lambda s: True) -> list[str]:
        """POST a notification to every subscription whose interface set covers ``domain`` (and only those:
        IFA026 R2.1.80); returns the bindings delivered to."""
        with self._lock:
            targets = [s for s in self.subscriptions.values() if domain in self.bindings[s.binding].domains
                       and wants(s)]
        delivered = []
        for sub in targets:
            body = build(sub)
            try:
                with self._client(sub.binding) as client:
                    status: int | None = client.post(sub.callback, json=body).status_code
            except httpx.HTTPError:
                status = None
            if status is not None and status < 300:
                delivered.append(sub.binding)
        return delivered

    # -- what the checks read ----------------------------------------------------------------------------------

    def mark(self) -> int:
        with self._lock:
            return len(self.requests)

    def since(self, mark: int) -> list[SmRequest]:
        with self._lock:
            return list(self.requests[mark:])

    def wait_for(self, mark: int, predicate: Callable[[SmRequest], bool], timeout: float) -> list[SmRequest]:
        """The requests since ``mark`` matching ``predicate``, waiting up to ``timeout`` s for the first one."""
        deadline = time.monotonic() + timeout
        while True:
            hits = [r for r in self.since(mark) if predicate(r)]
            if hits or time.monotonic() >= deadline:
                return hits
            time.sleep(0.02)
