"""The VNFM's notification endpoint (SOL023 7.5.5): served by the harness, called by the CMF.

One server, several callback URIs (``/notify/{name}``), one per subscription the scenario
creates, so every request is attributable to its subscription whatever the SUT writes in the
body. GET is the endpoint test (204, or a configured failure status), POST a notification (204,
or a configured number of failures first, to observe redelivery); other methods get 405 as
7.5.5.3.3-5 require of the VNFM. Everything received is recorded with its arrival time and
goes into the run's trace as CMF -> VNFM. Hostile input is bounded: a body over 1 MiB gets 413 (not read
further), one that does not arrive within 5 s gets 408, each recorded in one line.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from harness.trace import Trace
from harness.listeners import Listener, listen
from wire.serve import TlsFiles

CHANNEL = "Cm-Vnfm Notify / HTTPS"
MAX_BODY = 1024 * 1024  # a notification is a few KB: beyond this, 413 without reading the rest
BODY_SECONDS = 5.0  # a request body must arrive within this (slow POSTs get 408)


@dataclass(frozen=True)
class Received:
    callback: str  # the {name} of /notify/{name}
    method: str
    at: float  # time.monotonic() on arrival
    body: Any  # parsed JSON, or None
    answered: int
    client: str  # subject DN of the TLS client certificate, "" if none
    seq: int  # trace event of the request
    auth: str = ""  # with a token verifier (OAuth 2.0 subscriptions): "valid", or why the bearer token is not


@dataclass
class _Mode:
    test_status: int = 204
    fail_posts: int = 0  # answer this many POSTs with 503 before accepting
    posts: int = 0
    # OAuth 2.0 (SOL013 8.3.4): the bearer token (None: none sent) -> "" if valid, else why; a POST without a
    # valid one is answered 401 (the endpoint test GET is recorded, not refused)
    verify: Callable[[str | None], str] | None = None


@dataclass
class NotificationEndpoint:
    trace: Trace
    base_url: str = ""
    _received: list[Received] = field(default_factory=list)
    _modes: dict[str, _Mode] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    max_body: int = MAX_BODY
    body_seconds: float = BODY_SECONDS
    owner: str = ""  # the scenario that opened the endpoint: what arrives is its evidence, even while it waits

    def _record(self, *args: Any, **kwargs: Any) -> int:
        return self.trace.record(*args, scenario=self.owner or None, **kwargs)

    def url(self, name: str) -> str:
        return f"{self.base_url}/notify/{name}"

    def configure(self, name: str, *, test_status: int = 204, fail_posts: int = 0,
                  verify: Callable[[str | None], str] | None = None) -> str:
        with self._cond:
            self._modes[name] = _Mode(test_status, fail_posts, verify=verify)
        return self.url(name)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/notify/{name}", self._handle,
                                       methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])

    async def _body(self, request: Request) -> tuple[bytes, int]:
        """The request body, or (what came, status) when it is refused: 413 over ``max_body`` (announced or sent;
        the rest is not read), 408 when it does not arrive within ``body_seconds``, 400 when the client left."""
        announced = request.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > self.max_body:
            return b"", 413
        parts: list[bytes] = []
        size = 0

        async def read() -> int:
            nonlocal size
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_body:
                    return 413
                parts.append(chunk)
            return 0

        try:
            status = await asyncio.wait_for(read(), self.body_seconds)
        except TimeoutError:
            status = 408
        except ClientDisconnect:
            status = 400
        return b"".join(parts), status

    def _refuse(self, request: Request, raw: bytes, status: int) -> Response:
        why = {413: f"body over {self.max_body} bytes, not read further",
               408: f"body not complete within {self.body_seconds:g} s",
               400: "the client left before the body was complete"}[status]
        self._record("CMF", "VNFM", "http-request", f"{request.method} {request.url.path} · refused: {why}",
                     channel=CHANNEL, headers=dict(request.headers),
                     body_text=f"({len(raw)} bytes received before the refusal, not recorded)")
        self._record("VNFM", "CMF", "http-response", str(status), channel=CHANNEL)
        return Response(status_code=status, headers={"Connection": "close"})

    async def _handle(self, request: Request) -> Response:
        name = request.path_params["name"]
        raw, refused = await self._body(request)
        if refused:
            return self._refuse(request, raw, refused)
        der = getattr(request.state, "tls_client_cert", None)
        client = x509.load_der_x509_certificate(der).subject.rfc4514_string() if der else ""
        seq = self._record("CMF", "VNFM", "http-request", f"{request.method} {request.url.path}",
                           channel=CHANNEL, headers=dict(request.headers), body_text=raw.decode("utf-8", "replace"))
        with self._cond:
            mode = self._modes.setdefault(name, _Mode())
            if request.method == "GET":
                status = mode.test_status
            elif request.method == "POST":
                mode.posts += 1
                status = 503 if mode.posts <= mode.fail_posts else 204
            else:
                status = 405
            verify = mode.verify
        auth = ""
        if verify is not None and request.method in ("GET", "POST"):
            header = request.headers.get("authorization", "")
            why = verify(header[7:].strip() if header.lower().startswith("bearer ") else None)
            auth = why or "valid"
            if why and request.method == "POST":
                status = 401
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self._record("VNFM", "CMF", "http-response", str(status), channel=CHANNEL)
        with self._cond:
            self._received.append(Received(name, request.method, time.monotonic(), body, status, client, seq, auth))
            self._cond.notify_all()
        # no keep-alive: the endpoint stops at the end of each scenario without waiting for the CMF's connections
        headers = {"Connection": "close", **({"Allow": "GET, POST"} if status == 405 else {}),
                   **({"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else {})}
        return Response(status_code=status, headers=headers)

    def received(self, callback: str | None = None, method: str | None = None) -> list[Received]:
        with self._cond:
            return [r for r in self._received
                    if (callback is None or r.callback == callback) and (method is None or r.method == method)]

    def wait_for(self, predicate: Callable[[list[Received]], bool], timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until ``predicate(everything received so far)`` holds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(list(self._received)):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(timeout=min(left, 0.1))
        return True


@contextmanager
def notification_endpoint(trace: Trace, cert: Any, key: Any, client_ca: Any,
                          where: Listener | None = None) -> Iterator[NotificationEndpoint]:
    """Serve the endpoint where ``where`` says (default: 127.0.0.1, ephemeral) over TLS with the VNFM's
    certificate; the CMF's client certificate is requested (authType TLS_CERT) and recorded, not required, so
    that its absence is observable."""
    endpoint = NotificationEndpoint(trace, owner=trace.current[0])
    with listen(endpoint.app(), TlsFiles(cert, key, client_ca, "optional"), where or Listener(), "notify") as served:
        endpoint.base_url = served.base_url
        yield endpoint
