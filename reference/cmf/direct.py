"""The reference CMF's direct mode (IFA026 C.2.1, C.3.1): it subscribes to the VNFM's VNF LCM notifications
(SOL023 clause 6), and for every VNFC an operation adds it queries the VNF instance, asks the attestation service
when the VNFC needs it, creates the policy's identities, registers each at the CA with a fresh initial credential
and configures the VNFCI; when VNFCs go (terminate, scale in) it revokes their certificates. Bindings: README,
"Direct mode"."""

from __future__ import annotations

import base64
import queue
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

CALLBACK = "/callbacks/vnflcm/v2/notifications"
SUBSCRIBE_RETRY, SUBSCRIPTION_RECHECK = 0.2, 2.0  # seconds


@dataclass(frozen=True)
class DirectConfig:
    vnfm_api: str  # {apiRoot}/vnflcm/v2 of the VNFM
    ca1_url: str
    attestation_url: str
    policy: dict[str, tuple[tuple[str, str], ...]]  # VDU -> (identity name, certificate type)
    san_domain: str
    trust_anchor_pem: str  # the anchor the VNFCIs get for their identities
    client_cert: Path
    client_key: Path
    server_ca: Path
    hsm_token: str = "nfvct-direct"
    credential_uses: int = 1
    credential_seconds: int = 600
    renew_before_seconds: int = 7 * 86400
    timeout: float = 5.0


