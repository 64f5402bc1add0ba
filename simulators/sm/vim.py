"""The simulated VIM as producer of the Sc-Vi Telemetry Information Management interface (IFA033 8.2), one
interface set per SM binding. IFA033 derives its operations from IFA005/IFA006, which have no REST binding, so the
paths are the harness's (README, "Security Manager bindings", ``{apiRoot}/telemetry/v1``):

* queries: ``GET hosts`` (HostID, ZoneID, physical location: Sc-Vi.Telem.002), ``GET zones``, ``GET images``,
  ``GET flavours``, ``GET capacity`` (Sc-Vi.Telem.001);
* subscription/notification: ``POST|GET subscriptions``, ``DELETE subscriptions/{id}`` (endpoint test before
  201), ``AlarmNotification`` (IFA006 7.6 Virtualised Resources Fault Management) to the subscriptions of the
  alarm's trust domain, e.g. an integrity violation on a compute resource or on a host."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.sm.common import Binding, Producer
from simulators.sm.inventory import Host, Inventory, Vnf, iso, now

TELEMETRY = "/telemetry/v1"


class Vim(Producer):
    def __init__(self, inventory: Inventory, **kwargs: Any) -> None:
        super().__init__(name="VIM", **kwargs)
        self.inventory = inventory

    def app(self, binding: str) -> Starlette:
        t = lambda h: self.traced(binding, h)  # noqa: E731
        return Starlette(routes=[
            Route(f"{TELEMETRY}/hosts", t(self._hosts), methods=["GET"]),
            Route(f"{TELEMETRY}/zones", t(self._zones), methods=["GET"]),
            Route(f"{TELEMETRY}/images", t(self._images), methods=["GET"]),
            Route(f"{TELEMETRY}/flavours", t(self._flavours), methods=["GET"]),
            Route(f"{TELEMETRY}/capacity", t(self._capacity), methods=["GET"]),
            Route(f"{TELEMETRY}/subscriptions", t(self.subscriptions_resource), methods=["GET", "POST"]),
            Route(f"{TELEMETRY}/subscriptions/{{id}}", t(self.subscription_resource), methods=["DELETE"]),
        ])

    def api(self, binding: str) -> str:
        return self.base_urls.get(binding, "") + TELEMETRY

    def _vnfs(self, b: Binding) -> list[Vnf]:
        return [v for v in self.inventory.vnfs.values() if v.instantiated and v.domain in b.domains]

    async def _hosts(self, request: Request, body: Any, b: Binding) -> Response:
        used = {v.host.id for v in self._vnfs(b)}
        return JSONResponse([{**h.to_json(), "state": "ENABLED", "computeResources": [
            v.resource_id for v in self._vnfs(b) if v.host is h]} for h in self.inventory.hosts.values()
            if h.id in used])

    async def _zones(self, request: Request, body: Any, b: Binding) -> Response:
        return JSONResponse([{"zoneId": z, "zoneState": "AVAILABLE"} for z in self.inventory.zones])

    async def _images(self, request: Request, body: Any, b: Binding) -> Response:
        return JSONResponse([{"id": f"img-{v.package.id[:8]}", "name": v.package.product, "containerFormat": "BARE",
                              "checksum": {"algorithm": "SHA-256", "hash": v.package.checksum}}
                             for v in self._vnfs(b)])

    async def _flavours(self, request: Request, body: Any, b: Binding) -> Response:
        return JSONResponse([{"flavourId": "m1.medium", "virtualCpu": {"numVirtualCpu": 4},
                              "virtualMemory": {"virtualMemSize": 8192}}])

    async def _capacity(self, request: Request, body: Any, b: Binding) -> Response:
        used = len(self._vnfs(b)) * 4
        return JSONResponse([{"zoneId": z, "resourceType": "VCPU", "totalCapacity": 512, "allocatedCapacity": used,
                              "availableCapacity": 512 - used} for z in self.inventory.zones])

    def alarm(self, domain: str, event: str, *, vnf: Vnf | None = None, host: Host | None = None) -> list[str]:
        """Raise an alarm (``INTEGRITY_VIOLATION`` | ``PERSISTENCE_SUSPECTED``) on a VNF's compute resource or on a
        host, to the SMs of ``domain``; returns the bindings it reached."""
        alarm: dict[str, Any] = {"alarmId": str(uuid.uuid4()), "eventType": event, "perceivedSeverity": "CRITICAL",
                                 "alarmRaisedTime": iso(now()), "probableCause": event.lower().replace("_", " ")}
        if vnf is not None:
            alarm.update(managedObjectType="COMPUTE", managedObjectId=vnf.resource_id, hostId=vnf.host.id,
                         zoneId=vnf.host.zone)
        elif host is not None:
            alarm.update(managedObjectType="HOST", managedObjectId=host.id, hostId=host.id, zoneId=host.zone)

        def build(sub: Any) -> dict[str, Any]:
            return {"id": str(uuid.uuid4()), "notificationType": "AlarmNotification", "subscriptionId": sub.id,
                    "timeStamp": iso(now()), "alarm": alarm}
        return self.notify(domain, build)
