"""The reference Security Manager: the embedded default SUT of ``nfvct run --role sm``.

One SM spanning several trust domains, each through its own interface set towards NFV-MANO with its own
credential (IFA026 5.1.3), in the mode configured for that set: passive, semi-active or fully-active (5.1.2,
R2.1.130), and master SM over its sub-SMs' domains. Its policy:

* every set: subscribe to NS LCM notifications (Sc-Or) and to VIM alarms (Sc-Vi);
* passive: observe only;
* semi-active: on a VNF instantiation verify the package (download, SHA-256 against VnfPkgInfo.checksum) and
  confirm the result (R2.1.250); supply the security policy of VNFs marked for it (Update NS
  MODIFY_VNF_INFORMATION, R2.1.30/R2.1.310); on an integrity alarm on a VNF request its termination with the
  SecEnforce.002 options; on an integrity alarm on a host request termination of the host's use (R2.1.320);
* fully-active: answer approval requests (grant; modify with policy; reject a package that fails verification),
  instruct immediate termination with the SecEnforce.003 options and disable the package (Update VNF Package
  Info), instruct immediate termination of a host's use (R2.1.330);
* semi- and fully-active: insert a security VNF into a network service exposed through a SAP (R2.1.340);
* any mode: on a suspected persistence attack on a host, request the status list and the lifecycle history of the
  last 24 hours (R2.1.350, R2.1.360);
* master: act on its sub-SMs' VNFs too, overruling them (5.1.3)."""

from __future__ import annotations

import hashlib
import json
import re
import queue
import ssl
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reference.sm.subscriptions import Keeper, Wanted
from wire import sol013

POLICY = {"firewall": "default-deny-inbound", "allowedPeers": ["ns-internal"], "logging": "security-events"}


@dataclass(frozen=True)
class SmBindingConfig:
    name: str
    mode: str
    nfvo_api: str  # the NFVO's apiRoot for this interface set
    vim_api: str
    cert: Path  # this interface set's credential
    key: Path
    master: bool = False


@dataclass(frozen=True)
class RefSmConfig:
    bindings: tuple[SmBindingConfig, ...]
    mano_trust: Path
    security_vnfd: str  # the VNFD of the security VNF the operator on-boarded for insertion
    faults: frozenset[str] = frozenset()
    history_seconds: int = 86400
    silent_seconds: float = 4.0  # how long the approval-silent fault holds a request (bounded)
    retry_seconds: float = 0.3  # subscribing while NFV-MANO is unreachable
    check_seconds: float = 2.0  # looking up a held subscription (made again when gone)


