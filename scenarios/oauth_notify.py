"""OAuth 2.0 on the Certificate Notification interface (SOL023 annex C.3) and OAuth-authenticated notifications
(SOL023 7.6.2.2 ``authentication``, SOL013 8.3.4): the subscription names the harness's token endpoint and client
credentials made for it; the harness's notification endpoint accepts a notification only with a token that
endpoint issued to that client."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from harness.checks.oauth_checks import Probe
from harness.checks.registry import Observation, inconclusive
from harness.context import RunContext
from harness.overlap import NOTIFICATIONS
from harness.recorder import Recorder
from scenarios.common import certificate_of, json_body, registration_body
from scenarios.notifications import subscription_request
from scenarios.oauth import CERT_TYPE, SUBJECTS, SUBS, Call, _actors, _obs, _tokens, bearer
from simulators.notify_endpoint import NotificationEndpoint, notification_endpoint
from simulators.oauth.server import AuthorizationServer, Client
from simulators.vnfm import make_csr, seqs_of
from wire.oauth import AUTH_TYPE_OAUTH2

NOTIFY_CHECKS = ("oauth-cns-token", "oauth-notify-scope", "oauth-notify-token")


def run_notify_scopes(ctx: RunContext, rec: Recorder) -> None:
    actors = _actors(ctx)
    vnfm = ctx.vnfm
    assert vnfm is not None
    full, _, notify = _tokens(actors)

    def call(token: str, method: str, path: str, **kwargs: object) -> httpx.Response:
        with bearer(vnfm, token):
            return vnfm.request(method, path, **kwargs)  # type: ignore[arg-type]

    ctx.require(NOTIFICATIONS)
    pixit = ctx.profile.pixit
    with notification_endpoint(ctx.trace, pixit.vnfm.cert, pixit.vnfm.key, pixit.client_ca,
                               ctx.listener("notify")) as endpoint:
        url = endpoint.configure(f"oauth-scopes-{ctx.rng.getrandbits(32):08x}")  # unique: a served SUT keeps state
        rec.step("1")
        ok = call(notify, "GET", SUBS).status_code == 200
        expired, why = actors.bad_token("expired", actors.scopes.notify_all)
        probes = [Probe("GET subscriptions without a token", 401, call("", "GET", SUBS), control=ok),
                  Probe("GET subscriptions with an expired token", 401,
                        call(expired, "GET", SUBS) if expired else None, control=ok, unavailable=why),
                  Probe("GET subscriptions with cert:<vn>:all only", 403, call(full, "GET", SUBS), control=ok)]
        refused = call(full, "POST", SUBS, json=subscription_request(url))
        leaked = url in call(notify, "GET", SUBS).text
        created = call(notify, "POST", SUBS, json=subscription_request(url))  # the control
        sub_id = str(json_body(created).get("id", "")) if created.status_code == 201 else ""
        probes.append(Probe("POST subscriptions with cert:<vn>:all only", 403, refused, control=bool(sub_id),
                            leaked="the subscription was created anyway" if leaked else ""))
        rec.check("oauth-cns-token", _obs(probes), step="1")
        rec.step("2")
        probes = [Probe("POST subscriptions with certnotify:<vn>:all", None, created, accepted=bool(sub_id))]
        listed = call(notify, "GET", SUBS)
        probes.append(Probe("GET subscriptions with certnotify:<vn>:all", None, listed, accepted=listed.status_code == 200))
        if sub_id:
            read = call(notify, "GET", f"{SUBS}/{sub_id}")
            probes.append(Probe("GET subscriptions/{id} with certnotify:<vn>:all", None, read,
                                accepted=read.status_code == 200))
            deleted = call(notify, "DELETE", f"{SUBS}/{sub_id}")
            probes.append(Probe("DELETE subscriptions/{id} with certnotify:<vn>:all", None, deleted,
                                accepted=deleted.status_code == 204))
        probes.append(Probe("GET subjects with certnotify:<vn>:all", 403, call(notify, "GET", SUBJECTS),
                            control=call(full, "GET", SUBJECTS).status_code == 200))
        rec.check("oauth-notify-scope", _obs(probes), step="2")
        _leave_none(call, notify, url)
        _notifications(ctx, rec, actors.server, endpoint, call, full, notify)


def _leave_none(call: Call, notify: str, url: str) -> None:
    """Delete what is left subscribed to ``url`` (a refused subscription that was created anyway)."""
    listed = call(notify, "GET", SUBS)
    items = listed.json() if listed.status_code == 200 and "json" in listed.headers.get("content-type", "") else []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("callbackUri") == url and item.get("id"):
            call(notify, "DELETE", f"{SUBS}/{item['id']}")


def _verifier(server: AuthorizationServer, client: Client) -> Callable[[str | None], str]:
    def verify(token: str | None) -> str:
        if token is None:
            return "no access token"
        claims, why = server.verify(token, audience=client.audience)
        if claims is None:
            return f"token refused: {why}"
        if claims.get("client_id") != client.client_id:
            return f"token issued to {claims.get('client_id')!r}, not to the subscription's clientId"
        known = server.issued.get(str(claims.get("jti")))
        return "" if known is not None and known.from_endpoint else "token not obtained from the token endpoint"
    return verify


def _notifications(ctx: RunContext, rec: Recorder, server: AuthorizationServer | None,
                   endpoint: NotificationEndpoint, call: Call, full: str, notify: str) -> None:
    rec.step("3")
    if server is None:
        rec.record("oauth-notify-token", inconclusive("the harness's authorization server is not running (no "
                                                      "[pixit.harness.oauth]): no token endpoint to name"))
        return
    name = f"oauth-notify-{ctx.rng.getrandbits(32):08x}"
    client = server.new_client("CMF", audience=endpoint.url(name), prefix="cmf-notify")
    url = endpoint.configure(name, verify=_verifier(server, client))
    body = {"callbackUri": url, "filter": {"certificateState": ["VALID"]},
            "authentication": {"authType": [AUTH_TYPE_OAUTH2], "paramsOauth2ClientCredentials": {
                "clientId": client.client_id, "clientPassword": client.secret, "tokenEndpoint": server.token_endpoint}}}
    created = call(notify, "POST", SUBS, json=body)
    sub_id = str(json_body(created).get("id", "")) if created.status_code == 201 else ""
    posts = []
    if sub_id:
        rec.step("4")
        vnfci_id, data = ctx.fresh_vnfci(CERT_TYPE)
        registered = call(full, "POST", SUBJECTS, json=registration_body(CERT_TYPE, vnfci_id, data))
        subject_id = str(json_body(registered).get("id", ""))
        _, csr = make_csr(data.get("subjectName"), data["subjectAlternateName"])
        with bearer(ctx.vnfm, full):  # type: ignore[arg-type]
            enrol = ctx.vnfm.p10cr(CERT_TYPE, csr, vnfci_id=vnfci_id, chain_request=False)  # type: ignore[union-attr]
        endpoint.wait_for(lambda got: any(r.callback == name and r.method == "POST" and r.auth == "valid"
                                          for r in got), ctx.profile.pixit.notify_wait_seconds)
        rec.step("5")
        posts = endpoint.received(name, "POST")
        call(notify, "DELETE", f"{SUBS}/{sub_id}")
        cert = certificate_of(enrol)
        if cert is not None:
            with bearer(ctx.vnfm, full):  # type: ignore[arg-type]
                ctx.vnfm.rr(CERT_TYPE, cert)  # type: ignore[union-attr]
        if subject_id:
            call(full, "DELETE", f"{SUBJECTS}/{subject_id}")
    rec.check("oauth-notify-token", Observation(response=created, facts={"posts": posts},
                                                trace_seqs=seqs_of(created) + tuple(p.seq for p in posts)), step="5")
