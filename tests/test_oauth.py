"""OAuth 2.0: the harness's authorization server (client credentials grant, JWKS, introspection), the reference
CMF's token validation against it, the annex C scope table, the profile keys, and the OAuth scenarios clean."""

from __future__ import annotations

import asyncio
import random
import re
import time
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from starlette.testclient import TestClient

from harness.context import RunContext
from harness.env_cmf import init_cmf
from harness.model import Verdict
from harness.profile import load_profile
from harness.profile_keys import ProfileError
from harness.trace import Trace
from reference.cmf.oauth import resource_kind
from reference.cmf.oauth_tokens import OAuthSettings, TokenValidator
from scenarios.oauth import _applicable_c2
from simulators.oauth.keys import new_signing_key
from simulators.oauth.server import AuthorizationServer, Client
from wire.oauth import CMP, SUBJECT, SUBJECTS, SUBSCRIPTION, Scopes
from wire.serve import serve

AUD = "https://cmf.nfvct.test:8443"
S = Scopes("v1")


@pytest.fixture()
def server() -> AuthorizationServer:
    server = AuthorizationServer(new_signing_key(), Trace(), 300, base_url="https://as.nfvct.test")
    server.register(Client("vnfm", "s3cret", "VNFM", AUD, frozenset({S.subject, S.cert_all, S.notify_all})))
    server.register(Client("cmf", "rs-secret", "CMF", AUD, frozenset()))
    return server


def _token(client: TestClient, scope: str = "", auth: tuple[str, str] = ("vnfm", "s3cret"),
           grant: str = "client_credentials") -> httpx.Response:
    return client.post("/oauth/v1/token", data={"grant_type": grant, **({"scope": scope} if scope else {})}, auth=auth)


def test_client_credentials_grant_issues_an_rfc9068_access_token(server: AuthorizationServer) -> None:
    with TestClient(server.app()) as client:
        response = _token(client, S.subject)
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["token_type"] == "Bearer" and body["scope"] == S.subject and body["expires_in"] == 300
        keys = KeySet.import_key_set(client.get("/oauth/v1/jwks").json())
    decoded = jwt.decode(body["access_token"], keys, algorithms=["ES256"])
    assert decoded.header["typ"] == "at+jwt" and decoded.header["kid"] == server.key.kid
    claims = decoded.claims
    assert {k: claims[k] for k in ("iss", "sub", "aud", "client_id", "scope")} == {
        "iss": "https://as.nfvct.test", "sub": "vnfm", "aud": AUD, "client_id": "vnfm", "scope": S.subject}
    assert claims["exp"] - claims["iat"] == 300 and claims["jti"] in server.issued
    assert server.issued[claims["jti"]].from_endpoint


def test_refusals_wrong_secret_grant_and_scope(server: AuthorizationServer) -> None:
    with TestClient(server.app()) as client:
        wrong = _token(client, auth=("vnfm", "guess"))
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        assert wrong.headers["www-authenticate"].startswith("Basic")
        assert _token(client, grant="password").json()["error"] == "unsupported_grant_type"
        assert _token(client, "cert:v9:all").json()["error"] == "invalid_scope"
        posted = client.post("/oauth/v1/token", data={"grant_type": "client_credentials", "client_id": "vnfm",
                                                      "client_secret": "s3cret"})  # client_secret_post
        assert posted.status_code == 200 and set(posted.json()["scope"].split()) == {S.subject, S.cert_all,
                                                                                      S.notify_all}
    assert "s3cret" not in "".join(e.summary + e.body_text for e in server.trace.events())  # type: ignore[union-attr]


def test_jwks_publishes_only_the_public_key(server: AuthorizationServer) -> None:
    with TestClient(server.app()) as client:
        keys = client.get("/oauth/v1/jwks").json()["keys"]
        meta = client.get("/.well-known/oauth-authorization-server").json()
    assert len(keys) == 1 and "d" not in keys[0] and keys[0]["kid"] == server.key.kid
    assert meta["token_endpoint"] == "https://as.nfvct.test/oauth/v1/token"


def test_introspection(server: AuthorizationServer) -> None:
    good = server.mint("vnfm", S.cert_all, audience=AUD)
    expired = server.mint("vnfm", S.cert_all, audience=AUD, issued_at=int(time.time()) - 600, expires_in=300)
    forged = server.mint("vnfm", S.cert_all, audience=AUD, key=server.foreign_key())
    with TestClient(server.app()) as client:
        def ask(token: str, auth: tuple[str, str] = ("cmf", "rs-secret")) -> httpx.Response:
            return client.post("/oauth/v1/introspect", data={"token": token}, auth=auth)

        active = ask(good).json()
        assert active["active"] is True and active["scope"] == S.cert_all and active["client_id"] == "vnfm"
        assert ask(expired).json() == {"active": False} and ask(forged).json() == {"active": False}
        assert ask(good, ("cmf", "wrong")).status_code == 401