@dataclass
class ReferenceSm:
    config: RefSmConfig
    base_url: str = ""
    _queue: "queue.Queue[tuple[str, str, dict[str, Any]]]" = field(default_factory=queue.Queue)
    _stop: threading.Event = field(default_factory=threading.Event)
    _clients: dict[str, httpx.Client] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    _keeper: Keeper | None = None

    def has(self, fault: str) -> bool:
        return fault in self.config.faults

    def binding(self, name: str) -> SmBindingConfig:
        return next(b for b in self.config.bindings if b.name == name)

    def mode(self, b: SmBindingConfig) -> str:
        return "semi-active" if self.has("sm-single-mode") else b.mode

    # -- wiring -------------------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        # the router's own 404/405 are ProblemDetails too (SOL013 6.4)
        handlers = {k: v for k, v in sol013.problem_exception_handlers().items() if k is not Exception}
        return Starlette(routes=[
            Route("/sm/v1/{binding}/approvals", self._approval, methods=["POST"]),
            Route("/sm/v1/{binding}/{kind}", self._callback, methods=["GET", "POST"]),
        ], exception_handlers=handlers)

    def client(self, name: str) -> httpx.Client:
        with self._lock:
            if self._stop.is_set():
                raise RuntimeError("the SM is stopping")
            if name not in self._clients:
                b = self.binding(self.config.bindings[0].name if self.has("sm-shared-credential") else name)
                context = ssl.create_default_context(cafile=str(self.config.mano_trust))
                context.load_cert_chain(str(b.cert), str(b.key))
                # no idle keep-alive connections: NFV-MANO (the harness) may stop at any time
                self._clients[name] = httpx.Client(verify=context, timeout=5.0, headers={"Connection": "close"})
            return self._clients[name]

    def wanted(self, base_url: str) -> list[Wanted]:
        """Every set: NS LCM notifications (Sc-Or) and VIM alarms (Sc-Vi), callbacks on the SM's own listener."""
        out = []
        for b in self.config.bindings:
            if not (self.has("sm-passive-no-subscribe") and b.mode == "passive"):
                out.append(Wanted(b.name, b.nfvo_api + "/nslcm/v2/subscriptions", {
                    "callbackUri": f"{base_url}/sm/v1/{b.name}/lcm",
                    "filter": {"notificationTypes": ["NsLcmOperationOccurrenceNotification"]}}))
            out.append(Wanted(b.name, b.vim_api + "/telemetry/v1/subscriptions", {
                "callbackUri": f"{base_url}/sm/v1/{b.name}/alarms",
                "filter": {"eventTypes": ["INTEGRITY_VIOLATION", "PERSISTENCE_SUSPECTED"]}}))
        return out

    def start(self, base_url: str) -> None:
        """React to events, and subscribe in the background (NFV-MANO need not be up yet)."""
        self.base_url = base_url
        worker = threading.Thread(target=self._work, name="nfvct-refsm", daemon=True)
        worker.start()
        self._threads.append(worker)
        self._keeper = Keeper(self.wanted(base_url), self.client, self._stop, self.config.retry_seconds,
                              self.config.check_seconds)
        self._keeper.start()

    def stop(self) -> None:
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join(6.0)
        for thread in self._threads:
            thread.join(1.0)
        with self._lock:
            for c in self._clients.values():
                c.close()

    def _post(self, name: str, url: str, body: Any) -> httpx.Response | None:
        try:
            return self.client(name).post(url, json=body)
        except (httpx.HTTPError, RuntimeError):
            return None

    def _get(self, name: str, url: str, **params: str) -> Any:
        try:
            response = self.client(name).get(url, params=params or None)
        except (httpx.HTTPError, RuntimeError):
            return None
        if response.status_code != 200:
            return None
        return response.content if "json" not in response.headers.get("content-type", "") else response.json()

    async def _callback(self, request: Request) -> Response:
        name, kind = request.path_params["binding"], request.path_params["kind"]
        if kind not in ("lcm", "alarms") or name not in {b.name for b in self.config.bindings}:
            return sol013.to_response(sol013.not_found(f"no callback {kind} of interface set {name}"))
        if request.method == "POST":
            body = await _json_body(request)
            if not isinstance(body, dict):
                return sol013.to_response(sol013.bad_request("a notification must be a JSON object"))
            self._queue.put((name, kind, body))
        return Response(status_code=204)  # GET: the endpoint test

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                name, kind, body = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                (self._on_lcm if kind == "lcm" else self._on_alarm)(self.binding(name), body)
            except (httpx.HTTPError, RuntimeError, KeyError, TypeError, ValueError, StopIteration):
                if self.has("sm-stops-after-malformed-event"):
                    return
                continue  # one malformed event or unreachable peer: the SM goes on with the next

    # -- reactions ---------------------------------------------------------------------------------------------------

    def _verify(self, b: SmBindingConfig, pkg_id: str) -> bool:
        """Verify a VNF package: its content's SHA-256 against the checksum in VnfPkgInfo (not NFV-MANO's verdict)."""
        info = self._get(b.name, f"{b.nfvo_api}/vnfpkgm/v2/vnf_packages/{pkg_id}")
        content = self._get(b.name, f"{b.nfvo_api}/vnfpkgm/v2/vnf_packages/{pkg_id}/package_content")
        if not isinstance(info, dict) or not isinstance(content, bytes):
            return self.has("sm-fails-open")  # nothing to verify: the reference fails closed
        return hashlib.sha256(content).hexdigest() == (info.get("checksum") or {}).get("hash")

    def _ns(self, b: SmBindingConfig, ns_id: str) -> dict[str, Any]:
        ns = self._get(b.name, f"{b.nfvo_api}/nslcm/v2/ns_instances/{ns_id}")
        return ns if isinstance(ns, dict) else {}

    def _on_lcm(self, b: SmBindingConfig, note: dict[str, Any]) -> None:
        mode = self.mode(b)
        if mode == "passive" or note.get("notificationType") != "NsLcmOperationOccurrenceNotification":
            return
        context, ns_id = note.get("nfvctEventContext") or {}, note["nsInstanceId"]
        affected = note.get("affectedVnf") or []
        if note.get("operation") == "INSTANTIATE" and not affected:
            self._protect(b, ns_id)
        for change in affected:
            if note.get("operation") == "INSTANTIATE" and change.get("changeType") == "ADD" and mode == "semi-active":
                self._confirm(b, change["vnfInstanceId"], context)
                vnf = next((v for v in self._ns(b, ns_id).get("vnfInstance", []) if v["id"] == change["vnfInstanceId"]),
                           None)
                if vnf and vnf.get("metadata", {}).get("securityPolicyRequired") and not self.has("sm-semi-no-policy"):
                    self._post(b.name, f"{b.nfvo_api}/nslcm/v2/ns_instances/{ns_id}/update", {
                        "updateType": "MODIFY_VNF_INFORMATION",
                        "modifyVnfInfoData": [{"vnfInstanceId": vnf["id"],
                                               "vnfConfigurableProperties": {"securityPolicy": POLICY}}]})

    def _confirm(self, b: SmBindingConfig, vnf_id: str, context: dict[str, Any]) -> None:
        if self.has("sm-no-integrity-confirm"):
            return
        if self.has("sm-trusts-mano-integrity"):
            ok = (context.get("packageIntegrity") or {}).get("result") == "PASS"
        else:
            ok = self._verify(b, context["vnfPkgId"])
        self._post(b.name, b.nfvo_api + "/nfvct-secenforce/v1/package_confirmations", {
            "vnfPkgId": context["vnfPkgId"], "vnfInstanceId": vnf_id, "result": "CONFIRMED" if ok else "FAILED"})

    def _protect(self, b: SmBindingConfig, ns_id: str) -> None:
        ns = self._ns(b, ns_id)
        protected = any(v.get("vnfdId") == self.config.security_vnfd for v in ns.get("vnfInstance", []))
        if ns.get("sapInfo") and not protected and not self.has("sm-no-security-vnf"):
            self._post(b.name, f"{b.nfvo_api}/nslcm/v2/ns_instances/{ns_id}/update", {
                "updateType": "INSTANTIATE_VNF",
                "instantiateVnfData": [{"vnfdId": self.config.security_vnfd, "vnfFlavourId": "default",
                                        "vnfInstanceName": "sm-inserted-firewall"}]})

    def _on_alarm(self, b: SmBindingConfig, note: dict[str, Any]) -> None:
        alarm, mode = note.get("alarm") or {}, self.mode(b)
        if mode == "passive" and self.has("sm-passive-acts"):
            mode = "semi-active"
        if alarm.get("eventType") == "PERSISTENCE_SUSPECTED":
            self._forensics(b)
        elif mode == "passive" or alarm.get("eventType") != "INTEGRITY_VIOLATION":
            return
        elif alarm.get("managedObjectType") == "HOST":
            self._host(b, mode, alarm["hostId"])
        elif not (b.master and self.has("sm-master-defers")):
            for ns in self._get(b.name, f"{b.nfvo_api}/nslcm/v2/ns_instances") or []:
                for vnf in ns.get("vnfInstance", []):
                    resources = (vnf.get("instantiatedVnfInfo") or {}).get("vnfcResourceInfo", [])
                    if any(r["computeResource"]["resourceId"] == alarm.get("managedObjectId") for r in resources):
                        self._terminate(b, mode, ns["id"], vnf)

    def _terminate(self, b: SmBindingConfig, mode: str, ns_id: str, vnf: dict[str, Any]) -> None:
        via = b
        if self.has("sm-cross-domain") and mode == "semi-active":
            via = next((o for o in self.config.bindings if o.name != b.name and o.mode != "passive"), b)
        ids = [vnf["metadata"]["requestorRef"] if self.has("sm-terminate-by-app-id") else vnf["id"]]
        if mode == "fully-active":
            directives: dict[str, Any] = {"immediate": True} if self.has("sm-instruct-no-options") else {
                "immediate": True, "replacementAllowed": False, "snapshot": True, "disablePackage": True,
                "terminateCoHosted": False, "eraseSecureStorage": True, "quarantineHost": False,
                "otherRecoveryAllowed": False}
        else:
            directives = {} if self.has("sm-terminate-no-options") else {
                "replacementAllowed": True, "snapshot": True, "otherRecoveryAllowed": True}
        body: dict[str, Any] = {"updateType": "REMOVE_VNF", "removeVnfInstanceId": ids}
        if directives:
            body["nfvctSecurityDirectives"] = directives
        self._post(via.name, f"{via.nfvo_api}/nslcm/v2/ns_instances/{ns_id}/update", body)
        if mode == "fully-active" and not self.has("sm-no-package-disable"):  # policy: a compromised image is not reused
            self._patch_package(b, vnf["vnfPkgId"])

    def _patch_package(self, b: SmBindingConfig, pkg_id: str) -> None:
        try:
            self.client(b.name).patch(f"{b.nfvo_api}/vnfpkgm/v2/vnf_packages/{pkg_id}",
                                      json={"operationalState": "DISABLED"})
        except (httpx.HTTPError, RuntimeError):
            pass

    def _host(self, b: SmBindingConfig, mode: str, host_id: str) -> None:
        body: dict[str, Any] = {"hostId": host_id}
        if not self.has("sm-host-no-options"):
            body.update({"vnfDisposition": "MIGRATE", "quarantineHost": True} if mode == "semi-active" else
                        {"vnfDisposition": "TERMINATE", "quarantineHost": True, "immediate": True})
        self._post(b.name, b.nfvo_api + "/nfvct-secenforce/v1/host_terminations", body)

    def _forensics(self, b: SmBindingConfig) -> None:
        if not self.has("sm-no-status-query"):
            self._get(b.name, f"{b.nfvo_api}/nslcm/v2/ns_instances")
        since = datetime.now(timezone.utc) - timedelta(seconds=self.config.history_seconds)
        params = {} if self.has("sm-history-no-period") else {
            "filter": f"(gte,startTime,{since.isoformat(timespec='seconds').replace('+00:00', 'Z')})"}
        self._get(b.name, f"{b.nfvo_api}/nslcm/v2/ns_lcm_op_occs", **params)

    # -- fully-active approvals (harness binding nfvct-sm-approval/1) -----------------------------------------------

    async def _approval(self, request: Request) -> Response:
        name = request.path_params["binding"]
        if name not in {b.name for b in self.config.bindings}:
            return sol013.to_response(sol013.not_found(f"no interface set {name}"))
        b, body = self.binding(name), await _json_body(request)
        problem = _approval_problem(body)
        if problem:
            return sol013.to_response(sol013.bad_request(problem))
        if self.has("sm-approval-silent"):
            await anyio.to_thread.run_sync(self._stop.wait, self.config.silent_seconds)  # ends early at stop()
            return Response(status_code=504)
        ok = True if self.has("sm-approves-tampered") else await anyio.to_thread.run_sync(
            self._verify, b, str(body.get("vnfPkgId")))
        metadata = (body.get("vnfInstance") or {}).get("metadata") or {}
        answer: dict[str, Any] = {"approvalId": body.get("approvalId"),
                                  "packageIntegrity": "CONFIRMED" if ok else "FAILED"}
        if not ok:
            answer.update(decision="REJECT", reason="VNF package content does not match its checksum")
        elif metadata.get("securityPolicyRequired") and not self.has("sm-modify-no-policy"):
            answer.update(decision="MODIFY", securityPolicy=POLICY, reason="security policy applied")
        else:
            answer.update(decision="GRANT")
        return JSONResponse(answer)


