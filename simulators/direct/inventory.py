"""The simulated VNFM's VNF inventory, in the data model of ETSI GS NFV-SOL 002/003 clause 5 (VnfInstance,
VnfcResourceInfo, VnfLcmOpOcc, VnfLcmOperationOccurrenceNotification), with faker-made names.

Harness binding (README, "Direct mode"): each VnfcResourceInfo carries in ``metadata`` what the CMF needs to
reach and treat the VNFCI: ``certConfigEndpoint`` (the URL that takes the CMF's configuration, IFA026 C.2.1.1.6
step 3), ``attestationRequired`` (secure bootstrapping with remote attestation, C.2.1.2) and ``hsmRequired``
(key pairs in an HSM, C.2.1.3)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from faker import Faker


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Vnfc:
    id: str  # VnfcResourceInfo.id (the vnfcInstanceId)
    vdu_id: str
    config_endpoint: str
    attestation_required: bool = False
    hsm_required: bool = False
    resource_id: str = field(default_factory=lambda: f"vm-{uuid.uuid4().hex[:12]}")

    def resource_info(self) -> dict[str, Any]:
        return {"id": self.id, "vduId": self.vdu_id,
                "computeResource": {"vimConnectionId": "vim-1", "resourceId": self.resource_id},
                "metadata": {"certConfigEndpoint": self.config_endpoint,
                             "attestationRequired": self.attestation_required, "hsmRequired": self.hsm_required}}

    def affected(self, change: str) -> dict[str, Any]:
        return {"id": self.id, "vduId": self.vdu_id, "changeType": change,
                "computeResource": {"vimConnectionId": "vim-1", "resourceId": self.resource_id}}


@dataclass
class VnfInstance:
    id: str
    name: str
    vnfd_id: str
    product: str
    vnfcs: list[Vnfc] = field(default_factory=list)
    instantiated: bool = False

    def to_json(self, base: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "vnfInstanceName": self.name, "vnfdId": self.vnfd_id, "vnfProvider": "NFVCT",
            "vnfProductName": self.product, "vnfSoftwareVersion": "1.0", "vnfdVersion": "1.0",
            "instantiationState": "INSTANTIATED" if self.instantiated else "NOT_INSTANTIATED",
            "_links": {"self": {"href": f"{base}/vnf_instances/{self.id}"}},
        }
        if self.instantiated:
            body["instantiatedVnfInfo"] = {"flavourId": "default", "vnfState": "STARTED",
                                           "vnfcResourceInfo": [v.resource_info() for v in self.vnfcs]}
        return body


@dataclass
class OpOcc:
    id: str
    vnf_instance_id: str
    operation: str  # INSTANTIATE, SCALE, HEAL, TERMINATE
    state: str  # STARTING, PROCESSING, COMPLETED, FAILED
    affected: list[dict[str, Any]]
    start: str = field(default_factory=now_iso)

    def to_json(self, base: str) -> dict[str, Any]:
        return {"id": self.id, "operationState": self.state, "stateEnteredTime": now_iso(), "startTime": self.start,
                "vnfInstanceId": self.vnf_instance_id, "operation": self.operation,
                "isAutomaticInvocation": False, "isCancelPending": False,
                "resourceChanges": {"affectedVnfcs": self.affected},
                "_links": {"self": {"href": f"{base}/vnf_lcm_op_occs/{self.id}"},
                           "vnfInstance": {"href": f"{base}/vnf_instances/{self.vnf_instance_id}"}}}

    def notification(self, base: str, subscription_id: str, status: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(uuid.uuid4()), "notificationType": "VnfLcmOperationOccurrenceNotification",
            "subscriptionId": subscription_id, "timeStamp": now_iso(), "notificationStatus": status,
            "operationState": self.state, "vnfInstanceId": self.vnf_instance_id, "operation": self.operation,
            "isAutomaticInvocation": False, "vnfLcmOpOccId": self.id,
            "_links": {"subscription": {"href": f"{base}/subscriptions/{subscription_id}"},
                       "vnfInstance": {"href": f"{base}/vnf_instances/{self.vnf_instance_id}"},
                       "vnfLcmOpOcc": {"href": f"{base}/vnf_lcm_op_occs/{self.id}"}},
        }
        if status == "RESULT":
            body["affectedVnfcs"] = self.affected
        return body


class Inventory:
    """VNF instances and operation occurrences; names from faker (seeded per run)."""

    def __init__(self, seed: int) -> None:
        self.faker = Faker()
        self.faker.seed_instance(seed)
        self.vnfs: dict[str, VnfInstance] = {}
        self.op_occs: dict[str, OpOcc] = {}

    def new_vnf(self) -> VnfInstance:
        word = self.faker.unique.word().lower()
        vnf = VnfInstance(str(uuid.uuid4()), f"{word}-{self.faker.city().lower().replace(' ', '-')}",
                          f"vnfd-{word}", f"{word.title()} Gateway")
        self.vnfs[vnf.id] = vnf
        return vnf

    def new_op(self, vnf: VnfInstance, operation: str, affected: list[dict[str, Any]]) -> OpOcc:
        op = OpOcc(str(uuid.uuid4()), vnf.id, operation, "COMPLETED", affected)
        self.op_occs[op.id] = op
        return op
