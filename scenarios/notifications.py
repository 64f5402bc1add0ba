"""Certificate Notification interface (SOL023 clause 7, IFA033 11.4): subscribe, query, terminate, notify.

The harness plays the VNFM: it subscribes with callback URIs on its own notification endpoint
(simulators.notify_endpoint, one URI per subscription) and provokes certificate events through
the Certificate Management interface (register + p10cr, rr), then judges what arrives.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from harness.checks.registry import Observation
from harness.context import RunContext
from harness.overlap import NOTIFICATIONS
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from harness.sut_input import json_or_none
from scenarios.common import Scenario, json_body, note_stimulus, probe_methods
from scenarios.flows_notify import MANAGE_SUBSCRIPTIONS, SEND_NOTIFICATIONS
from simulators.notify_endpoint import NotificationEndpoint, notification_endpoint
from simulators.vnfm import seqs_of

SUBS = "/certnotify/v1/subscriptions"


def subscription_request(url: str, *, verbosity: str | None = None,
                         flt: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"callbackUri": url, "authentication": {"authType": ["TLS_CERT"]}}
    if verbosity:
        body["verbosity"] = verbosity
    if flt:
        body["filter"] = flt
    return body


def _claimed(ctx: RunContext) -> str | None:
    if not ctx.profile.pics.cert_notifications:
        return "the PICS does not claim the Certificate Notification interface (pics.cert_notifications)"
    return None


def _events_claimed(ctx: RunContext) -> str | None:
    pics = ctx.profile.pics
    if not pics.rest_registration or not pics.delegation_mode:
        return "certificate events are provoked through delegation-mode registration (pics.rest_registration)"
    return _claimed(ctx)


@contextmanager
def _endpoint(ctx: RunContext) -> Iterator[NotificationEndpoint]:
    ctx.require(NOTIFICATIONS)
    pixit = ctx.profile.pixit
    with notification_endpoint(ctx.trace, pixit.vnfm.cert, pixit.vnfm.key, pixit.client_ca,
                               ctx.listener("notify")) as endpoint:
        yield endpoint


# SOL023 7.3.1 ------------------------------------------------------------------------------------
def run_manage(ctx: RunContext, rec: Recorder) -> None:
    rec.step("1")
    versions = ctx.vnfm.request("GET", "/certnotify/v1/api_versions")
    rec.check("cns-api-versions", Observation(response=versions, trace_seqs=seqs_of(versions)), step="1")
    with _endpoint(ctx) as endpoint:
        url = endpoint.configure("main")
        sent = time.monotonic()
        created = ctx.vnfm.request("POST", SUBS, json=subscription_request(url))
        answered = time.monotonic()
        note_stimulus(rec, "1", created, "CertificateSubscriptionRequest (no filter, verbosity absent)")
        tests = [r for r in endpoint.received("main", "GET") if sent <= r.at <= answered]
        rec.step("2")
        rec.check("cns-endpoint-tested", Observation(response=created, facts={"tests_before_response": tests},
                                                     trace_seqs=seqs_of(created) + tuple(r.seq for r in tests)),
                  step="2")
        rec.note("3", Verdict.PASS if tests else Verdict.NOT_TESTED,
                 "the harness's endpoint answered 204" if tests else "no endpoint test arrived", tuple(r.seq for r in tests))
        rec.step("5")
        rec.check("cns-subscribe-created", Observation(response=created, facts={"callback": url},
                                                       trace_seqs=seqs_of(created)), step="5")
        body = json_body(created)
        sub_id = str(body.get("id", "")) if created.status_code == 201 else ""
        if not sub_id:
            raise PreconditionFailed(f"the subscription was not created: HTTP {created.status_code}")
        href = str(((body.get("_links") or {}).get("self") or {}).get("href") or created.headers.get("location", ""))
        _error_handling(ctx, rec, endpoint)
        again = ctx.vnfm.request("POST", SUBS, json=subscription_request(url))
        rec.check("cns-duplicate", Observation(response=again, facts={
            "policy": ctx.profile.pics.duplicate_subscription, "first": (sub_id, href)}, trace_seqs=seqs_of(again)),
            step="5")
        extra = json_body(again).get("id") if again.status_code == 201 else None
        foreign = _foreign_subscription(ctx, endpoint)
        second = ctx.vnfm.request("POST", SUBS, json=subscription_request(
            endpoint.configure("second"), verbosity="SHORT", flt={"certificateState": ["REVOKED"]}))
        other = str(json_body(second).get("id", "")) if second.status_code == 201 else ""
        if not other:
            raise PreconditionFailed(f"a second subscription was not created: HTTP {second.status_code}")
        rec.step("6")
        listed = ctx.vnfm.request("GET", SUBS)
        rec.check("cns-query-list", Observation(response=listed, facts={"mine": [sub_id, other], "foreign": foreign},
                                                trace_seqs=seqs_of(listed)), step="7")
        filtered = ctx.vnfm.request("GET", SUBS, params={"filter": f"(eq,id,{sub_id})"})
        rec.check("cns-query-filter", Observation(response=filtered, facts={"wanted": sub_id},
                                                  trace_seqs=seqs_of(filtered)), step="7")
        bad = ctx.vnfm.request("GET", SUBS, params={"filter": "(eq,id"})
        rec.check("cns-query-bad-filter", Observation(response=bad, facts={"value": "(eq,id", "control": filtered},
                                                      trace_seqs=seqs_of(bad)), step="7")
        probe_methods(ctx, rec, SUBS, (("PUT", "cns-subscriptions-put-405"), ("PATCH", "cns-subscriptions-patch-405"),
                                       ("DELETE", "cns-subscriptions-delete-405")), "7")
        probe_methods(ctx, rec, f"{SUBS}/{sub_id}", (("POST", "cns-subscription-post-405"),
                                                     ("PUT", "cns-subscription-put-405"),
                                                     ("PATCH", "cns-subscription-patch-405")), "9")
        rec.step("8")
        read = ctx.vnfm.request("GET", f"{SUBS}/{sub_id}")
        rec.check("cns-read", Observation(response=read, facts={"id": sub_id, "callback": url},
                                          trace_seqs=seqs_of(read)), step="9")
        rec.step("10")
        deleted = ctx.vnfm.request("DELETE", f"{SUBS}/{sub_id}")
        after = ctx.vnfm.request("GET", f"{SUBS}/{sub_id}")
        rec.check("cns-delete", Observation(response=deleted, facts={"after": after},
                                            trace_seqs=seqs_of(deleted, after)), step="11")
        ctx.vnfm.request("DELETE", f"{SUBS}/{other}")
        for leftover in (extra, *foreign):  # leave no subscription behind
            if leftover:
                client = ctx.vnfm if leftover == extra else ctx.vnfm2
                if client is not None:
                    client.request("DELETE", f"{SUBS}/{leftover}")


def _error_handling(ctx: RunContext, rec: Recorder, endpoint: NotificationEndpoint) -> None:
    """7.3.1 error handling: an endpoint that fails its test, malformed subscription information. Called once a
    well-formed subscription with a working endpoint was created: that is the control of both checks."""
    control_ok = True
    url = endpoint.configure("broken", test_status=404)
    refused = ctx.vnfm.request("POST", SUBS, json=subscription_request(url))
    listed = ctx.vnfm.request("GET", SUBS)
    listing = json_or_none(listed.content, "subscription list") if listed.status_code == 200 else None
    leaked = [i for i in (listing if isinstance(listing, list) else []) if isinstance(i, dict)
              and i.get("callbackUri") == url]
    tests = [r.seq for r in endpoint.received("broken", "GET")]
    rec.check("cns-endpoint-test-failed-422", Observation(response=refused, facts={
        "control_ok": control_ok, "tests": len(tests), "listed_after": bool(leaked)},
        trace_seqs=seqs_of(refused, listed) + tuple(tests)), step="3")
    for item in leaked:
        ctx.vnfm.request("DELETE", f"{SUBS}/{item.get('id')}")
    # a callbackUri without a port (the scheme's default, where the harness serves nothing): tested and refused too
    portless = f"https://127.0.0.1/nfvct-no-endpoint/{ctx.rng.getrandbits(32):08x}"
    unserved = ctx.vnfm.request("POST", SUBS, json=subscription_request(portless))
    rec.check("cns-endpoint-test-failed-422", Observation(response=unserved, facts={
        "control_ok": control_ok, "tests": "none (nothing is served there)", "listed_after": False},
        trace_seqs=seqs_of(unserved)), step="3", instance="callbackUri without a port")
    if unserved.status_code == 201 and json_body(unserved).get("id"):
        ctx.vnfm.request("DELETE", f"{SUBS}/{json_body(unserved)['id']}")
    good = subscription_request(endpoint.configure("malformed"))
    for why, body in (("a request without callbackUri", {k: v for k, v in good.items() if k != "callbackUri"}),
                      ("a request without authentication (cardinality 1)",
                       {k: v for k, v in good.items() if k != "authentication"}),
                      ("a callbackUri whose host is not a valid IDNA name",
                       {**good, "callbackUri": "https://xn--zz.invalid/nfvct"})):
        response = ctx.vnfm.request("POST", SUBS, json=body)
        rec.check("cns-malformed-rejected", Observation(response=response, facts={"why": why, "control_ok": control_ok},
                                                        trace_seqs=seqs_of(response)), step="5")
        if response.status_code == 201 and json_body(response).get("id"):
            ctx.vnfm.request("DELETE", f"{SUBS}/{json_body(response)['id']}")


def _foreign_subscription(ctx: RunContext, endpoint: NotificationEndpoint) -> list[str]:
    """A subscription of VNFM-2, which VNFM's query must not list (7.5.3.3.2: 'of the functional block')."""
    if ctx.vnfm2 is None:
        return []
    response = ctx.vnfm2.request("POST", SUBS, json=subscription_request(endpoint.configure("vnfm2")))
    sub_id = json_body(response).get("id") if response.status_code == 201 else None
    return [str(sub_id)] if sub_id else []


