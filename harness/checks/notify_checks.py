"""Checks on the Certificate Notification interface (SOL023 clause 7, IFA033 11.4): subscriptions and Notify.

Notifications are attributed to subscriptions by the callback URI they arrive at (one per
subscription), and to certificates by ``certificateId`` read as the serial number (hex or
decimal; the harness binding, README "Certificate notifications").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from harness.checks.registry import (
    Observation,
    Result,
    check,
    describe_response,
    failed,
    inconclusive,
    passed,
    verdict_of,
)
from harness.checks.rest_checks import _expect_400, _json, _method_405, problem_details_issue, version_1_0_0
from simulators.notify_endpoint import Received
from harness.plaintext import plain

NOTIFICATION_TYPE = "CertificateLifecycleStateChangeNotification"
MANDATORY = ("id", "notificationType", "subscriptionId", "timeStamp", "certificateState", "certificateId")


def _self_href(body: Any) -> str:
    links = body.get("_links") if isinstance(body, dict) else None
    link = links.get("self") if isinstance(links, dict) else None
    href = link.get("href") if isinstance(link, dict) else None
    return href if isinstance(href, str) else ""


def about(notification: Any, serial: int) -> bool:
    """Whether a notification's certificateId names the certificate with this serial number."""
    if not isinstance(notification, dict):
        return False
    value = str(notification.get("certificateId", "")).strip().lower().replace(":", "")
    return value in (format(serial, "x"), str(serial)) or value.lstrip("0") == format(serial, "x")


def posts(received: list[Received]) -> list[dict[str, Any]]:
    return [r.body if isinstance(r.body, dict) else {} for r in received if r.method == "POST"]


def _states(received: list[Received], serial: int) -> list[str]:
    return [str(n.get("certificateState")) for n in posts(received) if about(n, serial)]


# ---------------------------------------------------------------------------------- subscriptions
@check("cns-api-versions", "SOL023:7.2:version")
def cns_api_versions(obs: Observation) -> Result:
    """api_versions of certnotify announces 1.0.0 under uriPrefix /certnotify/v1."""
    return version_1_0_0(obs, "certnotify")


@check("cns-endpoint-tested", "SOL023:7.3.1:endpoint-test")
def cns_endpoint_tested(obs: Observation) -> Result:
    """The CMF tests the notification endpoint with a GET before it answers 201 Created."""
    response, tests = obs.response, obs.facts["tests_before_response"]
    expected = "GET on the callbackUri (answered 204) before the 201 Created"
    if response is None or response.status_code != 201:
        return inconclusive("the subscription was not created", expected, describe_response(response))
    return verdict_of(bool(tests), expected, f"{len(tests)} GET(s) on the endpoint before the 201")


@check("cns-endpoint-test-failed-422", "SOL023:7.5.3.3.1:endpoint-422", "SOL023:7.3.1:reject-invalid")
def cns_endpoint_test_failed_422(obs: Observation) -> Result:
    """A subscription whose endpoint test fails is refused with 422 ProblemDetails and not created."""
    response = obs.response
    expected = "422 Unprocessable Content with a ProblemDetails, no subscription created"
    if not obs.facts.get("control_ok"):
        return inconclusive("a subscription with a working endpoint was not created either (control)", expected)
    if response is None or response.status_code != 422:
        return failed(expected, describe_response(response) + f"; endpoint tests seen: {plain(obs.facts['tests'])}")
    issue = problem_details_issue(response)
    if issue:
        return failed(expected, issue)
    if obs.facts.get("listed_after"):
        return failed(expected, "422 returned, but the subscription is listed afterwards")
    return passed(expected, describe_response(response))


@check("cns-malformed-rejected", "SOL023:7.3.1:reject-invalid")
def cns_malformed_rejected(obs: Observation) -> Result:
    """A malformed CertificateSubscriptionRequest is rejected (400 or 422)."""
    response = obs.response
    expected = f"400 Bad Request or 422 for {obs.facts['why']}"
    if not obs.facts.get("control_ok"):
        return inconclusive("a well-formed subscription was not created either (control)", expected)
    return verdict_of(response is not None and response.status_code in (400, 422), expected,
                      describe_response(response))


