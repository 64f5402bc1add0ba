"""Fail-fast on a dead SUT endpoint during a run. When a scenario ends with a transport failure that shows the
endpoint is down (connection refused, unresolvable host, no TCP or TLS answer within the timeout; not a read error
on a live connection), the run remembers the endpoint (scheme, host, port); from then on every request of the
harness's SUT clients to it fails at once with :class:`EndpointDown`, so the later scenarios are INCONCLUSIVE with
one reason instead of one timeout each. The run is its trace: the clients get the request hook from
:func:`guarded` at construction, the runner the reason text from :func:`failure` (harness/runner.py)."""

from __future__ import annotations

import socket
import ssl
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from harness.trace import Trace

Origin = tuple[str, str, int]


class EndpointDown(httpx.ConnectError):
    """A request to an endpoint the run already found unreachable (raised before anything is sent)."""


class OffProfile(httpx.TransportError):
    """A request to a host the profile does not name (a SUT's Location, Link or redirect pointing elsewhere):
    never sent; the scenario is INCONCLUSIVE with this reason."""


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})  # the harness's own actors


@dataclass(frozen=True)
class Down:
    scenario: str
    failure: str  # "ConnectError: [Errno 111] Connection refused"


def origin_of(url: httpx.URL) -> Origin:
    scheme = url.scheme.lower()
    return scheme, url.host.lower(), url.port or (443 if scheme == "https" else 80)


def label(origin: Origin) -> str:
    scheme, host, port = origin
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def shows_down(exc: httpx.TransportError) -> bool:
    """Whether ``exc`` says nothing usable listens there (refused, unresolvable, no TCP/TLS answer in time)."""
    if isinstance(exc, EndpointDown):
        return False  # already known
    if isinstance(exc, httpx.ConnectTimeout):
        return True
    causes = _causes(exc)
    if not isinstance(exc, httpx.ConnectError) or any(isinstance(c, ssl.SSLError) for c in causes):
        return False
    return any(isinstance(c, (ConnectionRefusedError, socket.gaierror)) for c in causes) or \
        "connection refused" in str(exc).lower()


class RunEndpoints:
    """The endpoints one run found down, and the hook that fails requests to them at once."""

    def __init__(self) -> None:
        self._down: dict[Origin, Down] = {}
        self._lock = threading.Lock()
        self.allowed: frozenset[str] | None = None  # the hosts the SUT clients may reach (None: not restricted)

    def allow(self, urls: list[str]) -> None:
        """Restrict the SUT clients to the hosts of ``urls`` (the profile's) and loopback."""
        self.allowed = LOOPBACK | {host for host in (httpx.URL(u).host.lower() for u in urls if u) if host}

    def down(self, url: httpx.URL) -> Down | None:
        with self._lock:
            return self._down.get(origin_of(url))

    def hook(self, request: httpx.Request) -> None:
        if self.allowed is not None and request.url.host.lower() not in self.allowed:
            hosts = ", ".join([*sorted(self.allowed - LOOPBACK), "loopback"])
            raise OffProfile(f"not followed: {request.method} {request.url} is outside the profile's hosts "
                             f"({hosts}): a URL the SUT gives (Location, Link, redirect) may only name them",
                             request=request)
        down = self.down(request.url)
        if down is not None:
            raise EndpointDown(f"endpoint {label(origin_of(request.url))} unreachable since scenario "
                               f"{down.scenario}: {down.failure}", request=request)

    def failure(self, exc: httpx.TransportError, scenario: str) -> str:
        """The INCONCLUSIVE reason of a scenario that ``exc`` ended, naming the URL; remembers the endpoint when
        ``exc`` shows it is down."""
        from harness.bounds import BoundExceeded  # names the request, the limit and its PIXIT key

        if isinstance(exc, (EndpointDown, OffProfile, BoundExceeded)):
            return str(exc)
        try:
            request: httpx.Request | None = exc.request
        except RuntimeError:
            request = None
        what = f"{type(exc).__name__}: {exc}"
        if request is None:
            return f"the SUT did not answer: {what}"
        at = f"{request.method} {request.url}"
        if shows_down(exc):
            with self._lock:
                self._down.setdefault(origin_of(request.url), Down(scenario, what))
            return (f"endpoint {label(origin_of(request.url))} unreachable ({at}: {what}); the later requests to it "
                    "fail at once (`nfvct check PROFILE` probes every endpoint)")
        if isinstance(exc, httpx.ConnectError) and any(isinstance(c, ssl.SSLError) for c in _causes(exc)):
            return f"TLS with {label(origin_of(request.url))} failed at {at}: {what} (`nfvct check PROFILE` names " \
                   "the profile key to fix)"
        return f"the SUT did not answer {at}: {what}"


_RUNS: weakref.WeakKeyDictionary[Trace, RunEndpoints] = weakref.WeakKeyDictionary()
_RUNS_LOCK = threading.Lock()


def of(trace: Trace) -> RunEndpoints:
    """The endpoints state of the run whose trace is ``trace``."""
    with _RUNS_LOCK:
        found = _RUNS.get(trace)
        if found is None:
            found = _RUNS[trace] = RunEndpoints()
        return found


def guarded(trace: Trace, hooks: dict[str, list[Callable[..., Any]]]) -> dict[str, list[Callable[..., Any]]]:
    """``hooks`` (httpx event hooks) with the run's fail-fast check first: for a SUT client's construction."""
    return {**hooks, "request": [of(trace).hook, *hooks.get("request", [])]}


def failure(trace: Trace, exc: httpx.TransportError, scenario: str) -> str:
    return of(trace).failure(exc, scenario)
