"""Fuzzed REST input into the reference CMF (SOL023 5.6 subjects, 7 subscriptions) and the reference SM's listener
(approvals, notification callbacks) -- issue 18 item 7, as tests/test_cmp_hostile.py does for CMP.

The apps are called in process (``starlette.testclient.TestClient`` on the real Starlette apps, no socket, no
TLS): that is what makes 10,000 cases a matter of a minute. The mTLS peer identity that wire/serve.py puts in
the ASGI scope (``state["tls_client_cert"]``) is put there by a small wrapper, from the harness's VNFM
certificate of an `nfvct init` environment. Every answer must be below 500, every 4xx a ProblemDetails
(application/problem+json with status and detail), a 2xx only for a read, and the store unchanged; each request
is bounded in time. Violations are collected, not raised inside Hypothesis (the SUT is stateful). The CI mode is a
fixed-seed sample (``derandomize``); ``NFVCT_FUZZ_EXAMPLES=10000`` (``make fuzz``) is the long mode.
"""

from __future__ import annotations

import os
import socket
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from hypothesis import HealthCheck, given, settings
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from harness.env_cmf import init_cmf
from reference.cmf.app import build_app
from reference.cmf.notifier import Notifier
from reference.cmf.notify import SubscriptionResources
from reference.cmf.settings import load_settings
from reference.cmf.standalone import settings_for
from reference.cmf.store import Store, SubjectRow
from reference.sm.agent import ReferenceSm, RefSmConfig, SmBindingConfig
from tests.fuzz_strategies import RestCase, registration_base, rest_cases, sm_cases, subscription_base
from wire import sol013

pytestmark = pytest.mark.timeout(900)

EXAMPLES = int(os.environ.get("NFVCT_FUZZ_EXAMPLES", "0"))
CI_CMF, CI_SM = 250, 150  # CI sample; `make fuzz` sends 10,000 each
SLOW = 5.0  # seconds: a request answered later counts as a hang
VNFCI = "vnfci-fuzz-registered"


class PeerCert:
    """ASGI wrapper: the mTLS client certificate (DER) of the request, as wire/serve.py exposes it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.der: bytes | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["state"] = {**scope.get("state", {}), "tls_client_cert": self.der}
        await self.app(scope, receive, send)


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Tally:
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    violations: list[tuple[str, str]] = field(default_factory=list)
    slowest: float = 0.0

    def summary(self, title: str, started: float) -> str:
        kinds = Counter(p for p, _ in self.violations)
        first = {p: e for p, e in reversed(self.violations)}
        lines = [f"{title}: {sum(self.cases.values())} fuzzed cases in {time.monotonic() - started:.1f} s "
                 f"(slowest {self.slowest:.2f} s); " + ", ".join(f"{k}={v}" for k, v in sorted(self.cases.items())),
                 "  statuses: " + ", ".join(f"{k}={v}" for k, v in sorted(self.statuses.items()))]
        lines += [f"  {n} x {k}\n      e.g. {first[k][:300]}" for k, n in kinds.most_common()]
        print("\n" + "\n".join(lines))
        return "\n".join(lines)


def send(client: TestClient, wrapper: PeerCert, identity: dict[str, bytes | None], case: RestCase) -> tuple[
        httpx.Response, float]:
    wrapper.der = identity[case.identity]
    url = case.path + (f"?{case.query}" if case.query else "")
    headers = {"content-type": case.content_type} if case.content_type else {}
    started = time.monotonic()
    response = client.request(case.method, url, content=case.body or None, headers=headers)
    return response, time.monotonic() - started


def judge(case: RestCase, response: httpx.Response, elapsed: float, *, reads_ok: bool = True,
          accepted: tuple[int, ...] = ()) -> list[str]:
    """What is wrong with one answer (empty: acceptable). 307/308: the router's redirect of a trailing slash."""
    status, problems = response.status_code, []
    if status >= 500:
        problems.append(f"HTTP {status}")
    if elapsed > SLOW:
        problems.append(f"answered after {elapsed:.1f} s")
    if 400 <= status < 500 and case.method != "HEAD":
        try:
            sol013.parse_problem(response.content, http_status=status,
                                 content_type=response.headers.get("content-type", ""))
        except sol013.ProblemError as exc:
            problems.append(f"HTTP {status} not a ProblemDetails: {str(exc)[:80]}")
    elif 200 <= status < 400 and status not in (*accepted, 307, 308) and not (reads_ok and case.method in ("GET", "HEAD")):
        problems.append(f"accepted: HTTP {status} to {case.method}")
    return problems


@dataclass
class CmfEnv:
    client: TestClient
    wrapper: PeerCert
    store: Store
    identity: dict[str, bytes | None]
    port: int
    own: str
    other: str
    other_sub: str


