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

from simulators.refcmf.config import RefCmfConfig
from simulators.refcmf.store import CertRow, Store

MAX_ATTEMPTS = 3
FIRST_BACKOFF = 0.2  # seconds; doubled per retry
MONITOR_PERIOD = 0.1
EXPIRING_SOON = timedelta(days=30)  # or half the lifetime, whichever is shorter
NOTIFICATION_TYPE = "CertificateLifecycleStateChangeNotification"
CERTNOTIFY = "/certnotify/v1"
_PEM = Encoding.PEM


def cert_rep_message_b64(cp_pkimessage: bytes) -> str:
    """base64 of the DER CertRepMessage inside a cp PKIMessage (its body, re-tagged as a plain SEQUENCE)."""
    message, _ = der_decoder.decode(cp_pkimessage, asn1Spec=rfc9810.PKIMessage())
    body = message["body"]["cp"]  # [3] IMPLICIT CertRepMessage: copied component-wise into an untagged one
    plain = rfc9810.CertRepMessage()
    for name in ("caPubs", "response"):
        if body[name].isValue:
            plain[name] = body[name]
    return base64.b64encode(der_encoder.encode(plain)).decode()


def matches(flt: dict[str, Any] | None, cert_type: str, state: str) -> bool:
    """SOL023 7.6.2.2: sent 'if the filter matches, or if there is no filter'."""
    if not flt:
        return True
    types, states = flt.get("certificationType"), flt.get("certificateState")
    return (not types or cert_type in types) and (not states or state in states)


@dataclass
class _Delivery:
    url: str
    body: dict[str, Any]
    attempt: int = 0
    not_before: float = 0.0


class Notifier:
    def __init__(self, config: RefCmfConfig, store: Store, api_root: str = "") -> None:
        self.config = config
        self.store = store
        self.api_root = api_root  # set by the launcher once the port is known
        self._tls = ssl.create_default_context()
        self._tls.load_verify_locations(cadata="".join(
            c.public_bytes(_PEM).decode() for c in config.client_trust))
        self._tls.load_cert_chain(str(config.tls_cert), str(config.tls_key))
        self._queue: queue.Queue[_Delivery] = queue.Queue(maxsize=10_000)
        self._stop = threading.Event()
        self._cp: dict[int, str] = {}  # serial -> base64 CertRepMessage (for FULL notifications)
        self._states: dict[int, str] = {}  # serial -> last lifecycle state notified
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
        with self._lock:
            self._cp[row.serial] = cert_rep_message_b64(cp_pkimessage)
            self._states[row.serial] = "VALID"
        if not self.config.has("cns-no-notify-issue"):
            self._event(row, "VALID", "ADDED")

    def revoked(self, row: CertRow) -> None:
        with self._lock:
            self._states[row.serial] = "REVOKED"
        if not self.config.has("cns-no-notify-revoke"):
            self._event(row, "REVOKED", "REMOVED")

    def _event(self, row: CertRow, state: str, change: str) -> None:
        with self._lock:
            zombies = [(sid, owner, body) for sid, (owner, body) in self._zombies.items()]
        subscriptions = self.store.subscriptions() + zombies
        for sub_id, _owner, body in subscriptions:
            if not matches(body.get("filter"), row.cert_type, state) and not self.config.has("cns-ignore-filter"):
                continue
            try:
                self._queue.put_nowait(_Delivery(body["callbackUri"], self._notification(sub_id, body, row, state,
                                                                                          change)))
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
                # SOL023 V5.3 defines no Individual Certificate resource: the subject, at this certificate
                "certificate": {"href": f"{self.api_root}/nfv-cert/v1/subjects/{row.subject}#certificate-{serial}"},
            },
        }
        if self.config.has("cns-notification-no-links"):
            del body["_links"]
        if verbosity == "FULL":
            with self._lock:
                cp = self._cp.get(row.serial, "")
            body["affectedCertificate"] = {"id": serial, "changeType": change, "pkiBody": {"cp": cp}}
        return body

    # delivery ------------------------------------------------------------------------------
    def _deliver_loop(self) -> None:
        waiting: list[_Delivery] = []
        with httpx.Client(verify=self._tls, timeout=5.0) as client:
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
            status: int | str = client.post(delivery.url, json=delivery.body).status_code
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
        certs: dict[int, x509.Certificate] = {}
        while not self._stop.wait(MONITOR_PERIOD):
            now = datetime.now(timezone.utc)
            for row in self.store.certificates():
                if row.revoked:
                    continue
                cert = certs.get(row.serial) or x509.load_der_x509_certificate(row.der)
                certs[row.serial] = cert
                lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
                soon = min(EXPIRING_SOON, lifetime / 2)
                with self._lock:
                    state = self._states.get(row.serial)
                if state is None:  # not yet announced as issued: its VALID notification comes first
                    continue
                new = None
                if now >= cert.not_valid_after_utc and state != "EXPIRED":
                    new = "EXPIRED"
                elif now >= cert.not_valid_after_utc - soon and state == "VALID":
                    new = "EXPIRING_SOON"
                if new is None:
                    continue
                with self._lock:
                    self._states[row.serial] = new
                if not self.config.has("cns-no-expiry-notifications"):
                    self._event(row, new, "MODIFIED")

