"""OAuth 2.0 authorization of the CMF's REST interfaces: SOL023 annex C scopes, applied as SOL013 8.3.3 (API
requests authorized with an access token) and 8.3.7 (scope values) require, and OAuth-authenticated notifications
(SOL023 7.6.2.2 ``authentication``, SOL013 8.3.4).

Every check judges a list of probes (``Probe``): requests the SUT must permit (answered 2xx, the work done) and
requests it must refuse (401 with ``WWW-Authenticate: Bearer`` for no or an invalid token, 403 for a valid token
without the scope), each refusal with its control (the same request with the right token, accepted) and, where
the request would change state, the state looked at afterwards. A refusal without an accepted control is
INCONCLUSIVE; a permitted request refused is a FAIL, so a SUT that refuses everything FAILs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from harness.checks.registry import Observation, Result, check, failed, inconclusive, passed

C2 = "SOL023 annex C.2 (tables C.2-1, C.2-2), as SOL013 8.3.3 authorizes API requests and 8.3.7 defines scopes"
C3 = "SOL023 annex C.3 (tables C.3-1, C.3-2), as SOL013 8.3.3 authorizes API requests and 8.3.7 defines scopes"


@dataclass(frozen=True)
class Probe:
    label: str  # e.g. "GET /nfv-cert/v1/subjects with cert:v1:subject"
    expect: int | None  # None: permitted; 401 or 403: refused with that status
    response: httpx.Response | None
    accepted: bool = False  # the request did what it asks (2xx; CMP: an accepted PKIStatus)
    control: bool | None = None  # refusals: the same request with the right token was accepted (None: no control)
    leaked: str = ""  # refusals: what changed although it was refused ("" = nothing)
    unavailable: str = ""  # the harness could not send this probe, and why (INCONCLUSIVE)


def _status(response: httpx.Response | None) -> str:
    if response is None:
        return "no response"
    challenge = response.headers.get("www-authenticate")
    return f"HTTP {response.status_code}" + (f" (WWW-Authenticate: {challenge[:80]})" if challenge else "")


def _bearer_challenge(response: httpx.Response) -> bool:
    return any(part.strip().lower().startswith("bearer")
               for part in response.headers.get_list("www-authenticate"))


def judge(probes: Sequence[Probe], expected: str) -> Result:
    problems, unsure, seen = [], [], []
    for p in probes:
        if p.unavailable:
            unsure.append(f"{p.label}: {p.unavailable}")
            continue
        seen.append(f"{p.label}: {_status(p.response)}")
        r = p.response
        if p.expect is None:
            if not p.accepted:
                problems.append(f"{p.label}: not permitted ({_status(r)})")
            continue
        if r is None or r.status_code != p.expect:
            problems.append(f"{p.label}: {'served, ' if r is not None and r.is_success else ''}{_status(r)}, "
                            f"{p.expect} expected")
        elif p.expect == 401 and not _bearer_challenge(r):
            problems.append(f"{p.label}: 401 without a WWW-Authenticate Bearer challenge (RFC 6750 3)")
        if p.leaked:
            problems.append(f"{p.label}: refused, but {p.leaked}")
        if not problems and p.control is not True:
            unsure.append(f"{p.label}: the control (the same request with the right token) was not accepted")
    observed = "; ".join(seen) or "nothing sent"
    if problems:
        return failed(expected, "; ".join(problems))
    if unsure:
        return inconclusive("; ".join(unsure), expected, observed)
    return passed(expected, observed)


def _probes(obs: Observation) -> Sequence[Probe]:
    return obs.facts.get("probes", ())


@check("oauth-no-token", "SOL023:C.2:authorize", scope=C2)
def oauth_no_token(obs: Observation) -> Result:
    """A request to the Certificate Management interface without an access token is refused with 401 and a
    WWW-Authenticate Bearer challenge."""
    return judge(_probes(obs), "401 with WWW-Authenticate: Bearer (RFC 6750 3), the same request with a token "
                               "accepted")


@check("oauth-invalid-token", "SOL023:C.2:authorize", scope=C2)
def oauth_invalid_token(obs: Observation) -> Result:
    """An expired, wrongly signed, tampered or other-audience access token is refused with 401 (one instance per
    variant)."""
    return judge(_probes(obs), "401 with a Bearer challenge (RFC 6750 3.1 invalid_token), a valid token accepted")


@check("oauth-insufficient-scope", "SOL023:C.2:authorize", scope=C2)
def oauth_insufficient_scope(obs: Observation) -> Result:
    """A valid token whose scope does not permit the resource (certnotify:<vn>:all on the subject resources) is
    refused with 403, and a refused registration registers nothing."""
    return judge(_probes(obs), "403 (RFC 6750 3.1 insufficient_scope) and no state change; the same request with "
                               "cert:<vn>:all accepted")


@check("oauth-subject-scope", "SOL023:C.2:subject-scope", scope=C2)
def oauth_subject_scope(obs: Observation) -> Result:
    """cert:<vn>:subject permits exactly GET/POST on the subjects resource and GET/DELETE on an Individual
    Subject, and nothing else of the Certificate Management interface (the CMP resources: 403)."""
    return judge(_probes(obs), "GET/POST subjects and GET/DELETE subject permitted; CMP pkcs10 and revocation "
                               "refused with 403, each accepted with cert:<vn>:all")


@check("oauth-all-scope", "SOL023:C.2:all-scope", scope=C2)
def oauth_all_scope(obs: Observation) -> Result:
    """cert:<vn>:all permits every method of the Certificate Management interface's resources (subjects and CMP)."""
    return judge(_probes(obs), "every request of the interface permitted with cert:<vn>:all")


