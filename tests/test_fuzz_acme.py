"""Fuzzed JWS into the reference CMF's ACME server (RFC 8555 6.2-6.5, SOL023 5.5.2a) -- issue 18 item 7.

The ACME Starlette app is called in process (``starlette.testclient.TestClient``, no socket, no TLS): that is what
makes 10,000 cases a matter of minutes. Legitimate set-up through the API: the trusted OSS registers an FQDN
(EAB), the entity creates its account with the initial credential and places an order. Then every fuzzed request
(tests/fuzz_strategies.py ``jws_plans``: broken protected headers, nonces, urls, keys, base64url, signatures,
bodies, or well-formed JWS with payloads of the wrong shape) must be answered below 500 with an RFC 8555 problem
document (application/problem+json, type urn:ietf:params:acme:error:*), in bounded time, and leave accounts,
credentials, orders, authorizations, challenges and certificates as they were. CI mode: a fixed-seed sample;
``NFVCT_FUZZ_EXAMPLES=10000`` (``make fuzz``) is the long mode.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

import josepy as jose
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from starlette.testclient import TestClient

from harness.env_cmf import init_cmf
from reference.cmf.acme.config import AcmeConfig
from reference.cmf.acme.server import AcmeServer
from reference.cmf.ca_client import CaClient
from reference.cmf.settings import load_settings
from reference.cmf.standalone import settings_for
from tests.fuzz_strategies import JwsKeys, JwsPlan, build_jws, jws_plans, new_keys
from tests.test_fuzz_rest import SLOW, Tally

pytestmark = pytest.mark.timeout(900)

EXAMPLES = int(os.environ.get("NFVCT_FUZZ_EXAMPLES", "0"))
CI = 300  # CI sample; `make fuzz` sends 10,000
BASE = "https://testserver"
FQDN = "fuzz.mano.nfvct.test"
JOSE = {"content-type": "application/jose+json"}


def _b64(data: bytes) -> str:
    return jose.b64encode(data).decode()


def _signed(server: AcmeServer, key: jose.JWKEC, url: str, payload: Any, *, kid: str = "") -> bytes:
    header: dict[str, Any] = {"alg": "ES256", "nonce": server.state.new_nonce(), "url": url}
    if kid:
        header["kid"] = kid
    else:
        header["jwk"] = key.public_key().to_partial_json()
    protected, body = _b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode())
    signature = jose.ES256.sign(key.key, f"{protected}.{body}".encode())
    return json.dumps({"protected": protected, "payload": body, "signature": _b64(signature)}).encode()


def _eab(key: jose.JWKEC, kid: str, mac: bytes, url: str) -> dict[str, str]:
    protected = _b64(json.dumps({"alg": "HS256", "kid": kid, "url": url}).encode())
    payload = _b64(json.dumps(key.public_key().to_partial_json()).encode())
    return {"protected": protected, "payload": payload,
            "signature": _b64(jose.HS256.sign(mac, f"{protected}.{payload}".encode()))}


def snapshot(server: AcmeServer) -> Any:
    s = server.state
    return (sorted((a.id, a.status, tuple(a.contact), tuple(a.orders)) for a in s.accounts.values()),
            sorted((c.kid, c.uses_left) for c in s.credentials.values()),
            sorted((o.id, o.status, o.cert, str(o.error)) for o in s.orders.values()),
            sorted((a.id, a.status) for a in s.authzs.values()),
            sorted((c.id, c.status, str(c.error)) for c in s.challenges.values()),
            sorted((c.id, c.revoked) for c in s.certs.values()))


def test_fuzzed_jws_into_reference_acme(tmp_path_factory: pytest.TempPathFactory) -> None:
    work: Path = tmp_path_factory.mktemp("fuzz-acme")
    settings_cmf = load_settings(settings_for(init_cmf(work / "env")))
    oss_kid, oss_mac = "oss-fuzz", secrets.token_bytes(32)
    server = AcmeServer(AcmeConfig(oss_eab={oss_kid: oss_mac}), CaClient(settings_cmf.config.ca), frozenset())
    server.base_url = BASE
    url = server.url
    with TestClient(server.app(), base_url=BASE, raise_server_exceptions=False, follow_redirects=False) as client:
        # legitimate set-up: registration by the OSS, the entity's account, an order
        oss = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
        reg = client.post(url("new-account"), headers=JOSE, content=_signed(server, oss, url("new-account"), {
            "contact": [f"mailto:cert-admin@{FQDN}"], "externalAccountBinding": _eab(oss, oss_kid, oss_mac,
                                                                                       url("new-account"))}))
        assert reg.status_code == 201, reg.text
        cred = reg.json()["initialCredential"]
        entity = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
        acct = client.post(url("new-account"), headers=JOSE, content=_signed(server, entity, url("new-account"), {
            "externalAccountBinding": _eab(entity, cred["keyId"], jose.b64decode(cred["macKey"]),
                                           url("new-account"))}))
        assert acct.status_code == 201, acct.text
        kid = acct.headers["Location"]
        order = client.post(url("new-order"), headers=JOSE, content=_signed(
            server, entity, url("new-order"), {"identifiers": [{"type": "dns", "value": FQDN}]}, kid=kid))
        assert order.status_code == 201, order.text
        order_id = order.headers["Location"].rsplit("/", 1)[1]
        authz_id = order.json()["authorizations"][0].rsplit("/", 1)[1]
        chall_id = server.state.authzs[authz_id].challenges[0]
        account_id = kid.rsplit("/", 1)[1]
        paths = {"new-account": "new-account", "new-order": "new-order", "finalize": f"order/{order_id}/finalize",
                 "chall": f"chall/{chall_id}", "revoke-cert": "revoke-cert", "acct": f"acct/{account_id}",
                 "order": f"order/{order_id}", "authz": f"authz/{authz_id}", "cert": "cert/nosuch",
                 "acct-orders": f"acct/{account_id}/orders"}
        keys: JwsKeys = new_keys(entity, kid)
        used = server.state.new_nonce()
        assert server.state.use_nonce(used)
        before, started, tally = snapshot(server), time.monotonic(), Tally()

        @settings(max_examples=EXAMPLES or CI, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(plan=jws_plans())
        def check(plan: JwsPlan) -> None:
            for name in plan.breaks or ("payload-" + plan.endpoint,):
                tally.cases[name] += 1
            path = paths[plan.endpoint]
            if "unknown-resource" in plan.breaks:
                path = path.rsplit("/", 1)[0] + "/nosuch" if "/" in path else path + "/nosuch"
            target = url(path)
            body = build_jws(plan, keys, url=target, nonce=server.state.new_nonce(), used_nonce=used)
            t0 = time.monotonic()
            response = client.post(target, content=body, headers={"content-type": plan.content_type})
            elapsed = time.monotonic() - t0
            tally.slowest = max(tally.slowest, elapsed)
            tally.statuses[response.status_code] += 1
            problems = []
            if response.status_code >= 500:
                problems.append(f"HTTP {response.status_code}")
            elif response.status_code < 400:
                problems.append(f"accepted: HTTP {response.status_code}")
            else:
                try:
                    doc = response.json()
                    ok = (response.headers.get("content-type", "").startswith("application/problem+json")
                          and str(doc.get("type", "")).startswith("urn:ietf:params:acme:error:"))
                except ValueError:
                    ok = False
                if not ok:
                    problems.append(f"HTTP {response.status_code} not an ACME problem document")
            if elapsed > SLOW:
                problems.append(f"answered after {elapsed:.1f} s")
            after = snapshot(server)
            if after != before_list[0]:
                problems.append("state changed")
            for problem in problems:
                tally.violations.append((f"[{','.join(plan.breaks) or 'payload'}] {problem}",
                                         f"{plan.endpoint} {plan.payload!r:.120} => {response.content[:200]!r}"))
            if after != before_list[0]:  # the next cases start from the changed state; report this change once
                before_list[0] = after

        before_list = [before]
        check()
    summary = tally.summary("reference CMF ACME", started)
    assert sum(tally.statuses.values()) >= (EXAMPLES or CI) * 0.9, summary
    assert not tally.violations, summary
