"""OAuth 2.0 on the CMF's REST interfaces (pics.oauth2): the SOL023 annex C scope values, enforced as SOL013
8.3.3 requires, and OAuth-authenticated notifications (SOL023 7.6.2.2, SOL013 8.3.4).

The VNFM's requests carry tokens of the harness's authorization server (or the vendor's token endpoint); each
probe swaps in one token (none, a deliberately bad one, one of a single scope) for one request, and every refusal
is paired with the same request under the right scope (its control)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from harness.checks.cmp_checks import first_status
from harness.checks.oauth_checks import Probe
from harness.checks.registry import Observation
from harness.context import RunContext
from harness.overlap import NOTIFICATIONS
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from scenarios.common import Scenario, certificate_of, json_body, registration_body
from scenarios.flows_oauth import CERT_SCOPES, NOTIFY_SCOPES
from simulators.oauth.actors import BAD_VARIANTS, OAuthActors, oauth_actors
from simulators.oauth.client import FixedTokenAuth, TokenError
from simulators.vnfm import CmpExchange, VnfmClient, make_csr, seqs_of

SUBJECTS = "/nfv-cert/v1/subjects"
SUBS = "/certnotify/v1/subscriptions"
CERT_TYPE = "VNFCI_certificate"
Call = Callable[..., httpx.Response]  # (token, method, path, **httpx kwargs): one request with exactly that token


@contextmanager
def bearer(client: VnfmClient, token: str) -> Iterator[None]:
    """``client``'s requests carry exactly ``token`` ("" = none) inside the block."""
    saved = client.http.auth
    client.http.auth = FixedTokenAuth(token)
    try:
        yield
    finally:
        client.http.auth = saved


def _actors(ctx: RunContext) -> OAuthActors:
    actors = oauth_actors(ctx.vnfm.http.auth) if ctx.vnfm is not None else None
    if actors is None:
        raise PreconditionFailed("no OAuth 2.0 actors: pics.oauth2 needs [pixit.oauth] and, for the harness's own "
                                 "authorization server, [pixit.harness.oauth]")
    return actors


def _tokens(actors: OAuthActors) -> tuple[str, str, str]:
    s = actors.scopes
    try:
        return actors.token(s.cert_all), actors.token(s.subject), actors.token(s.notify_all)
    except TokenError as exc:
        raise PreconditionFailed(f"no access token: {exc}") from None


def _cmp_ok(exchange: CmpExchange | None) -> bool:
    status = first_status(exchange.message) if exchange is not None and exchange.message is not None else None
    return exchange is not None and exchange.response.is_success and status is not None and status[0] in (0, 1, 3)


def _obs(probes: list[Probe]) -> Observation:
    return Observation(facts={"probes": probes}, trace_seqs=seqs_of(*(p.response for p in probes if p.response)))


def _applicable_c2(ctx: RunContext) -> str | None:
    pics = ctx.profile.pics
    if not pics.oauth2:
        return "the PICS does not claim OAuth 2.0 authorization (pics.oauth2)"
    if not pics.rest_registration or not pics.delegation_mode or CERT_TYPE not in pics.cert_types:
        return "the scopes are probed on delegation-mode subject resources (pics.rest_registration, cert_types)"
    return None


def _applicable_c3(ctx: RunContext) -> str | None:
    if not ctx.profile.pics.cert_notifications:
        return "the PICS does not claim the Certificate Notification interface (pics.cert_notifications)"
    return _applicable_c2(ctx)


# SOL023 C.2 ---------------------------------------------------------------------------------------------
def run_cert_scopes(ctx: RunContext, rec: Recorder) -> None:
    actors = _actors(ctx)
    vnfm = ctx.vnfm
    assert vnfm is not None
    rec.step("1")
    full, subject, notify = _tokens(actors)
    rec.note("1", Verdict.PASS, f"tokens obtained from {actors.token_endpoint} for {actors.scopes.cert_all}, "
                                f"{actors.scopes.subject}, {actors.scopes.notify_all}")

    def call(token: str, method: str, path: str, **kwargs: object) -> httpx.Response:
        with bearer(vnfm, token):
            return vnfm.request(method, path, **kwargs)  # type: ignore[arg-type]

    control = call(full, "GET", SUBJECTS)
    ok = control.status_code == 200
    rec.step("2")
    rec.check("oauth-no-token", _obs([Probe("GET subjects without a token", 401, call("", "GET", SUBJECTS),
                                            control=ok)]), step="2")
    rec.step("3")
    for variant in BAD_VARIANTS:
        token, why = actors.bad_token(variant, actors.scopes.cert_all)
        response = call(token, "GET", SUBJECTS) if token else None
        rec.check("oauth-invalid-token", _obs([Probe(f"GET subjects with the {variant} token", 401, response,
                                                     control=ok, unavailable=why)]), step="3", instance=variant)
    rec.step("4")
    _insufficient(ctx, rec, call, full, notify, ok)
    rec.step("5")
    rec.check("oauth-subject-scope", _obs(_lifecycle(ctx, vnfm, subject, full, refuse_cmp=True)), step="5")
    rec.step("6")
    rec.check("oauth-all-scope", _obs(_lifecycle(ctx, vnfm, full, full, refuse_cmp=False)), step="6")