@pytest.mark.parametrize("validation", ["jwks", "introspection"])
def test_reference_validator_against_the_served_server(server: AuthorizationServer, validation: str) -> None:
    with serve(server.app(), None, name="as-test") as served:
        server.base_url = served.base_url
        settings = OAuthSettings(issuer=served.base_url, audience=AUD, validation=validation,
                                 jwks_url=server.jwks_uri, introspection_url=server.introspection_endpoint,
                                 client_id="cmf", client_secret="rs-secret")

        def check(token: str, faults: frozenset[str] = frozenset()) -> str:
            claims, why = asyncio.run(TokenValidator(settings, faults).validate(token))
            return "ok" if claims is not None else why

        now = int(time.time())
        assert check(server.mint("vnfm", S.subject, audience=AUD)) == "ok"
        assert check(server.mint("vnfm", S.subject, audience="https://other")) .startswith("audience")
        expired = server.mint("vnfm", S.subject, audience=AUD, issued_at=now - 600, expires_in=300)
        assert check(expired) != "ok"
        assert check(server.mint("vnfm", S.subject, audience=AUD, key=server.foreign_key())) != "ok"
        if validation == "jwks":
            assert check(expired, frozenset({"accepts-expired-token"})) == "ok"
            forged = server.mint("vnfm", S.subject, audience=AUD, key=server.foreign_key())
            assert check(forged, frozenset({"accepts-any-signature"})) == "ok"


def test_scope_table_and_resource_kinds() -> None:
    assert S.permitting(SUBJECTS, "POST") == {S.subject, S.cert_all}
    assert S.permitting(SUBJECT, "DELETE") == {S.subject, S.cert_all}
    assert S.permitting(SUBJECT, "PUT") == {S.cert_all}
    assert S.permitting(CMP, "POST") == {S.cert_all}
    assert S.permitting(SUBSCRIPTION, "GET") == {S.notify_all}
    base = "/.well-known/cmp/p"
    assert resource_kind("/nfv-cert/v1/subjects", base) == SUBJECTS
    assert resource_kind("/nfv-cert/v1/subjects/x", base) == SUBJECT
    assert resource_kind(f"{base}/vnfc-certificates/pkcs10", base) == CMP
    assert resource_kind("/nfv-cert/api_versions", base) is None
    assert resource_kind("/callbacks/vnflcm/v2/notifications", base) is None


def test_profile_keys_and_one_line_errors(tmp_path: Path) -> None:
    path = init_cmf(tmp_path / "env", oauth=True)
    profile = load_profile(path)
    assert profile.pics.oauth2 and profile.pixit.oauth.own_server and profile.pixit.oauth.scope_version == "v1"
    assert profile.pixit.harness.has("oauth")
    text = path.read_text()
    for old, new, key in (('scope_version = "v1"', 'scope_version = "2"', "pixit.oauth.scope_version"),
                          ("[pixit.oauth.vnfm]", "[pixit.oauth.vnfmx]", "pixit.oauth"),
                          ("\n[pixit.harness.oauth]", "\n[pixit.harness.oauth_gone]", "pixit.harness")):
        path.write_text(text.replace(old, new, 1))
        with pytest.raises(ProfileError, match=key) as caught:
            load_profile(path)
        assert "\n" not in str(caught.value)
    plain = load_profile(init_cmf(tmp_path / "plain"))
    ctx = RunContext(plain, Trace(), random.Random(1), None, None)
    assert not plain.pics.oauth2 and "pics.oauth2" in (_applicable_c2(ctx) or "")


def test_oauth_scenarios_pass_against_the_clean_reference() -> None:
    from harness.runner import run

    result = run(None, seed=99, reference_check_after=0, pattern="SOL023-C.")
    assert [(s.id, s.verdict) for s in result.scenarios] == [("SOL023-C.2[oauth2]", Verdict.PASS),
                                                            ("SOL023-C.3[oauth2]", Verdict.PASS)]
    judged = {r.requirement.id for r in result.requirements if r.verdict is Verdict.PASS}
    assert {"SOL023:C.2:authorize", "SOL023:C.2:subject-scope", "SOL023:C.2:all-scope", "SOL023:C.3:authorize",
            "SOL023:C.3:notify-scope", "SOL023:7.6.2.2:oauth2-notify"} <= judged
    assert result.exit_code() == 0
    shown = " ".join(f"{e.summary} {e.body_text} {e.headers}" for e in result.trace)
    assert "Authorization server" in {e.sender for e in result.trace} | {e.receiver for e in result.trace}
    assert not re.search(r"eyJ[\w-]+\.eyJ[\w-]+\.", shown), "an access token reached the trace"
    assert "paramsOauth2ClientCredentials" in shown and not re.search(r'"clientPassword": "(?!\[REDACTED\])', shown)
