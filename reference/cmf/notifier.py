"""Notify (SOL023 7.3.2) of the reference CMF: CertificateLifecycleStateChangeNotification delivery.

Certificate events (issued, revoked, and from a monitor thread expiring-soon and expired) are
matched against every subscription's filter and queued; one worker thread POSTs them to the
callbackUri over HTTPS with the CMF's certificate (authType TLS_CERT), and retries a delivery
that is not answered 204 (7.3.2 "it can retry"): ``MAX_ATTEMPTS`` attempts, doubling back-off.
The invoking procedure never waits for a delivery (7.3.2 NOTE 1).

Harness bindings (SOL023 leaves them open, see README "Certificate notifications"):
``certificateState`` is one of the IFA033 11.4.2.2 lifecycle states VALID, EXPIRING_SOON, EXPIRED,
REVOKED; ``certificateId`` is the certificate's serial number in lowercase hex; FULL notifications
carry ``affectedCertificate.pkiBody.cp`` = base64 of the DER CertRepMessage that delivered it.
"""

from __future__ import annotations

import base64
import functools
import queue
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.codec.der import encoder as der_encoder
from pyasn1_alt_modules import rfc9810

from reference.cmf.config import RefCmfConfig
from reference.cmf.oauth import oauth_of
from reference.cmf.oauth_tokens import NotifyTokens
from reference.cmf.store import CertRow, Store

MAX_ATTEMPTS = 3
FIRST_BACKOFF = 0.2  # seconds; doubled per retry
MONITOR_PERIOD = 0.1
EXPIRING_SOON = timedelta(days=30)  # or half the lifetime, whichever is shorter
NOTIFICATION_TYPE = "CertificateLifecycleStateChangeNotification"
CERTNOTIFY = "/certnotify/v1"
_PEM = Encoding.PEM


@functools.lru_cache(maxsize=64)
def cert_rep_message_b64(cp_pkimessage: bytes) -> str:
    """base64 of the DER CertRepMessage inside a cp PKIMessage (its body, re-tagged as a plain SEQUENCE)."""
    message, _ = der_decoder.decode(cp_pkimessage, asn1Spec=rfc9810.PKIMessage())
    body = message["body"]["cp"]  # [3] IMPLICIT CertRepMessage: copied component-wise into an untagged one
    plain = rfc9810.CertRepMessage()
    for name in ("caPubs", "response"):
        if body[name].isValue:
            plain[name] = body[name]
    return base64.b64encode(der_encoder.encode(plain)).decode()


def matches(flt: dict[str, Any] | None, cert_type: str, state: str, *, any_attribute: bool = False) -> bool:
    """SOL023 7.6.2.2: sent 'if the filter matches, or if there is no filter'; the attributes of a filter all
    have to match (SOL013 5.2). ``any_attribute`` (the fault cns-filter-or) lets one matching attribute do."""
    if not flt:
        return True
    types, states = flt.get("certificationType"), flt.get("certificateState")
    if any_attribute and types and states:
        return cert_type in types or state in states
    return (not types or cert_type in types) and (not states or state in states)


def fault_type_only(fault_filter: dict[str, Any]) -> dict[str, Any]:
    """The fault cns-filter-needs-type (the mutant notifier.py:359868fd as a named fault): a filter's
    certificationType matches every type, and a filter without one raises TypeError in whatever caused the event."""
    iter(fault_filter.get("certificationType"))  # absent (None): TypeError, as the mutant's `cert_type in None`
    return {**fault_filter, "certificationType": []}


@dataclass
class _Watched:
    row: CertRow
    soon_at: datetime  # expiring soon from here: min(30 days, half the lifetime) before notAfter
    not_after: datetime
    warned: bool = False  # EXPIRING_SOON notified


@dataclass
class _Delivery:
    url: str
    body: dict[str, Any]
    attempt: int = 0
    not_before: float = 0.0
    authentication: Any = None  # the subscription's (SOL013 8.3.4): OAuth 2.0 needs a token per delivery