@pytest.fixture(scope="module")
def cmf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CmfEnv]:
    work: Path = tmp_path_factory.mktemp("fuzz-rest")
    profile = init_cmf(work / "env")
    config = load_settings(settings_for(profile)).config
    store = Store(config.db_path)
    harness = work / "env" / "harness"
    certs = {n: x509.load_pem_x509_certificate((harness / f"{n}.crt").read_bytes()) for n in ("vnfm", "vnfm2")}
    owner = {n: c.subject.rfc4514_string() for n, c in certs.items()}
    from cryptography.hazmat.primitives.serialization import Encoding
    identity: dict[str, bytes | None] = {"vnfm": certs["vnfm"].public_bytes(Encoding.DER), "none": None}
    port = dead_port()
    # legitimate state, put in directly: the consumer's VNFCI registered for both types, another consumer's subject
    # and subscription, and one own subscription identical to the fuzzer's base body (a duplicate answers 303)
    base = registration_base(VNFCI)
    own = ""
    for cert_type in ("VNFCI_certificate", "VNF_OAM_certificate"):
        own = f"own-{cert_type}"
        store.add_subject(SubjectRow(own, cert_type, "delegation_mode", owner["vnfm"], base["subjectId"]))
    other = registration_base("vnfci-fuzz-other")
    store.add_subject(SubjectRow("other-subject", "VNFCI_certificate", "delegation_mode", owner["vnfm2"],
                                 other["subjectId"]))
    store.add_subscription("own-sub", owner["vnfm"], subscription_base(f"https://127.0.0.1:{port}/notify"))
    store.add_subscription("other-sub", owner["vnfm2"], subscription_base(f"https://127.0.0.1:{port}/other"))
    wrapper = PeerCert(build_app(config, store, Notifier(config, store)))
    with TestClient(wrapper, base_url="https://testserver", raise_server_exceptions=False,
                    follow_redirects=False) as client:
        yield CmfEnv(client, wrapper, store, identity, port, own, "other-subject", "other-sub")
    store.close()


@pytest.fixture(autouse=True)
def local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The subscription endpoint test may only ever reach 127.0.0.1 (the strategies make no other URI)."""
    original = SubscriptionResources._test_endpoint

    async def guarded(self: SubscriptionResources, uri: str) -> str | None:
        try:
            host = httpx.URL(uri).host
        except (httpx.InvalidURL, TypeError, ValueError):
            host = "127.0.0.1"  # httpx cannot parse it, so cannot send it either
        assert host in ("127.0.0.1", ""), f"fuzz case would reach {host}"
        return await original(self, uri)

    monkeypatch.setattr(SubscriptionResources, "_test_endpoint", guarded)


def _settings(examples: int) -> Any:
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def test_fuzzed_rest_into_reference_cmf(cmf: CmfEnv) -> None:
    """EXAMPLES (long mode) or CI_CMF fuzzed requests to the SOL023 5.6 / 7 resources: none is a 5xx, a hang,
    a non-ProblemDetails 4xx, an acceptance or a state change."""
    started, tally = time.monotonic(), Tally()
    before = cmf.store.snapshot()

    @_settings(EXAMPLES or CI_CMF)
    @given(case=rest_cases(vnfci=VNFCI, dead_port=cmf.port, own_subject=cmf.own, other_subject=cmf.other,
                           other_subscription=cmf.other_sub))
    def check(case: RestCase) -> None:
        tally.cases[case.family] += 1
        response, elapsed = send(cmf.client, cmf.wrapper, cmf.identity, case)
        tally.statuses[response.status_code] += 1
        tally.slowest = max(tally.slowest, elapsed)
        accepted = (303,) if case.family == "subscribe" else ()
        problems = judge(case, response, elapsed, accepted=accepted)
        if case.method not in ("GET", "HEAD") or problems:
            after = cmf.store.snapshot()
            if after != before:
                problems.append("store changed")
                before.update(after)  # report each change once
        for problem in problems:
            tally.violations.append((f"[{case.family}] {problem}", f"{case.method} {case.path[:80]}?"
                                     f"{case.query[:80]} <- {case.body[:160]!r} => {response.content[:160]!r}"))

    check()
    summary = tally.summary("reference CMF REST", started)
    assert sum(tally.cases.values()) >= (EXAMPLES or CI_CMF) * 0.9, summary
    assert not tally.violations, summary


def test_fuzzed_input_into_reference_sm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """EXAMPLES or CI_SM fuzzed approval requests and callbacks to the reference SM's listener: no 5xx, no hang,
    every 4xx a ProblemDetails; an approval answered 200 carries a decision; a callback (a notification, however
    odd) may be accepted with 204, nothing else is."""
    work: Path = tmp_path_factory.mktemp("fuzz-sm")
    init_cmf(work / "env")
    harness, port = work / "env" / "harness", dead_port()
    nfvo = f"https://127.0.0.1:{port}"
    binding = SmBindingConfig("core", "fully-active", nfvo, nfvo, harness / "vnfm.crt", harness / "vnfm.key")
    sm = ReferenceSm(RefSmConfig((binding,), harness / "mano_root.crt", "vnfd-fuzz"))  # not started: no traffic
    started, tally, unused = time.monotonic(), Tally(), PeerCert(sm.app())
    with TestClient(sm.app(), base_url="https://testserver", raise_server_exceptions=False,
                    follow_redirects=False) as client:

        @_settings(EXAMPLES or CI_SM)
        @given(case=sm_cases("core"))
        def check(case: RestCase) -> None:
            tally.cases[case.family] += 1
            response, elapsed = send(client, unused, {"vnfm": None, "none": None}, case)
            tally.statuses[response.status_code] += 1
            tally.slowest = max(tally.slowest, elapsed)
            accepted = {"callback": (204,), "approval": (200,)}.get(case.family, ())
            if case.method == "POST" and case.path in ("/sm/v1/core/lcm", "/sm/v1/core/alarms"):
                accepted = (204,)  # a notification, however odd, is taken (the worker drops malformed ones)
            problems = judge(case, response, elapsed, accepted=accepted)
            if response.status_code == 200 and case.method == "POST":
                if response.json().get("decision") not in ("GRANT", "MODIFY", "REJECT"):
                    problems.append("200 without a decision")
            for problem in problems:
                tally.violations.append((f"[{case.family}] {problem}", f"{case.method} {case.path[:80]} <- "
                                         f"{case.body[:160]!r} => {response.content[:160]!r}"))

        check()
    sm.stop()
    summary = tally.summary("reference SM listener", started)
    assert sum(tally.cases.values()) >= (EXAMPLES or CI_SM) * 0.9, summary
    assert not tally.violations, summary