def _insufficient(ctx: RunContext, rec: Recorder, send: Call, full: str, notify: str, ok: bool) -> None:
    vnfci_id, data = ctx.fresh_vnfci(CERT_TYPE)
    body = registration_body(CERT_TYPE, vnfci_id, data)
    read = send(notify, "GET", SUBJECTS)
    refused = send(notify, "POST", SUBJECTS, json=body)
    again = send(full, "POST", SUBJECTS, json=body)  # the control: the same registration, the right scope
    leaked = "the registration was stored: the same registration with cert:<vn>:all then conflicts (409)" \
        if again.status_code == 409 else ""
    if again.status_code == 201 and json_body(again).get("id"):
        send(full, "DELETE", f"{SUBJECTS}/{json_body(again)['id']}")
    rec.check("oauth-insufficient-scope", _obs([
        Probe("GET subjects with certnotify scope only", 403, read, control=ok),
        Probe("POST subjects with certnotify scope only", 403, refused, control=again.status_code == 201,
              leaked=leaked)]), step="4")


def _lifecycle(ctx: RunContext, vnfm: VnfmClient, token: str, full: str, *, refuse_cmp: bool) -> list[Probe]:
    """Register, list, read, enrol (p10cr), revoke (rr), deregister with ``token``; with ``refuse_cmp`` the CMP
    requests are expected refused (403) and are each repeated with ``full`` as their control."""
    scope = "cert:<vn>:subject" if refuse_cmp else "cert:<vn>:all"
    probes: list[Probe] = []
    vnfci_id, data = ctx.fresh_vnfci(CERT_TYPE)
    with bearer(vnfm, token):
        created = vnfm.register(registration_body(CERT_TYPE, vnfci_id, data))
        subject_id = str(json_body(created).get("id", "")) if created.status_code == 201 else ""
        probes.append(Probe(f"POST subjects with {scope}", None, created, accepted=bool(subject_id)))
        listed = vnfm.request("GET", SUBJECTS)
        probes.append(Probe(f"GET subjects with {scope}", None, listed, accepted=listed.status_code == 200))
    if not subject_id:
        return probes
    with bearer(vnfm, token):
        read = vnfm.request("GET", f"{SUBJECTS}/{subject_id}")
    probes.append(Probe(f"GET subjects/{{id}} with {scope}", None, read, accepted=read.status_code == 200))
    _, csr = make_csr(data.get("subjectName"), data["subjectAlternateName"])
    with bearer(vnfm, token):
        enrol = vnfm.p10cr(CERT_TYPE, csr, vnfci_id=vnfci_id, chain_request=False)
    cert = certificate_of(enrol)
    if refuse_cmp:
        with bearer(vnfm, full):
            controlled = vnfm.p10cr(CERT_TYPE, csr, vnfci_id=vnfci_id, chain_request=False)
        probes.append(Probe(f"CMP p10cr with {scope}", 403, enrol.response, control=_cmp_ok(controlled),
                            leaked="a certificate was issued" if cert is not None else ""))
        cert = cert or certificate_of(controlled)
    else:
        probes.append(Probe(f"CMP p10cr with {scope}", None, enrol.response, accepted=_cmp_ok(enrol)))
    if cert is not None:
        with bearer(vnfm, token):
            revoke = vnfm.rr(CERT_TYPE, cert)
        if refuse_cmp:
            revoked_anyway = _cmp_ok(revoke)
            with bearer(vnfm, full):
                controlled = vnfm.rr(CERT_TYPE, cert)
            probes.append(Probe(f"CMP rr with {scope}", 403, revoke.response, control=_cmp_ok(controlled),
                                leaked="the certificate was revoked" if revoked_anyway else ""))
        else:
            probes.append(Probe(f"CMP rr with {scope}", None, revoke.response, accepted=_cmp_ok(revoke)))
    with bearer(vnfm, token):
        deleted = vnfm.request("DELETE", f"{SUBJECTS}/{subject_id}")
    probes.append(Probe(f"DELETE subjects/{{id}} with {scope}", None, deleted, accepted=deleted.status_code == 204))
    return probes


def scenarios() -> list[Scenario]:
    from scenarios.oauth_notify import NOTIFY_CHECKS, run_notify_scopes

    return [
        Scenario("SOL023-C.2[oauth2]", "SOL023 C.2", "OAuth 2.0: authorization scopes of the Certificate Management "
                 "interface", CERT_SCOPES, CERT_CHECKS, run_cert_scopes, {}, _applicable_c2,
                 uses=frozenset()),
        Scenario("SOL023-C.3[oauth2]", "SOL023 C.3", "OAuth 2.0: authorization scopes of the Certificate Notification "
                 "interface, OAuth-authenticated notifications", NOTIFY_SCOPES, NOTIFY_CHECKS, run_notify_scopes, {},
                 _applicable_c3, uses=frozenset({NOTIFICATIONS})),
    ]


CERT_CHECKS = ("oauth-no-token", "oauth-invalid-token", "oauth-insufficient-scope", "oauth-subject-scope",
               "oauth-all-scope")