@check("cns-subscribe-created", "SOL023:7.5.3.3.1:created", "CMF.CNS.001", "Cm-Vnfm.003")
def cns_subscribe_created(obs: Observation) -> Result:
    """Subscribe: 201 Created, a CertificateSubscription body and a Location header pointing to it."""
    response, requested = obs.response, obs.facts["callback"]
    expected = "201 with CertificateSubscription {id, callbackUri, _links.self} and Location = _links.self.href"
    if response is None or response.status_code != 201:
        return failed(expected, describe_response(response))
    body = _json(response)
    problems = []
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body.get("id"):
        problems.append("no id")
        body = body if isinstance(body, dict) else {}
    if body.get("callbackUri") != requested:
        problems.append(f"callbackUri {body.get('callbackUri')!r} is not the requested {requested!r}")
    location = response.headers.get("location", "")
    if not location:
        problems.append("no Location header")
    elif not location.rstrip("/").endswith(f"/subscriptions/{body.get('id')}"):
        problems.append(f"Location {location} does not point to subscription {body.get('id')}")
    if not _self_href(body):
        problems.append("no _links.self.href")
    return verdict_of(not problems, expected, "; ".join(problems) or describe_response(response))


@check("cns-duplicate", "SOL023:7.5.3.3.1:duplicate", scope="PICS option pics.duplicate_subscription (201 or 303)")
def cns_duplicate(obs: Observation) -> Result:
    """An identical duplicate subscription gets what the PICS claims: 303 + Location of the existing one, or 201."""
    response, policy, first = obs.response, obs.facts["policy"], obs.facts["first"]
    if first is None:
        return inconclusive("the first subscription was not created")
    if policy == "201":
        expected = "201 Created with a new Individual subscription (pics.duplicate_subscription = 201)"
        body = _json(response)
        ok = response is not None and response.status_code == 201 and isinstance(body, dict) and \
            body.get("id") not in (None, first[0])
        return verdict_of(ok, expected, describe_response(response))
    expected = f"303 See Other, Location = {first[1]}, empty body"
    if response is None or response.status_code != 303:
        return failed(expected, describe_response(response))
    location = response.headers.get("location", "")
    if location.rstrip("/") != first[1].rstrip("/") and not location.rstrip("/").endswith(
            f"/subscriptions/{first[0]}"):
        return failed(expected, f"303 with Location {location!r}")
    if response.content:
        return failed(expected, f"303 with a body: {response.text[:200]}")
    return passed(expected, f"303, Location {location}")


@check("cns-query-list", "SOL023:7.5.3.3.2:ok")
def cns_query_list(obs: Observation) -> Result:
    """GET subscriptions: 200 with an array holding the caller's active subscriptions and nobody else's."""
    response, mine, foreign = obs.response, set(obs.facts["mine"]), set(obs.facts["foreign"])
    expected = f"200 with an array containing {plain(sorted(mine))}" + (
        f" and not another consumer's {plain(sorted(foreign))}" if foreign else "")
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, list):
        return failed(expected, describe_response(response))
    ids = {i.get("id") for i in body if isinstance(i, dict)}
    missing, leaked = mine - ids, foreign & ids
    observed = f"{len(body)} item(s)" + (f"; missing {plain(sorted(missing))}" if missing else "") + (
        f"; lists another consumer's {plain(sorted(leaked))}" if leaked else "")
    return verdict_of(not missing and not leaked, expected, observed)


@check("cns-query-filter", "SOL023:7.5.3.3.2:filter")
def cns_query_filter(obs: Observation) -> Result:
    """GET subscriptions?filter=(eq,id,X) returns exactly subscription X."""
    response, wanted = obs.response, obs.facts["wanted"]
    expected = f"200 with exactly [{wanted}]"
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, list):
        return failed(expected, describe_response(response))
    ids = [i.get("id") for i in body if isinstance(i, dict)]
    return verdict_of(ids == [wanted], expected, f"ids {plain(ids)}")


