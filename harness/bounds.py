"""Bounds on every exchange of the harness's SUT clients, whatever the SUT sends.

httpx's own timeouts are per socket operation: a SUT answering one byte per second, or ``100 Continue`` forever,
never trips them. :func:`bounded` gives the clients an httpx transport that enforces, per exchange,

* one wall-clock deadline (``pixit.exchange_seconds``) across connect, TLS, informational responses, headers and
  body: every socket operation gets at most the time left, and none starts after it;
* at most ``pixit.max_response_bytes`` of body, counted on the wire and after decompression (gzip/deflate are
  inflated here in bounded steps, so a gzip bomb is stopped before httpx inflates it);
* the run's wall-time bound (``pixit.run_seconds``): once it has passed, no request is sent.

A breach raises :class:`BoundExceeded` (an httpx.TransportError), whose message names the request, the limit and
the PIXIT key that raises it: the scenario is INCONCLUSIVE with it (harness/endpoints.py ``failure``). The limits
of a run are registered under its Trace (:func:`configure`, from harness/runner.py); unregistered: the defaults.
"""

from __future__ import annotations

import contextvars
import threading
import time
import weakref
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from harness.trace import Trace

EXCHANGE_SECONDS = 30.0
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class BoundExceeded(httpx.TransportError):
    """An exchange went past one of the run's bounds; the message names the limit and its PIXIT key."""


@dataclass(frozen=True)
class Limits:
    exchange_seconds: float = EXCHANGE_SECONDS
    max_response_bytes: int = MAX_RESPONSE_BYTES
    run_deadline: float | None = None  # time.monotonic() after which nothing is sent
    run_seconds: float = 0.0


_RUNS: weakref.WeakKeyDictionary[Trace, Limits] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def configure(trace: Trace, limits: Limits) -> None:
    with _LOCK:
        _RUNS[trace] = limits


def limits_of(trace: Trace) -> Limits:
    with _LOCK:
        return _RUNS.get(trace) or Limits()


def run_seconds_for(pixit: Any, scenarios: int) -> float:
    """``pixit.run_seconds``, or derived: per selected scenario 2 exchanges' bound + the polling bound + twice
    the notification wait, at least 60 s."""
    given = float(getattr(pixit, "run_seconds", 0.0) or 0.0)
    if given > 0:
        return given
    per = max(60.0, 2 * float(getattr(pixit, "exchange_seconds", EXCHANGE_SECONDS))
              + float(getattr(pixit, "max_poll_seconds", 30.0)) + 2 * float(getattr(pixit, "notify_wait_seconds", 5.0)))
    return per * max(1, scenarios)


def start_run(trace: Trace, pixit: Any, scenarios: int) -> Limits:
    """Register the run's limits from its PIXIT, the run deadline counting from now."""
    seconds = run_seconds_for(pixit, scenarios)
    limits = Limits(float(getattr(pixit, "exchange_seconds", EXCHANGE_SECONDS)),
                    int(getattr(pixit, "max_response_bytes", MAX_RESPONSE_BYTES)), time.monotonic() + seconds, seconds)
    configure(trace, limits)
    return limits


# the deadline of the exchange this thread is in, for the network streams below
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("nfvct_exchange_deadline", default=None)


class _Late(Exception):
    """The exchange deadline passed before a socket operation (turned into BoundExceeded by the transport)."""


