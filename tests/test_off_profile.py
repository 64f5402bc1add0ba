"""The harness's SUT clients connect only to the hosts the profile names (and loopback, its own actors): a URL the
SUT hands out (Location, Link, redirect) that names another host is not followed, and the scenario says so."""

from __future__ import annotations

import socket

import httpx
import pytest

from harness import endpoints
from harness.trace import Trace


def test_a_host_outside_the_profile_is_never_contacted(monkeypatch: pytest.MonkeyPatch) -> None:
    trace = Trace()
    endpoints.of(trace).allow(["https://cmf.example.test:8443", "https://127.0.0.1:8444/acme/directory"])
    connects: list[object] = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connects.append(a))  # nothing may leave
    with httpx.Client(event_hooks=endpoints.guarded(trace, {})) as client:
        with pytest.raises(endpoints.OffProfile) as caught:
            client.get("https://192.0.2.7/nfv-cert/v1/subjects/1")  # TEST-NET-1: what a hostile Location names
    assert connects == []
    reason = endpoints.failure(trace, caught.value, "C.2.2.1[VNFCI]")
    assert reason.startswith("not followed: GET https://192.0.2.7/nfv-cert/v1/subjects/1 is outside the profile's "
                             "hosts (cmf.example.test, loopback)")


def test_profile_hosts_and_loopback_pass_the_guard() -> None:
    trace = Trace()
    run = endpoints.of(trace)
    run.allow(["https://CMF.example.test:8443"])
    for url in ("https://cmf.example.test:9999/x", "https://127.0.0.1:1/x", "http://localhost:2/x"):
        run.hook(httpx.Request("GET", url))  # no exception
    with pytest.raises(endpoints.OffProfile):
        run.hook(httpx.Request("GET", "https://cmf.example.test.evil.test/x"))


def test_not_restricted_until_a_profile_says_so() -> None:
    endpoints.of(Trace()).hook(httpx.Request("GET", "https://192.0.2.7/"))  # tools outside a run are not guarded