@check("cns-query-bad-filter", "SOL023:7.5.3.3.2:bad-filter")
def cns_query_bad_filter(obs: Observation) -> Result:
    """An invalid filter expression on GET subscriptions is answered 400 with a ProblemDetails."""
    return _expect_400(obs, "the invalid filter")


@check("cns-read", "SOL023:7.5.4.3.2:ok")
def cns_read(obs: Observation) -> Result:
    """GET on an Individual subscription: 200 with its CertificateSubscription (id, callbackUri, _links.self)."""
    response, sub_id, callback = obs.response, obs.facts["id"], obs.facts["callback"]
    expected = f"200 with CertificateSubscription id {sub_id}, callbackUri {callback}, _links.self"
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, dict):
        return failed(expected, describe_response(response))
    ok = body.get("id") == sub_id and body.get("callbackUri") == callback and bool(_self_href(body))
    return verdict_of(ok, expected, describe_response(response))


@check("cns-delete", "SOL023:7.5.4.3.5:deleted")
def cns_delete(obs: Observation) -> Result:
    """DELETE on an Individual subscription: 204 with no body, and the resource is gone (GET 404)."""
    response, after = obs.response, obs.facts["after"]
    expected = "204 No Content, empty body; then GET on the resource 404 Not Found"
    if response is None or response.status_code != 204 or response.content:
        return failed(expected, describe_response(response))
    return verdict_of(after is not None and after.status_code == 404, expected,
                      f"204; GET afterwards: {describe_response(after)}")


for _name, _req in (
    ("cns-subscriptions-put-405", "SOL023:7.5.3.3.3:put-405"),
    ("cns-subscriptions-patch-405", "SOL023:7.5.3.3.4:patch-405"),
    ("cns-subscriptions-delete-405", "SOL023:7.5.3.3.5:delete-405"),
    ("cns-subscription-post-405", "SOL023:7.5.4.3.1:post-405"),
    ("cns-subscription-put-405", "SOL023:7.5.4.3.3:put-405"),
    ("cns-subscription-patch-405", "SOL023:7.5.4.3.4:patch-405"),
):
    check(_name, _req)(_method_405)


# --------------------------------------------------------------------------------------- Notify
def _delivered(obs: Observation, state: str) -> Result:
    received, serial = obs.facts["received"], obs.facts["serial"]
    expected = f"a notification with certificateId {format(serial, 'x')} and certificateState {state} " \
               f"within {obs.facts['wait']} s"
    states = _states(received, serial)
    return verdict_of(state in states, expected, f"states notified for it: {plain(states)}" if states else
                      f"nothing about it ({len(posts(received))} notification(s) in all)")


@check("cns-notify-issued", "SOL023:7.3.2:notify")
def cns_notify_issued(obs: Observation) -> Result:
    """A subscriber without filter is notified of a certificate issued for its VNFCI (state VALID)."""
    return _delivered(obs, "VALID")


@check("cns-notify-revoked", "SOL023:7.3.2:notify")
def cns_notify_revoked(obs: Observation) -> Result:
    """A subscriber without filter is notified of a revocation (state REVOKED)."""
    return _delivered(obs, "REVOKED")


@check("cns-no-notify-after-delete", "SOL023:7.5.4.3.5:no-notifications",
       scope="notifications within pixit.notify_quiet_seconds of the DELETE are tolerated (7.5.4.3.5 NOTE)")
def cns_no_notify_after_delete(obs: Observation) -> Result:
    """After Terminate Subscription (and the race window), no notification reaches the deleted subscription."""
    deleted, late = obs.response, obs.facts["late"]
    expected = f"no notification for an event that happened {obs.facts['quiet']} s after the DELETE"
    if deleted is None or deleted.status_code != 204:
        return inconclusive("the DELETE was not answered 204", expected, describe_response(deleted))
    if not obs.facts.get("control_ok"):
        return inconclusive("the event was not notified to the subscription still active (control)", expected)
    return verdict_of(not late, expected, f"{len(late)} notification(s) received for it" if late else
                      "none received, while the active subscription was notified")


def _all_notifications(obs: Observation) -> list[dict[str, Any]]:
    return posts(obs.facts["received"])