class Notifier:
    def __init__(self, config: RefCmfConfig, store: Store, api_root: str = "") -> None:
        self.config = config
        self.store = store
        self.api_root = api_root  # set by the launcher once the port is known
        # the CMF's client identity towards notification endpoints, and its trust for their servers
        self.client_tls = ssl.create_default_context()
        self.client_tls.load_verify_locations(cadata="".join(
            c.public_bytes(_PEM).decode() for c in config.client_trust))
        self.client_tls.load_cert_chain(str(config.tls_cert), str(config.tls_key))
        self.tokens = NotifyTokens(oauth_of(config), config.faults)  # OAUTH2_CLIENT_CREDENTIALS subscriptions
        self._queue: queue.Queue[_Delivery] = queue.Queue(maxsize=10_000)
        self._stop = threading.Event()
        self._cp: dict[int, bytes] = {}  # serial -> the cp PKIMessage that delivered it (for FULL notifications)
        self._watch: dict[int, _Watched] = {}  # certificates not yet expired or revoked, for the expiry monitor
        self._zombies: dict[str, tuple[str, dict[str, Any]]] = {}  # deleted, still notified (a fault)
        self._lock = threading.Lock()
        self.log: list[tuple[str, str, int | str]] = []  # (subscription, state, HTTP status or error)
        self._threads = [threading.Thread(target=self._deliver_loop, name="refcmf-notify", daemon=True),
                         threading.Thread(target=self._monitor_loop, name="refcmf-expiry", daemon=True)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=3)

    def forget_subscription(self, subscription_id: str, body: dict[str, Any], owner: str) -> None:
        """Called on DELETE; the fault cns-delete-keeps-notifying keeps delivering to the deleted subscription."""
        if self.config.has("cns-delete-keeps-notifying"):
            with self._lock:
                self._zombies[subscription_id] = (owner, body)

    # events --------------------------------------------------------------------------------
    def issued(self, row: CertRow, cp_pkimessage: bytes) -> None:
        cert = x509.load_der_x509_certificate(row.der)
        soon = min(EXPIRING_SOON, (cert.not_valid_after_utc - cert.not_valid_before_utc) / 2)
        with self._lock:
            self._cp[row.serial] = cp_pkimessage
            self._watch[row.serial] = _Watched(row, cert.not_valid_after_utc - soon, cert.not_valid_after_utc)
        if not self.config.has("cns-no-notify-issue"):
            self._event(row, "VALID", "ADDED")

    def revoked(self, row: CertRow) -> None:
        with self._lock:
            self._watch.pop(row.serial, None)
        if not self.config.has("cns-no-notify-revoke"):
            self._event(row, "REVOKED", "REMOVED")

    def _event(self, row: CertRow, state: str, change: str) -> None:
        with self._lock:
            zombies = [(sid, owner, body) for sid, (owner, body) in self._zombies.items()]
        subscriptions = self.store.subscriptions() + zombies
        for sub_id, _owner, body in subscriptions:
            flt = body.get("filter")
            flt = fault_type_only(flt) if flt and self.config.has("cns-filter-needs-type") else flt
            if not matches(flt, row.cert_type, state, any_attribute=self.config.has("cns-filter-or")) \
                    and not self.config.has("cns-ignore-filter"):
                continue
            try:
                self._queue.put_nowait(_Delivery(body["callbackUri"], self._notification(sub_id, body, row, state,
                                                                                          change),
                                                 authentication=body.get("authentication")))
            except queue.Full:
                self.log.append((sub_id, state, "queue full: dropped"))

    def _notification(self, sub_id: str, sub: dict[str, Any], row: CertRow, state: str,
                      change: str) -> dict[str, Any]:
        serial = format(row.serial, "x")
        verbosity = sub.get("verbosity", "FULL")
        if self.config.has("cns-ignore-verbosity"):
            verbosity = "FULL"
        body: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "notificationType": "CertificateStateNotification" if self.config.has(
                "cns-wrong-notification-type") else NOTIFICATION_TYPE,
            "subscriptionId": str(uuid.uuid4()) if self.config.has("cns-wrong-subscription-id") else sub_id,
            "timeStamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            "certificateState": state,
            "certificateId": serial,
            "verbosity": verbosity,
            "_links": {
                "subscription": {"href": f"{self.api_root}{CERTNOTIFY}/subscriptions/{sub_id}"},
                "subject": {"href": f"{self.api_root}/nfv-cert/v1/subjects/{row.subject}"},
                # SOL023 V5.4.1 defines no Individual Certificate resource: the subject, at this certificate
                "certificate": {"href": f"{self.api_root}/nfv-cert/v1/subjects/{row.subject}#certificate-{serial}"},
            },
        }
        if self.config.has("cns-notification-no-links"):
            del body["_links"]
        if verbosity == "FULL":
            with self._lock:
                cp = self._cp.get(row.serial)
            body["affectedCertificate"] = {"id": serial, "changeType": change,
                                           "pkiBody": {"cp": cert_rep_message_b64(cp) if cp else ""}}
        return body

    # delivery ------------------------------------------------------------------------------
    def _deliver_loop(self) -> None:
        waiting: list[_Delivery] = []
        with httpx.Client(verify=self.client_tls, timeout=5.0) as client:
            while not self._stop.is_set():
                now = time.monotonic()
                due = [d for d in waiting if d.not_before <= now]
                waiting = [d for d in waiting if d.not_before > now]
                try:
                    due.append(self._queue.get(timeout=0.05))
                except queue.Empty:
                    pass
                for delivery in due:
                    retry = self._post(client, delivery)
                    if retry is not None:
                        waiting.append(retry)

    def _post(self, client: httpx.Client, delivery: _Delivery) -> _Delivery | None:
        sub = delivery.body.get("subscriptionId", "?")
        try:
            status: int | str = client.post(delivery.url, json=delivery.body,
                                            headers=self.tokens.headers(delivery.authentication)).status_code
        except httpx.HTTPError as exc:
            status = f"{type(exc).__name__}: {exc}"
        self.log.append((str(sub), str(delivery.body.get("certificateState")), status))
        delivery.attempt += 1
        if status == 204 or delivery.attempt >= MAX_ATTEMPTS or self._stop.is_set():
            return None
        delivery.not_before = time.monotonic() + FIRST_BACKOFF * 2 ** (delivery.attempt - 1)
        return delivery

    # expiring-soon / expired ------------------------------------------------------------------
    def _monitor_loop(self) -> None:
        while not self._stop.wait(MONITOR_PERIOD):
            now = datetime.now(timezone.utc)
            with self._lock:
                due = [(w, "EXPIRED") if now >= w.not_after else (w, "EXPIRING_SOON")
                       for w in self._watch.values() if now >= w.not_after or (now >= w.soon_at and not w.warned)]
                for watched, state in due:
                    if state == "EXPIRED":
                        del self._watch[watched.row.serial]
                    watched.warned = True
            if not self.config.has("cns-no-expiry-notifications"):
                for watched, state in due:
                    self._event(watched.row, state, "MODIFIED")