async def _json_body(request: Request) -> Any:
    """The request's JSON body, or None when it is not JSON (or nested too deep to parse)."""
    try:
        return json.loads(await request.body())
    except (ValueError, RecursionError):
        return None


_IDENTIFIER = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _approval_problem(body: Any) -> str | None:
    """Why an ApprovalRequest (harness binding nfvct-sm-approval/1) is malformed, or None."""
    if not isinstance(body, dict):
        return "ApprovalRequest must be a JSON object"
    for name in ("approvalId", "vnfPkgId"):
        if not isinstance(body.get(name), str) or not body[name]:
            return f"ApprovalRequest.{name} must be a non-empty string"
    if not _IDENTIFIER.fullmatch(body["vnfPkgId"]):  # it becomes a path segment of the NFVO's VNF package URL
        return "ApprovalRequest.vnfPkgId must be an identifier (letters, digits, '-', '_', '.', ':', at most 128)"
    vnf = body.get("vnfInstance")
    if vnf is not None and not isinstance(vnf, dict):
        return "ApprovalRequest.vnfInstance must be a VnfInstance object"
    if isinstance(vnf, dict) and vnf.get("metadata") is not None and not isinstance(vnf["metadata"], dict):
        return "ApprovalRequest.vnfInstance.metadata must be an object"
    return None
