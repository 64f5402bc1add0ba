"""Robustness stimuli of the simulated NFV-MANO: messages a conformant NFVO does not send, sent to see that the SM
still acts on the well-formed exchange after them (the verdict is on that exchange's requirement, never on the
SM's answer to the stimulus itself, which no requirement covers)."""

from __future__ import annotations

import uuid
from typing import Any

from simulators.sm.inventory import Vnf, iso, now
from simulators.sm.nfvo import NOTIFICATION, Nfvo


def event_without_ns_instance(nfvo: Nfvo, vnf: Vnf) -> list[str]:
    """An NsLcmOperationOccurrenceNotification of a VNF instantiation without its mandatory ``nsInstanceId``
    (SOL005) to the SMs of ``vnf``'s domain; nothing is recorded in the inventory. Returns the bindings that
    accepted it (any 2xx)."""
    affected = {"vnfInstanceId": vnf.id, "vnfdId": vnf.package.vnfd_id, "vnfProfileId": "default",
                "vnfName": vnf.name, "changeType": "ADD", "changeResult": "COMPLETED"}

    def build(sub: Any) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "nsLcmOpOccId": str(uuid.uuid4()), "operation": "INSTANTIATE",
                "notificationType": NOTIFICATION, "subscriptionId": sub.id, "timeStamp": iso(now()),
                "notificationStatus": "RESULT", "operationState": "COMPLETED", "isAutomaticInvocation": False,
                "affectedVnf": [affected],
                "_links": {"subscription": {"href": f"{nfvo.api(sub.binding)}/subscriptions/{sub.id}"}}}
    return nfvo.notify(vnf.domain, build)