@dataclass
class DirectAgent:
    config: DirectConfig
    faults: frozenset[str]
    callback_url: str = ""
    subscription: str = ""  # URL of the subscription held at the VNFM ("" = none yet)
    known: dict[str, dict[str, str]] = field(default_factory=dict)  # vnfInstanceId -> vnfcId -> vduId
    _queue: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def has(self, fault: str) -> bool:
        return fault in self.faults

    def routes(self) -> list[Route]:
        return [Route(CALLBACK, self._callback, methods=["GET", "POST"])]

    async def _callback(self, request: Request) -> Response:
        if request.method == "GET":  # the VNFM's notification endpoint test
            return Response(status_code=404 if self.has("direct-callback-test-404") else 204)
        try:
            body = await request.json()
        except ValueError:
            return Response(status_code=400)
        if isinstance(body, dict):
            self._queue.put(body)
        return Response(status_code=204)

    @cached_property
    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.config.server_ca))
        context.load_cert_chain(str(self.config.client_cert), str(self.config.client_key))
        return context

    def _client(self) -> httpx.Client:
        return httpx.Client(verify=self._tls, timeout=self.config.timeout, headers={"Version": "2.0.0"})

    def start(self, callback_url: str) -> None:
        """Subscribe in the background: the VNFM may come later (out of process it runs only while the harness
        runs) or forget the subscription (a restarted VNFM); the agent re-subscribes then."""
        self.callback_url = callback_url
        self._thread = threading.Thread(target=self._loop, name="refcmf-direct", daemon=True)
        self._thread.start()

    def _ensure_subscribed(self, client: httpx.Client) -> None:
        if self.subscription:
            if client.get(self.subscription).status_code != 404:
                return
            self.subscription = ""
        response = client.post(f"{self.config.vnfm_api}/subscriptions", json={
            "filter": {"notificationTypes": ["VnfLcmOperationOccurrenceNotification"],
                       "operationStates": ["COMPLETED"]},
            "callbackUri": self.callback_url})
        if response.status_code == 201:
            location = response.headers.get("location", "")
            self.subscription = str(response.url.join(location)) if location else \
                f"{self.config.vnfm_api}/subscriptions/{response.json().get('id', '')}"

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)

    def _loop(self) -> None:
        deadline = time.monotonic() + 86400  # bounded: a served reference is restarted at least daily
        next_check = 0.0
        while not self._stop.is_set() and time.monotonic() < deadline:
            if time.monotonic() >= next_check:
                wait = SUBSCRIPTION_RECHECK  # the VNFM answered (a refusal too: no retry storm)
                try:
                    with self._client() as client:
                        self._ensure_subscribed(client)
                except (httpx.HTTPError, ValueError):
                    wait = SUBSCRIBE_RETRY  # the VNFM is not there (yet): try again soon
                next_check = time.monotonic() + wait
            try:
                note = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                with self._client() as client:
                    self._handle(client, note)
            except httpx.HTTPError:
                continue  # a peer that went away: the harness judges what did (not) arrive

    # -- one VnfLcmOperationOccurrenceNotification --------------------------------------------------------

    def _handle(self, client: httpx.Client, note: dict[str, Any]) -> None:
        if note.get("notificationType") != "VnfLcmOperationOccurrenceNotification" or \
                note.get("operationState") != "COMPLETED":
            return
        vnf_id = str(note.get("vnfInstanceId", ""))
        previous = self.known.get(vnf_id, {})
        if note.get("operation") == "TERMINATE":
            current: dict[str, dict[str, Any]] = {}
        elif self.has("direct-no-query"):
            return  # acts on the notification alone: it lacks the VNFCs' metadata, so nothing follows
        else:
            response = client.get(f"{self.config.vnfm_api}/vnf_instances/{vnf_id}")
            if response.status_code != 200:
                return
            info = response.json().get("instantiatedVnfInfo") or {}
            current = {str(v["id"]): v for v in info.get("vnfcResourceInfo", []) if isinstance(v, dict)}
            if self.has("direct-unsupported-op"):  # records the certificates on the VNF: Modify VNF Information
                client.patch(f"{self.config.vnfm_api}/vnf_instances/{vnf_id}",
                             json={"metadata": {"cmf.certificatesManaged": True}})
        for vnfc_id in [v for v in previous if v not in current]:
            self._revoke(client, vnfc_id, previous[vnfc_id])
        for vnfc_id, vnfc in current.items():
            if vnfc_id not in previous:
                self._provision(client, vnfc)
        self.known[vnf_id] = {k: str(v.get("vduId", "")) for k, v in current.items()}

    def _attested(self, client: httpx.Client, vnfc_id: str) -> bool:
        if self.has("direct-skip-attestation"):
            return True
        response = client.get(f"{self.config.attestation_url}/attestation/v1/results/{vnfc_id}")
        affirming = response.status_code == 200 and response.json().get("status") == "affirming"
        return affirming or self.has("direct-ignore-attestation")

    def _provision(self, client: httpx.Client, vnfc: dict[str, Any]) -> None:
        vnfc_id, metadata = str(vnfc["id"]), vnfc.get("metadata") or {}
        if metadata.get("attestationRequired") and not self._attested(client, vnfc_id):
            return  # C.2.1.2 step 2: the next step follows only for a successfully attested VNFCI
        identities = list(self.config.policy.get(str(vnfc.get("vduId")), ()))
        if self.has("direct-first-identity-only"):
            identities = identities[:1]
        configured = [c for name, cert_type in identities
                      if (c := self._register(client, vnfc_id, name, cert_type, metadata)) is not None]
        endpoint = metadata.get("certConfigEndpoint")
        if configured and isinstance(endpoint, str):
            for _ in range(2 if self.has("direct-configure-twice") else 1):
                client.post(endpoint, json={"vnfcInstanceId": vnfc_id, "identities": configured})
        if self.has("direct-deregister-when-enrolled"):  # "clean-up" once the credentials are spent
            self._deregister_when_spent(client, [f"{vnfc_id}/{c['name']}" for c in configured])
        if self.has("direct-provision-phantom") and isinstance(endpoint, str) and identities:
            ghost = f"{vnfc_id}-phantom"  # the fault: also registers and configures a VNFC the VNF does not have
            name, cert_type = identities[0]
            extra = self._register(client, ghost, name, cert_type, metadata)
            if extra is not None:
                client.post(endpoint, json={"vnfcInstanceId": ghost, "identities": [extra]})

    def _deregister_when_spent(self, client: httpx.Client, entity_ids: list[str]) -> None:
        deadline = time.monotonic() + 5.0
        pending = list(entity_ids)
        while pending and time.monotonic() < deadline and not self._stop.is_set():
            for entity_id in list(pending):
                state = client.get(f"{self.config.ca1_url}/ca1/v1/end-entities/{entity_id}")
                if state.status_code == 200 and state.json().get("usesLeft") == 0:
                    client.delete(f"{self.config.ca1_url}/ca1/v1/end-entities/{entity_id}")
                    pending.remove(entity_id)
            time.sleep(0.05)

    def _register(self, client: httpx.Client, vnfc_id: str, name: str, cert_type: str,
                  metadata: dict[str, Any]) -> dict[str, Any] | None:
        """C.2.1.1 steps 1-2 for one identity; the identity's configuration (step 3) when the CA accepted it."""
        fqdn = f"{name}.{vnfc_id}.{self.config.san_domain}"
        reference, secret = secrets.token_hex(8), base64.b64encode(secrets.token_bytes(32)).decode()
        registered_type = "VNFCI_certificate" if self.has("direct-oam-as-vnfci") else cert_type
        response = client.post(f"{self.config.ca1_url}/ca1/v1/end-entities", json={
            "entityId": f"{vnfc_id}/{name}", "certType": registered_type, "subject": f"CN={fqdn},O=NFVCT Test",
            "subjectAltName": [fqdn], "initialCredential": {"reference": reference, "secret": secret},
            "maxUses": self.config.credential_uses, "validSeconds": self.config.credential_seconds})
        if response.status_code != 201:
            return None
        answer = response.json()
        given = base64.b64encode(secrets.token_bytes(32)).decode() if self.has("direct-wrong-secret") else secret
        config: dict[str, Any] = {
            "name": name, "certType": cert_type, "subject": f"CN={fqdn},O=NFVCT Test", "subjectAltName": [fqdn],
            "enrolment": {"protocol": "CMP", "url": answer.get("enrolmentUrl"), "recipient": answer.get("recipient")},
            "initialCredential": {"reference": reference, "secret": given}, "trigger": "enrol",
        }
        if not self.has("direct-config-no-trust-anchor"):
            config["trustAnchor"] = self.config.trust_anchor_pem
        if not self.has("direct-no-renewal-condition"):
            config["renewal"] = {"beforeExpirySeconds": self.config.renew_before_seconds}
        if metadata.get("hsmRequired") and not self.has("direct-config-no-hsm"):
            config["hsm"] = {"interface": "PKCS#11", "token": self.config.hsm_token}
        return config

    def _revoke(self, client: httpx.Client, vnfc_id: str, vdu_id: str) -> None:
        if self.has("direct-no-revoke-on-terminate"):
            return
        for name, _ in self.config.policy.get(vdu_id, ()):
            client.post(f"{self.config.ca1_url}/ca1/v1/end-entities/{vnfc_id}/{name}/revocation",
                        json={"reason": 5})
            client.delete(f"{self.config.ca1_url}/ca1/v1/end-entities/{vnfc_id}/{name}")