MANAGE_CHECKS = ("cns-api-versions", "cns-endpoint-tested", "cns-subscribe-created", "cns-endpoint-test-failed-422",
                 "cns-malformed-rejected", "cns-duplicate", "cns-query-list", "cns-query-filter",
                 "cns-query-bad-filter", "cns-subscriptions-put-405", "cns-subscriptions-patch-405",
                 "cns-subscriptions-delete-405", "cns-subscription-post-405", "cns-subscription-put-405",
                 "cns-subscription-patch-405", "cns-read", "cns-delete")


def scenarios() -> list[Scenario]:
    from scenarios.notify_events import EVENT_CHECKS, EXPIRY_CHECKS, run_events, run_expiry

    return [
        Scenario("SOL023-7.3.1[subscriptions]", "SOL023 7.3.1", "Certificate Notification: managing subscriptions",
                 MANAGE_SUBSCRIPTIONS, MANAGE_CHECKS, run_manage, {}, _claimed,
                 uses=frozenset({NOTIFICATIONS})),
        Scenario("SOL023-7.3.2[notify]", "SOL023 7.3.2",
                 "Certificate Notification: issuance and revocation notified, filters, verbosity, termination",
                 SEND_NOTIFICATIONS, EVENT_CHECKS, run_events, {}, _events_claimed, issues=True,
                 uses=frozenset({NOTIFICATIONS})),
        Scenario("SOL023-7.3.2[expiry]", "SOL023 7.3.2", "Certificate Notification: expiring-soon and expired",
                 SEND_NOTIFICATIONS, EXPIRY_CHECKS, run_expiry, {}, _events_claimed, issues=True,
                 uses=frozenset({NOTIFICATIONS})),
    ]

