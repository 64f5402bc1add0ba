"""SOL023 7.3.2 (Notify): the harness provokes certificate events and judges the notifications that arrive.

Waiting is bounded by the PIXIT: ``notify_wait_seconds`` for a notification that should come,
``notify_quiet_seconds`` for one that should not (also the race window 7.5.4.3.5 allows after
DELETE).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

import httpx

from harness.checks.notify_checks import about, posts
from harness.checks.registry import Observation, inconclusive
from harness.context import RunContext
from harness.model import Verdict
from harness.overlap import NOTIFICATIONS
from harness.recorder import PreconditionFailed, Recorder
from scenarios.common import Obtained, Registered, json_body, obtain, register, registration_body
from scenarios.notifications import SUBS, _endpoint, subscription_request
from simulators.notify_endpoint import NotificationEndpoint, Received
from simulators.vnfm import seqs_of

EVENT_CHECKS = ("cns-notify-issued", "cns-notify-revoked", "cns-no-notify-after-delete", "cns-filter",
                "cns-verbosity", "cns-notification-body", "cns-notification-subscription-id",
                "cns-notification-links")
EXPIRY_CHECKS = ("cns-notify-expiry",)


def _subscribe(ctx: RunContext, endpoint: NotificationEndpoint, name: str, *, fail_posts: int = 0,
               **kwargs: Any) -> str:
    url = endpoint.configure(name, fail_posts=fail_posts)
    response = ctx.vnfm.request("POST", SUBS, json=subscription_request(url, **kwargs))
    body = json_body(response)
    if response.status_code != 201 or not body.get("id"):
        raise PreconditionFailed(f"subscription {name!r} not created: HTTP {response.status_code} {response.text[:200]}")
    return str(body["id"])


def _issue(ctx: RunContext, rec: Recorder, cert_type: str, reg: Registered | None = None) -> tuple[Registered, Obtained]:
    reg = reg or register(ctx, rec, cert_type, step="1")
    obtained = obtain(ctx, rec, cert_type, reg, chain_request=False, poll_step="1")
    if obtained.cert is None:
        raise PreconditionFailed(f"no {cert_type} was issued: {obtained.how}")
    return reg, obtained


def _got(endpoint: NotificationEndpoint, callback: str, serial: int, state: str, wait: float) -> list[Received]:
    def arrived(received: list[Received]) -> bool:
        return any(about(n, serial) and n.get("certificateState") == state
                   for n in posts([r for r in received if r.callback == callback]))
    endpoint.wait_for(arrived, wait)
    return endpoint.received(callback)


def _seqs(received: list[Received]) -> tuple[int, ...]:
    return tuple(r.seq for r in received)


def run_events(ctx: RunContext, rec: Recorder) -> None:
    pixit, types = ctx.profile.pixit, ctx.profile.pics.cert_types
    first, second = types[0], types[-1]
    wait, quiet = pixit.notify_wait_seconds, pixit.notify_quiet_seconds
    with _endpoint(ctx) as ep:
        rec.step("pre-condition")
        filters = {"short": {"certificationType": [second]}, "revoked": {"certificateState": ["REVOKED"]},
                   "both": {"certificationType": [first], "certificateState": ["REVOKED"]}}  # all attributes match
        if first != second:
            filters["either"] = {"certificationType": [first, second]}  # any value of one attribute
        # "revoked" (a filter without certificationType) is subscribed after the issuances: a CMF that needs a
        # certificationType in every filter (a crash) must not hide one that ignores it (judged per phase)
        ids = {"full": _subscribe(ctx, ep, "full"),
               "short": _subscribe(ctx, ep, "short", verbosity="SHORT", flt=filters["short"]),
               **{name: _subscribe(ctx, ep, name, flt=filters[name]) for name in ("both", "either") if name in filters},
               "gone": _subscribe(ctx, ep, "gone"),
               "retry": _subscribe(ctx, ep, "retry", fail_posts=2)}
        default = json_body(ctx.vnfm.request("GET", f"{SUBS}/{ids['full']}"))
        try:
            _events(ctx, rec, ep, ids, filters, default, first, second, wait, quiet)
        except (PreconditionFailed, httpx.TransportError):
            if [o.check for _, o in rec.outcomes].count("cns-filter") == 1:  # the issuance phase only
                rec.record("cns-filter", inconclusive("not reached: the revocation phase did not complete"))
            raise
        finally:
            for sub_id in ids.values():
                ctx.vnfm.request("DELETE", f"{SUBS}/{sub_id}")


def _events(ctx: RunContext, rec: Recorder, ep: NotificationEndpoint, ids: dict[str, str],
            filters: dict[str, dict[str, list[str]]], default: dict[str, Any], first: str, second: str,
            wait: float, quiet: float) -> None:
    rec.step("1")
    reg_x, x = _issue(ctx, rec, first)
    sx = x.cert.serial_number  # type: ignore[union-attr]
    full = _got(ep, "full", sx, "VALID", wait)
    rec.check("cns-notify-issued", Observation(facts={"received": full, "serial": sx, "wait": wait},
                                               trace_seqs=x.seqs + _seqs(full)), step="1")
    reg_y, y = _issue(ctx, rec, second)
    sy = y.cert.serial_number  # type: ignore[union-attr]
    _got(ep, "full", sy, "VALID", wait)  # the filtered subscriptions are judged after the final quiet window
    _filter_after_issuance(rec, ep, {k: v for k, v in filters.items() if k != "revoked"},
                           {sx: first, sy: second}, wait)
    ids["revoked"] = _subscribe(ctx, ep, "revoked", flt=filters["revoked"])
    revoked = ctx.vnfm.rr(first, x.cert)  # type: ignore[arg-type]
    accepted = revoked.message is not None and any(s.status in (0, 1) for s in revoked.message.rev_statuses)
    if not accepted:
        raise PreconditionFailed(f"the revocation of {sx:x} was not accepted (HTTP {revoked.response.status_code})")
    full = _got(ep, "full", sx, "REVOKED", wait)
    rec.check("cns-notify-revoked", Observation(facts={"received": full, "serial": sx, "wait": wait},
                                                trace_seqs=revoked.seqs + _seqs(full)), step="1")

    # Terminate Subscription, then an event: nothing may reach the deleted subscription after the race window
    deleted = ctx.vnfm.request("DELETE", f"{SUBS}/{ids.pop('gone')}")
    time.sleep(quiet)
    _, z = _issue(ctx, rec, first)
    sz = z.cert.serial_number  # type: ignore[union-attr]
    control = _got(ep, "full", sz, "VALID", wait)
    time.sleep(quiet)
    late = [r for r in ep.received("gone", "POST") if isinstance(r.body, dict) and about(r.body, sz)]
    rec.check("cns-no-notify-after-delete", Observation(response=deleted, facts={
        "late": late, "control_ok": any(about(n, sz) for n in posts(control)), "quiet": quiet},
        trace_seqs=seqs_of(deleted) + _seqs(late)), step="1")

    everything = [r for r in ep.received() if r.callback in ids or r.callback == "gone"]
    subjects = {sx: reg_x.subject_id, sy: reg_y.subject_id}
    facts = {"received": everything, "subscription_ids": {**ids}, "subjects": subjects}
    seqs = _seqs(everything)[:20]
    rec.check("cns-notification-body", Observation(facts=facts, trace_seqs=seqs), step="1")
    rec.check("cns-notification-subscription-id", Observation(facts=facts, trace_seqs=seqs), step="1")
    rec.check("cns-notification-links", Observation(facts=facts, trace_seqs=seqs), step="1")
    rec.check("cns-filter", Observation(facts={
        "filters": filters, "received": everything, "types": {sx: first, sy: second, sz: first},
        "control": "full"}, trace_seqs=_seqs([r for name in filters for r in ep.received(name)])), step="1")
    rec.check("cns-verbosity", Observation(facts={
        "full": ep.received("full"), "short": ep.received("short"), "default_representation": default},
        trace_seqs=_seqs(ep.received("short"))), step="1")
    rec.note("2", Verdict.PASS, f"the harness's endpoint acknowledged {len(ep.received(method='POST'))} "
             "notification POST(s) with 204 (except where it simulated failures)")
    _redelivery_note(rec, ep, sx)


def _filter_after_issuance(rec: Recorder, ep: NotificationEndpoint, filters: dict[str, dict[str, list[str]]],
                           types: dict[int, str], wait: float) -> None:
    """cns-filter over the issuances alone (7.6.2.2: sent 'if the filter matches'), before a subscription
    without certificationType exists: what matches is waited for, what arrived by then is judged."""
    for name, flt in filters.items():
        for serial, cert_type in types.items():
            if (not flt.get("certificationType") or cert_type in flt["certificationType"]) and \
                    (not flt.get("certificateState") or "VALID" in flt["certificateState"]):
                _got(ep, name, serial, "VALID", wait)
    received = [r for r in ep.received() if r.callback in filters or r.callback == "full"]
    rec.check("cns-filter", Observation(facts={"filters": filters, "received": received, "types": types,
                                               "control": "full"}, trace_seqs=_seqs(received)[:20]),
              step="1", instance="issuance")


def _redelivery_note(rec: Recorder, ep: NotificationEndpoint, serial: int) -> None:
    """7.3.2 error handling: the CMF 'can retry'. What it did is reported, not judged (no requirement)."""
    tries = [r for r in ep.received("retry", "POST") if isinstance(r.body, dict) and about(r.body, serial)
             and r.body.get("certificateState") == "VALID"]
    if not tries:
        text = "no notification reached the endpoint that failed its first 2 POSTs"
    else:
        offsets = ", ".join(f"+{t.at - tries[0].at:.2f} s ({t.answered})" for t in tries)
        delivered = any(t.answered == 204 for t in tries)
        text = (f"endpoint answered 503 to its first 2 POSTs: the CMF made {len(tries)} attempt(s) for the first "
                f"notification at {offsets}; {'delivered in the end' if delivered else 'not delivered'}")
    rec.note("2", Verdict.NOT_TESTED, "informative, no requirement to judge (SOL023 7.3.2: the CMF 'can retry'): "
             + text, _seqs(tries))


# expiring-soon and expired ------------------------------------------------------------------------
def run_expiry(ctx: RunContext, rec: Recorder) -> None:
    pixit = ctx.profile.pixit
    if not ctx.profile.pics.notify_expiry:
        rec.skip_remaining(EXPIRY_CHECKS, Verdict.NOT_APPLICABLE,
                           "the PICS does not claim expiring-soon/expired notifications (pics.notify_expiry)")
        return
    if not pixit.short_lived_san_domain or pixit.short_lived_seconds <= 0:
        rec.skip_remaining(EXPIRY_CHECKS, Verdict.NOT_TESTED,
                           "expiry cannot be observed within a run: set pixit.short_lived_san_domain and "
                           "pixit.short_lived_seconds to a short-lived test certificate profile of the SUT")
        return
    cert_type = ctx.profile.pics.cert_types[0]
    with _endpoint(ctx) as ep:
        rec.step("pre-condition")
        sub_id = _subscribe(ctx, ep, "expiry", flt={"certificateState": ["EXPIRING_SOON", "EXPIRED"]})
        try:
            vnfci_id, data = ctx.fresh_vnfci(cert_type)
            fqdn = data["subjectAlternateName"][0].split(".")[0] + "." + pixit.short_lived_san_domain
            data = {"subjectName": {**data["subjectName"], "commonName": fqdn}, "subjectAlternateName": [fqdn]}
            response = ctx.vnfm.register(registration_body(cert_type, vnfci_id, data))
            if response.status_code != 201:
                raise PreconditionFailed(f"registration of {fqdn} failed: HTTP {response.status_code}")
            reg = Registered(str(json_body(response).get("id")), response.headers.get("location", ""), vnfci_id,
                             data, response)
            rec.step("1")
            _, obtained = _issue(ctx, rec, cert_type, reg)
            cert = obtained.cert
            assert cert is not None
            left = (cert.not_valid_after_utc - datetime.now(timezone.utc)).total_seconds()
            not_after = time.monotonic() + left
            serial = cert.serial_number
            if left > pixit.short_lived_seconds + pixit.notify_wait_seconds:  # bounded: never wait for months
                rec.skip_remaining(EXPIRY_CHECKS, Verdict.INCONCLUSIVE,
                                   f"the certificate for {fqdn} expires in {left:.0f} s, not within "
                                   f"pixit.short_lived_seconds ({pixit.short_lived_seconds} s): expiry not observable")
                return
            # in full; later scenarios that hold no subscription may run meanwhile (harness/overlap.py)
            ctx.overlapped(lambda: _got(ep, "expiry", serial, "EXPIRED", max(left, 0.0) + pixit.notify_wait_seconds),
                           frozenset({NOTIFICATIONS}))
            received = ep.received("expiry")
            rec.check("cns-notify-expiry", Observation(facts={
                "received": received, "serial": serial, "not_after_mono": not_after},
                trace_seqs=obtained.seqs + _seqs(received)), step="1")
        finally:
            ctx.vnfm.request("DELETE", f"{SUBS}/{sub_id}")