def _budget(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Late()
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _budget(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _budget(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _budget(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_tcp(host, port, _budget(timeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _budget(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n} bytes"


class _Inflated:
    """Counts the decoded size of a body as httpx will decode it (gzip, deflate; other codings pass as is),
    inflating in steps of at most the room left, so the count never costs more than the limit."""

    def __init__(self, encodings: list[str], room: int) -> None:
        self.stages: list[Any] = []
        for coding in encodings:
            if coding in ("gzip", "x-gzip"):
                self.stages.append(zlib.decompressobj(zlib.MAX_WBITS | 16))
            elif coding == "deflate":
                self.stages.append("deflate")  # zlib or raw: decided on the first bytes, as httpx does
        self.room = room

    def feed(self, data: bytes) -> int:
        """Bytes of decoded output ``data`` adds (at most room + 1); a coding error counts 0 (httpx reports it)."""
        for i, stage in enumerate(self.stages):
            if stage == "deflate":
                stage = self.stages[i] = zlib.decompressobj(zlib.MAX_WBITS if _is_zlib(data) else -zlib.MAX_WBITS)
            out, buf = [], data
            total = 0
            try:
                while buf and total <= self.room:
                    chunk = stage.decompress(buf, self.room + 1 - total)
                    total += len(chunk)
                    out.append(chunk)
                    buf = stage.unconsumed_tail
                    if stage.eof:
                        break
            except zlib.error:
                return 0
            data = b"".join(out)
            if total > self.room:
                return total
        return len(data)


def _is_zlib(data: bytes) -> bool:
    return len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0


class _BoundedBody(httpx.SyncByteStream):
    def __init__(self, inner: Any, request: httpx.Request, limits: Limits, deadline: float,
                 encodings: list[str]) -> None:
        self._inner, self._request, self._limits, self._deadline = inner, request, limits, deadline
        self._inflated = _Inflated(encodings, limits.max_response_bytes)
        self._wire = 0
        self._decoded = 0

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            previous = _DEADLINE.set(self._deadline)
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except (_Late, httpx.TimeoutException) as exc:
                self.close()
                raise _late(self._request, self._limits, self._deadline, f"{self._wire} bytes of body") from exc
            finally:
                _DEADLINE.reset(previous)
            self._wire += len(chunk)
            self._decoded += self._inflated.feed(chunk) if self._inflated.stages else len(chunk)
            self._inflated.room = max(0, self._limits.max_response_bytes - self._decoded)
            if max(self._wire, self._decoded) > self._limits.max_response_bytes:
                self.close()
                coded = " (after decompression)" if self._decoded > self._wire else ""
                raise BoundExceeded(
                    f"{self._request.method} {self._request.url}: the response body exceeds "
                    f"{_size(self._limits.max_response_bytes)}{coded}, the bound of pixit.max_response_bytes "
                    "(raise it in the profile if the SUT's answers are that large); not read further",
                    request=self._request)
            if time.monotonic() > self._deadline:
                self.close()
                raise _late(self._request, self._limits, self._deadline, f"{self._wire} bytes of body")
            yield chunk

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def _late(request: httpx.Request, limits: Limits, deadline: float, got: str) -> BoundExceeded:
    if limits.run_deadline is not None and deadline >= limits.run_deadline:
        what = f"the run time bound of {limits.run_seconds:g} s (pixit.run_seconds) passed"
    else:
        what = (f"no complete answer within {limits.exchange_seconds:g} s, the bound of pixit.exchange_seconds on "
                "one exchange (connect, TLS, informational responses, headers and body)")
    return BoundExceeded(f"{request.method} {request.url}: {what}; received by then: {got}", request=request)


class BoundedTransport(httpx.BaseTransport):
    """An httpx.HTTPTransport whose exchanges keep the limits the run registered under ``trace``."""

    def __init__(self, trace: Trace, **kwargs: Any) -> None:
        self._trace = trace
        self._inner = httpx.HTTPTransport(**kwargs)
        pool = self._inner._pool  # httpcore's pool: the only place to put a deadline on every socket operation
        pool._network_backend = _Backend(pool._network_backend)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        limits = limits_of(self._trace)
        now = time.monotonic()
        deadline = now + limits.exchange_seconds
        if limits.run_deadline is not None:
            if now >= limits.run_deadline:
                raise BoundExceeded(f"{request.method} {request.url}: not sent: the run time bound of "
                                    f"{limits.run_seconds:g} s (pixit.run_seconds) has passed", request=request)
            deadline = min(deadline, limits.run_deadline)
        previous = _DEADLINE.set(deadline)
        try:
            response = self._inner.handle_request(request)
        except (_Late, httpx.TimeoutException) as exc:
            if isinstance(exc, httpx.TimeoutException) and time.monotonic() < deadline - 0.05:
                raise  # pixit.timeout, not this bound
            raise _late(request, limits, deadline, "no response headers") from exc
        finally:
            _DEADLINE.reset(previous)
        encodings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",") if c.strip()]
        response.stream = _BoundedBody(response.stream, request, limits, deadline, encodings)
        return response

    def close(self) -> None:
        self._inner.close()


def bounded(trace: Trace, verify: Any) -> BoundedTransport:
    """The transport of a SUT client of the run whose trace is ``trace`` (``transport=bounded(trace, context)``)."""
    return BoundedTransport(trace, verify=verify)