@check("cns-notification-body", "SOL023:7.5.5.3.1:body", "SOL023:7.6.2.4:type")
def cns_notification_body(obs: Observation) -> Result:
    """Every notification is a CertificateLifecycleStateChangeNotification with its mandatory attributes."""
    notes = _all_notifications(obs)
    expected = f'notificationType "{NOTIFICATION_TYPE}" and {", ".join(MANDATORY)} present in every notification'
    if not notes:
        return inconclusive("no notification was received", expected)
    problems = []
    for n in notes:
        missing = [a for a in MANDATORY if not isinstance(n.get(a), str) or not n.get(a)]
        if missing:
            problems.append(f"{n.get('id', '?')}: missing {plain(missing)}")
        if n.get("notificationType") != NOTIFICATION_TYPE:
            problems.append(f"{n.get('id', '?')}: notificationType {n.get('notificationType')!r}")
        try:
            datetime.fromisoformat(str(n.get("timeStamp")).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{n.get('id', '?')}: timeStamp {n.get('timeStamp')!r} is not a DateTime")
    return verdict_of(not problems, expected, "; ".join(problems[:5]) or f"{len(notes)} notification(s) conform")


@check("cns-notification-subscription-id", "SOL023:7.6.2.4:subscription-id")
def cns_notification_subscription_id(obs: Observation) -> Result:
    """subscriptionId of each notification is the id of the subscription whose callback received it."""
    ids: dict[str, str] = obs.facts["subscription_ids"]  # callback name -> subscription id
    received: list[Received] = obs.facts["received"]
    expected = "subscriptionId = id of the CertificateSubscription of the callback URI"
    pairs = [(r.callback, r.body) for r in received if r.method == "POST" and r.callback in ids]
    if not pairs:
        return inconclusive("no notification was received", expected)
    wrong = [f"{cb}: {b.get('subscriptionId') if isinstance(b, dict) else b!r} (expected {ids[cb]})"
             for cb, b in pairs if not isinstance(b, dict) or b.get("subscriptionId") != ids[cb]]
    return verdict_of(not wrong, expected, "; ".join(wrong[:5]) or f"{len(pairs)} notification(s) correct")


@check("cns-notification-links", "SOL023:7.6.2.4:links")
def cns_notification_links(obs: Observation) -> Result:
    """_links.subscription/subject/certificate point to the subscriptionId, the subject and the certificateId."""
    notes = _all_notifications(obs)
    subjects: dict[int, str] = obs.facts["subjects"]  # serial -> Individual Subject resource id
    expected = "_links.subscription.href ends /subscriptions/{subscriptionId}; _links.subject.href the subject " \
               "resource; _links.certificate.href names certificateId"
    if not notes:
        return inconclusive("no notification was received", expected)
    problems = []
    for n in notes:
        links = n.get("_links") if isinstance(n.get("_links"), dict) else {}
        href = {k: (links.get(k) or {}).get("href", "") if isinstance(links.get(k), dict) else ""
                for k in ("subscription", "subject", "certificate")}
        if not str(href["subscription"]).rstrip("/").endswith(f"/subscriptions/{n.get('subscriptionId')}"):
            problems.append(f"subscription link {href['subscription']!r} vs subscriptionId {n.get('subscriptionId')}")
        serial = next((s for s in subjects if about(n, s)), None)
        if not href["subject"] or (serial is not None and subjects[serial] not in str(href["subject"])):
            problems.append(f"subject link {href['subject']!r}")
        if not href["certificate"] or str(n.get("certificateId")) not in str(href["certificate"]):
            problems.append(f"certificate link {href['certificate']!r} vs certificateId {n.get('certificateId')}")
    return verdict_of(not problems, expected, "; ".join(problems[:4]) or f"{len(notes)} notification(s) correct")


@check("cns-filter", "SOL023:7.6.2.2:filter", "IFA033:11.4.2.4:filter")
def cns_filter(obs: Observation) -> Result:
    """A filtered subscription gets exactly the notifications matching its filter (certificationType, state)."""
    filters: dict[str, dict[str, list[str]]] = obs.facts["filters"]  # callback -> filter
    received: list[Received] = obs.facts["received"]
    types: dict[int, str] = obs.facts["types"]  # serial -> cert type
    control: str = obs.facts["control"]  # callback of an unfiltered subscription
    expected = "notifications matching the filter delivered, no others"
    seen_by_control = {(s, st) for s in types for st in _states([r for r in received if r.callback == control], s)}
    if not seen_by_control:
        return inconclusive("the unfiltered subscription (control) received nothing", expected)
    problems = []
    for callback, flt in filters.items():
        mine = [r for r in received if r.callback == callback]
        got = {(s, st) for s in types for st in _states(mine, s)}
        for serial, state in sorted(got):
            if not _match(flt, types[serial], state):
                problems.append(f"{callback} ({plain(flt)}) got {types[serial]} {state}")
        for serial, state in sorted(seen_by_control - got):
            if _match(flt, types[serial], state):
                problems.append(f"{callback} ({plain(flt)}) missed {types[serial]} {state}")
    return verdict_of(not problems, expected, "; ".join(problems[:5]) or
                      f"{len(filters)} filtered subscription(s) got exactly their events")


def _match(flt: dict[str, list[str]], cert_type: str, state: str) -> bool:
    kinds, states = flt.get("certificationType"), flt.get("certificateState")
    return (not kinds or cert_type in kinds) and (not states or state in states)


@check("cns-verbosity", "SOL023:7.6.2.2:verbosity")
def cns_verbosity(obs: Observation) -> Result:
    """verbosity defaults to FULL (change details included); SHORT notifications omit affectedCertificate/Subject."""
    full: list[dict[str, Any]] = posts(obs.facts["full"])
    short: list[dict[str, Any]] = posts(obs.facts["short"])
    default = obs.facts["default_representation"]
    expected = "FULL by default (affectedCertificate present); SHORT: verbosity SHORT, no affected* details"
    if not full or not short:
        return inconclusive("the FULL or the SHORT subscription received no notification", expected)
    problems = []
    if isinstance(default, dict) and default.get("verbosity") not in (None, "FULL"):
        problems.append(f"subscription without verbosity reads back {default.get('verbosity')!r}")
    problems += [f"FULL notification without change details ({n.get('id')})" for n in full
                 if n.get("verbosity", "FULL") != "FULL" or not (n.get("affectedCertificate") or n.get("affectedSubject"))]
    problems += [f"SHORT subscription got verbosity {n.get('verbosity')!r} with "
                 f"{[k for k in ('affectedCertificate', 'affectedSubject') if n.get(k)]}" for n in short
                 if n.get("verbosity") != "SHORT" or n.get("affectedCertificate") or n.get("affectedSubject")]
    return verdict_of(not problems, expected, "; ".join(problems[:4]) or
                      f"{len(full)} FULL and {len(short)} SHORT notification(s) as subscribed")


@check("cns-notify-expiry", "SOL023:7.3.2:notify", "IFA033:11.4.2.2:states",
       scope="needs a short-lived test certificate profile of the SUT (pixit.short_lived_san_domain)")
def cns_notify_expiry(obs: Observation) -> Result:
    """A certificate's subscriber is told it is expiring soon (before notAfter) and expired (after notAfter)."""
    received: list[Received] = obs.facts["received"]
    serial, not_after = obs.facts["serial"], obs.facts["not_after_mono"]
    tolerance = 0.5
    expected = f"EXPIRING_SOON before notAfter and EXPIRED at or after notAfter (±{tolerance} s)"
    mine = [(r.at, str(r.body.get("certificateState"))) for r in received
            if r.method == "POST" and isinstance(r.body, dict) and about(r.body, serial)]
    soon = [at - not_after for at, state in mine if state == "EXPIRING_SOON"]
    gone = [at - not_after for at, state in mine if state == "EXPIRED"]
    ok = any(d < tolerance for d in soon) and any(d > -tolerance for d in gone)
    observed = ", ".join(f"{state} at notAfter{at - not_after:+.2f} s" for at, state in mine) or "no notification"
    return verdict_of(ok, expected, observed)
