"""The simulated NFVO as producer of the Sc-Or interfaces (IFA033 clause 6) in the wire form of ETSI GS NFV-SOL 005,
one interface set per SM binding (IFA026 5.1.3):

* NS Lifecycle Management (Sc-Or.NsLcm): ``{apiRoot}/nslcm/v2/subscriptions`` (endpoint test before 201) and
  ``NsLcmOperationOccurrenceNotification`` to the subscriptions of the affected VNF's trust domain only;
* Status Information (Sc-Or.StatusInfo): Query NS ``GET ns_instances[/{id}]``, and the lifecycle history
  ``GET ns_lcm_op_occs`` with SOL013 filters (e.g. ``(gte,startTime,...)``);
* Security Policy Enforcement and Security VNF Management: Update NS ``POST ns_instances/{id}/update``
  (REMOVE_VNF, INSTANTIATE_VNF, MODIFY_VNF_INFORMATION, CREATE_VNF_SNAPSHOT), Update VNF Package Info
  ``PATCH {apiRoot}/vnfpkgm/v2/vnf_packages/{id}``, package info and content;
* harness bindings ``nfvct-secenforce/1`` (no ETSI operation exists): ``POST /nfvct-secenforce/v1/host_terminations``
  (IFA033 6.4 note 4) and ``POST /nfvct-secenforce/v1/package_confirmations`` (R2.1.250's confirmation).

NFV-MANO's own obligations are enforced here, not judged: a passive SM's instructions are refused (R2.1.20), as
is an instruction for a VNF outside the interface set's domains (R2.1.90; a master SM's set covers its sub-SMs'
domains, R2.1.50); OSS/BSS is informed before a semi-active SM's termination and not before a fully-active SM's
immediate one (R2.1.260, R2.1.270); fully-active SMs are asked before instantiation and nothing proceeds without
their permission (R2.1.40, module ``approval``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.sm.approval import API_VERSION, ApprovalAdapter, ApprovalAnswer
from simulators.sm.common import Binding, Producer
from simulators.sm.inventory import Inventory, Ns, Vnf, iso, now
from wire.sol013.filter import FilterError, parse_filter
from wire.sol013.problems import forbidden, not_found, problem, to_response

NSLCM, PKGM, SECENF = "/nslcm/v2", "/vnfpkgm/v2", "/nfvct-secenforce/v1"
NOTIFICATION = "NsLcmOperationOccurrenceNotification"


@dataclass(frozen=True)
class Approval:
    binding: str
    request: dict[str, Any]
    answer: ApprovalAnswer


@dataclass
class Instantiation:
    vnf: Vnf
    proceeded: bool
    approvals: list[Approval]
    delivered: list[str] = field(default_factory=list)  # bindings the instantiation event reached


class Nfvo(Producer):
    def __init__(self, inventory: Inventory, adapter: ApprovalAdapter | None = None, **kwargs: Any) -> None:
        super().__init__(name="NFVO", **kwargs)
        self.inventory = inventory
        self.adapter = adapter
        self.approval_urls: dict[str, str] = {}  # binding -> the SM's approval URL (fully-active sets)
        self.oss_notices: list[str] = []  # NFVO -> OSS/BSS notices before SM-requested terminations

    def app(self, binding: str) -> Starlette:
        t = lambda h: self.traced(binding, h)  # noqa: E731
        return Starlette(routes=[
            Route(f"{NSLCM}/api_versions", t(self._versions), methods=["GET"]),
            Route(f"{NSLCM}/subscriptions", t(self.subscriptions_resource), methods=["GET", "POST"]),
            Route(f"{NSLCM}/subscriptions/{{id}}", t(self.subscription_resource), methods=["GET", "DELETE"]),
            Route(f"{NSLCM}/ns_instances", t(self._ns_instances), methods=["GET"]),
            Route(f"{NSLCM}/ns_instances/{{id}}", t(self._ns_instance), methods=["GET"]),
            Route(f"{NSLCM}/ns_instances/{{id}}/update", t(self._update), methods=["POST"]),
            Route(f"{NSLCM}/ns_lcm_op_occs", t(self._history), methods=["GET"]),
            Route(f"{PKGM}/vnf_packages/{{id}}", t(self._package), methods=["GET", "PATCH"]),
            Route(f"{PKGM}/vnf_packages/{{id}}/package_content", t(self._content), methods=["GET"]),
            Route(f"{SECENF}/host_terminations", t(self._host_termination), methods=["POST"]),
            Route(f"{SECENF}/package_confirmations", t(self._confirmation), methods=["POST"]),
        ])

    def api(self, binding: str) -> str:
        return self.base_urls.get(binding, "") + NSLCM

    # -- NS LCM subscriptions, Query NS, history ---------------------------------------------------------------

    async def _versions(self, request: Request, body: Any, b: Binding) -> Response:
        return JSONResponse({"uriPrefix": NSLCM, "apiVersions": [{"version": "2.0.0"}]})

    async def _ns_instances(self, request: Request, body: Any, b: Binding) -> Response:
        return JSONResponse([self.inventory.ns_json(ns, self.api(b.name)) for ns in self.inventory.visible(b.domains)])

    async def _ns_instance(self, request: Request, body: Any, b: Binding) -> Response:
        ns = self.inventory.ns.get(request.path_params["id"])
        if ns is None or ns.domain not in b.domains:  # other domains' NSs are invisible (R2.1.120)
            return to_response(not_found(f"no NS instance {request.path_params['id']}"))
        return JSONResponse(self.inventory.ns_json(ns, self.api(b.name)))

    async def _history(self, request: Request, body: Any, b: Binding) -> Response:
        visible = {ns.id for ns in self.inventory.visible(b.domains)}
        ops = [o.to_json(self.api(b.name)) for o in self.inventory.history if o.ns_id in visible]
        expr = request.query_params.get("filter")
        if expr:
            try:
                ops = [dict(o) for o in parse_filter(expr).select(ops)]
            except FilterError as exc:
                return to_response(problem(400, f"invalid filter: {exc}"))
        return JSONResponse(ops)

    # -- packages ----------------------------------------------------------------------------------------------

    def _package_of(self, request: Request, b: Binding) -> Any:
        pkg = self.inventory.packages.get(request.path_params["id"])
        users = [v.domain for v in self.inventory.vnfs.values() if v.package is pkg]
        if pkg is None or (users and not set(users) & b.domains):
            return None
        return pkg

    async def _package(self, request: Request, body: Any, b: Binding) -> Response:
        pkg = self._package_of(request, b)
        if pkg is None:
            return to_response(not_found(f"no VNF package {request.path_params['id']}"))
        if request.method == "PATCH":  # Update VNF Package Info (IFA033 6.4 note 3)
            if b.mode == "passive":
                return to_response(forbidden("a passive SM may not modify VNF packages (IFA026 R2.1.20)"))
            state = body.get("operationalState") if isinstance(body, dict) else None
            if state not in ("ENABLED", "DISABLED"):
                return to_response(problem(400, "VnfPkgInfoModifications with operationalState expected"))
            pkg.operational_state = state
            return JSONResponse({"operationalState": state})
        return JSONResponse(pkg.to_json(self.base_urls[b.name] + PKGM))

    async def _content(self, request: Request, body: Any, b: Binding) -> Response:
        pkg = self._package_of(request, b)
        if pkg is None:
            return to_response(not_found(f"no VNF package {request.path_params['id']}"))
        if pkg.unavailable:  # the package store is down for it: there is nothing to verify
            return to_response(problem(503, f"the content of VNF package {pkg.id} cannot be retrieved now"))
        return Response(pkg.content, media_type="application/zip")

    async def _confirmation(self, request: Request, body: Any, b: Binding) -> Response:
        if b.mode == "passive":
            return to_response(forbidden("a passive SM takes no part in the VNF lifecycle (IFA026 R2.1.20)"))
        if not isinstance(body, dict) or body.get("result") not in ("CONFIRMED", "FAILED"):
            return to_response(problem(400, "a package confirmation with result CONFIRMED|FAILED is expected"))
        return Response(status_code=204)  # the confirmation itself is in ``requests``, for the checks

    # -- Update NS, host termination -----------------------------------------------------------------------------

    def _refusal(self, b: Binding, targets: list[tuple[str, str]]) -> Response | None:
        """403 for a passive SM, or for targets (id, trust domain) outside the interface set's domains."""
        if b.mode == "passive":
            return to_response(forbidden(f"interface set {b.name!r} is authorized for a passive SM: NFV-MANO does "
                                         "not accept requests to modify the VNF lifecycle (IFA026 R2.1.20)"))
        outside = [name for name, domain in targets if domain not in b.domains]
        if outside:
            return to_response(forbidden(f"VNF instance(s) {', '.join(outside)} belong to another trust domain: "
                                         "NFV-MANO does not accept the instruction (IFA026 R2.1.90)"))
        return None

    async def _update(self, request: Request, body: Any, b: Binding) -> Response:
        ns = self.inventory.ns.get(request.path_params["id"])
        if ns is None or not isinstance(body, dict):
            return to_response(not_found(f"no NS instance {request.path_params['id']}") if ns is None
                               else problem(400, "UpdateNsRequest (JSON object) expected"))
        kind = body.get("updateType")
        if kind == "REMOVE_VNF":
            ids = body.get("removeVnfInstanceId")
            if not isinstance(ids, list) or not ids:
                return to_response(problem(400, "REMOVE_VNF needs removeVnfInstanceId (a list of VNF instance ids)"))
            vnfs = [self.inventory.vnfs.get(str(i)) for i in ids]
            unknown = [str(i) for i, v in zip(ids, vnfs) if v is None or not v.instantiated or v.ns_id != ns.id]
            if unknown:
                return to_response(problem(422, f"{', '.join(unknown)}: not VNF instances of NS {ns.id} managed by "
                                                 "NFV-MANO (IFA026 R2.1.290: NFV-MANO managed IDs)"))
            refusal = self._refusal(b, [(v.id, v.domain) for v in vnfs if v is not None])
            task = BackgroundTask(self._remove, b, [v for v in vnfs if v is not None],
                                  body.get("nfvctSecurityDirectives") or {})
        elif kind == "INSTANTIATE_VNF":
            data = body.get("instantiateVnfData")
            vnfds = {p.vnfd_id: p for p in self.inventory.packages.values()}
            if not isinstance(data, list) or not data or any(
                    not isinstance(d, dict) or d.get("vnfdId") not in vnfds for d in data):
                return to_response(problem(422, "INSTANTIATE_VNF needs instantiateVnfData with on-boarded vnfdIds"))
            refusal = self._refusal(b, [(f"(new, in NS {ns.id})", ns.domain)])
            task = BackgroundTask(self._insert, ns, [vnfds[d["vnfdId"]] for d in data])
        elif kind in ("MODIFY_VNF_INFORMATION", "CREATE_VNF_SNAPSHOT"):
            key = "modifyVnfInfoData" if kind == "MODIFY_VNF_INFORMATION" else "createSnapshotData"
            data = body.get(key)
            items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
            vnfs = [self.inventory.vnfs.get(str(d.get("vnfInstanceId"))) for d in items if isinstance(d, dict)]
            if not items or any(v is None for v in vnfs):
                return to_response(problem(422, f"{kind} needs {key} naming VNF instances of the NS"))
            refusal = self._refusal(b, [(v.id, v.domain) for v in vnfs if v is not None])
            task = BackgroundTask(self._modify, items) if kind == "MODIFY_VNF_INFORMATION" else None
        else:
            return to_response(problem(422, f"updateType {kind!r} is not supported by the simulated NFVO"))
        if refusal is not None:
            return refusal
        op = self.inventory.record(ns.id, "UPDATE", [])
        return Response(status_code=202, headers={"Location": f"{self.api(b.name)}/ns_lcm_op_occs/{op.id}"},
                        background=task)

    async def _host_termination(self, request: Request, body: Any, b: Binding) -> Response:
        host = self.inventory.hosts.get(body.get("hostId")) if isinstance(body, dict) else None
        if host is None:
            return to_response(problem(422, "a host termination with a known hostId is expected"))
        refusal = self._refusal(b, [(v.id, v.domain) for v in self.inventory.vnfs.values()
                                    if v.host is host and v.instantiated and v.domain in b.domains])
        if refusal is not None:
            return refusal
        return JSONResponse({"id": str(uuid.uuid4()), "hostId": host.id, "state": "PROCESSING"}, status_code=202)

    # -- effects (after the response) and the scenario's stimuli ----------------------------------------------------

    def _remove(self, b: Binding, vnfs: list[Vnf], directives: dict[str, Any]) -> None:
        immediate = b.mode == "fully-active"
        for vnf in vnfs:
            if not immediate:  # R2.1.260: inform the OSS/BSS before terminating, without seeking permission
                self.oss_notices.append(vnf.id)
                self.trace.record("NFVO", "OSS/BSS", "note", f"informs OSS/BSS: VNF {vnf.name} will be terminated "
                                  f"at the request of SM interface set {b.name} (IFA026 R2.1.260)")
            vnf.instantiated = False
            self.event(vnf, "UPDATE", "REMOVE", source=f"SM ({b.name} interface set)",
                       reason="security mitigation requested by the SM", changes={"directives": directives})

    def _insert(self, ns: Ns, packages: list[Any]) -> None:
        for pkg in packages:
            vnf = self.inventory.new_vnf(ns.domain, ns=ns, package=pkg)
            self.inventory.add(vnf)
            self.event(vnf, "UPDATE", "ADD", source="SM", reason="security VNF inserted at the SM's request")

    def _modify(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            vnf = self.inventory.vnfs[str(item["vnfInstanceId"])]
            props = item.get("vnfConfigurableProperties") or {}
            vnf.security_policy = props.get("securityPolicy") if isinstance(props, dict) else None
            self.event(vnf, "UPDATE", "MODIFY_INFORMATION", source="SM", reason="security policy supplied by the SM",
                       changes={"vnfConfigurableProperties": props})

    def event_context(self, vnf: Vnf, source: str, reason: str, changes: dict[str, Any] | None = None,
                      integrity: str = "PASS") -> dict[str, Any]:
        """What IFA026 R2.1.180-R2.1.230 ask NFV-MANO to give the SM with a VNF event, beyond SOL005's
        notification (harness binding: the ``nfvctEventContext`` attribute)."""
        return {"source": source, "reason": reason, "trustDomain": vnf.domain, "vnfInstanceId": vnf.id,
                "requestorRef": vnf.requestor_ref, "nsInstanceId": vnf.ns_id, "vnfPkgId": vnf.package.id,
                "vnfdId": vnf.package.vnfd_id,
                "packageIntegrity": {"algorithm": "SHA-256", "hash": vnf.package.checksum, "result": integrity},
                "connectivity": [{"extVirtualLinkId": f"vl-{vnf.ns_id[:8]}", "cpId": f"cp-{vnf.id[:8]}"}],
                "intendedHosts": [vnf.host.to_json()], "changes": changes or {}}

    def event(self, vnf: Vnf, operation: str, change: str, *, source: str, reason: str,
              changes: dict[str, Any] | None = None, automatic: bool = False) -> list[str]:
        affected = {"vnfInstanceId": vnf.id, "vnfdId": vnf.package.vnfd_id, "vnfProfileId": "default",
                    "vnfName": vnf.name, "changeType": change, "changeResult": "COMPLETED"}
        op = self.inventory.record(vnf.ns_id, operation, [affected], automatic=automatic)
        context = self.event_context(vnf, source, reason, changes)

        def build(sub: Any) -> dict[str, Any]:
            api = self.api(sub.binding)
            return {"id": str(uuid.uuid4()), "nsInstanceId": vnf.ns_id, "nsLcmOpOccId": op.id,
                    "operation": operation, "notificationType": NOTIFICATION, "subscriptionId": sub.id,
                    "timeStamp": iso(now()), "notificationStatus": "RESULT", "operationState": "COMPLETED",
                    "isAutomaticInvocation": automatic, "affectedVnf": [affected], "nfvctEventContext": context,
                    "_links": {"nsInstance": {"href": f"{api}/ns_instances/{vnf.ns_id}"},
                               "subscription": {"href": f"{api}/subscriptions/{sub.id}"},
                               "nsLcmOpOcc": {"href": f"{api}/ns_lcm_op_occs/{op.id}"}}}
        return self.notify(vnf.domain, build)

    def ns_event(self, ns: Ns) -> list[str]:
        op = self.inventory.record(ns.id, "INSTANTIATE", [])

        def build(sub: Any) -> dict[str, Any]:
            api = self.api(sub.binding)
            return {"id": str(uuid.uuid4()), "nsInstanceId": ns.id, "nsLcmOpOccId": op.id, "operation": "INSTANTIATE",
                    "notificationType": NOTIFICATION, "subscriptionId": sub.id, "timeStamp": iso(now()),
                    "notificationStatus": "RESULT", "operationState": "COMPLETED", "isAutomaticInvocation": False,
                    "nfvctEventContext": {"source": "OSS/BSS", "reason": "new network service", "trustDomain": ns.domain,
                                          "nsInstanceId": ns.id, "changes": {}},
                    "_links": {"nsInstance": {"href": f"{api}/ns_instances/{ns.id}"}}}
        return self.notify(ns.domain, build)

    def terminate(self, vnf: Vnf, *, source: str = "OSS/BSS", reason: str = "VNF no longer needed") -> list[str]:
        """A termination NFV-MANO carries out on its own (no SM involved); the event goes to the domain's SMs."""
        vnf.instantiated = False
        return self.event(vnf, "UPDATE", "REMOVE", source=source, reason=reason)

    def instantiate(self, domain: str, *, policy_required: bool = False, tampered: bool = False,
                    unavailable: bool = False, ns: Ns | None = None, host: Any = None,
                    deadline: float = 5.0) -> Instantiation:
        """A VNF instantiation requested by the OSS/BSS; fully-active SMs of the domain approve it first."""
        package = self.inventory.new_package(tampered=tampered, unavailable=unavailable)
        vnf = self.inventory.new_vnf(domain, ns=ns, package=package, host=host,
                                     policy_required=policy_required)
        approvals: list[Approval] = []
        for b in self.bindings.values():
            if b.mode != "fully-active" or domain not in b.domains or b.name not in self.approval_urls:
                continue
            request = {"apiVersion": API_VERSION, "approvalId": str(uuid.uuid4()), "trustDomain": domain,
                       "operation": "INSTANTIATE", "nsInstanceId": vnf.ns_id, "vnfInstance": vnf.to_json(),
                       "vnfPkgId": vnf.package.id, "vnfdId": vnf.package.vnfd_id,
                       "packageIntegrity": self.event_context(vnf, "", "")["packageIntegrity"],
                       "source": "OSS/BSS", "reason": "new VNF instance requested",
                       "respondBy": iso(now() + timedelta(seconds=deadline))}
            assert self.adapter is not None
            approvals.append(Approval(b.name, request, self.adapter.ask(b.name, self.approval_urls[b.name], request)))
        proceeded = all(a.answer.decision in ("GRANT", "MODIFY") for a in approvals)
        if not proceeded:  # R2.1.40: not without the SM's positive permission
            return Instantiation(vnf, False, approvals)
        for a in approvals:
            if a.answer.decision == "MODIFY" and isinstance(a.answer.body.get("securityPolicy"), dict):
                vnf.security_policy = a.answer.body["securityPolicy"]
        self.inventory.add(vnf)
        delivered = self.event(vnf, "INSTANTIATE", "ADD", source="OSS/BSS", reason="new VNF instance requested")
        return Instantiation(vnf, True, approvals, delivered)