@check("oauth-cns-token", "SOL023:C.3:authorize", scope=C3)
def oauth_cns_token(obs: Observation) -> Result:
    """The subscription resources refuse a request without a token or with an expired one (401, Bearer challenge)
    and a token without certnotify:<vn>:all (403; a refused subscription is not created)."""
    return judge(_probes(obs), "401 with a Bearer challenge without a valid token, 403 without the "
                               "certnotify:<vn>:all scope; the same requests with that scope accepted")


@check("oauth-notify-scope", "SOL023:C.3:notify-scope", scope=C3)
def oauth_notify_scope(obs: Observation) -> Result:
    """certnotify:<vn>:all permits GET/POST on the subscriptions resource and GET/DELETE on an individual
    subscription, and nothing of the Certificate Management interface (403)."""
    return judge(_probes(obs), "the subscription resources permitted with certnotify:<vn>:all; the subjects "
                               "resource refused with 403 (accepted with cert:<vn>:all)")


@check("oauth-notify-token", "SOL023:7.6.2.2:oauth2-notify",
       scope="SOL023 7.6.2.2 authentication (SubscriptionAuthentication, SOL013 8.3.4) with authType "
             "OAUTH2_CLIENT_CREDENTIALS: the notifications carry an access token obtained from the subscription's "
             "tokenEndpoint with its clientId and clientPassword")
def oauth_notify_token(obs: Observation) -> Result:
    """The CMF obtains an access token from the token endpoint the subscription names and presents it with every
    notification."""
    expected = "subscription created; every notification POST with a Bearer token the named token endpoint issued " \
               "to the subscription's clientId"
    created = obs.response
    if created is None or created.status_code != 201:
        return failed(expected, f"OAuth-authenticated subscription not created: {_status(created)}")
    posts = obs.facts.get("posts", ())
    if not posts:
        return inconclusive("no notification arrived after a certificate was issued", expected, "no POST")
    bad = [f"POST at +{i}: {p.auth}" for i, p in enumerate(posts) if p.auth != "valid"]
    observed = f"{len(posts)} notification POST(s): " + ", ".join(p.auth for p in posts)
    return failed(expected, "; ".join(bad)) if bad else passed(expected, observed)
