"""The simulated NFV-MANO's inventory for Security Manager runs: trust domains, hosts and zones (the VIM's view),
VNF packages, NS and VNF instances and the NS LCM history, in the data model of ETSI GS NFV-SOL 005 (NsInstance,
VnfInstance, VnfPkgInfo, NsLcmOpOcc), names and places from faker (seeded).

A VNF package's content is real bytes with a real SHA-256 checksum; a *tampered* package's content no longer
matches the checksum recorded at on-boarding, although NFV-MANO's own check says PASS: the SM has to verify the
package itself (IFA026 R2.1.250)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from faker import Faker


def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Host:
    id: str
    zone: str
    site: str
    country: str
    rack: str

    def to_json(self) -> dict[str, Any]:
        return {"hostId": self.id, "zoneId": self.zone,
                "location": {"site": self.site, "country": self.country, "rack": self.rack}}


@dataclass
class Package:
    id: str
    vnfd_id: str
    product: str
    content: bytes
    checksum: str  # SHA-256 of the content as on-boarded
    security: bool = False  # the package of a security VNF (firewall)
    operational_state: str = "ENABLED"
    unavailable: bool = False  # its content cannot be downloaded (503): an SM must not take it for verified

    def to_json(self, api: str) -> dict[str, Any]:
        return {"id": self.id, "vnfdId": self.vnfd_id, "vnfProvider": "NFVCT", "vnfProductName": self.product,
                "vnfSoftwareVersion": "1.0", "vnfdVersion": "1.0",
                "checksum": {"algorithm": "SHA-256", "hash": self.checksum},
                "onboardingState": "ONBOARDED", "operationalState": self.operational_state, "usageState": "IN_USE",
                "_links": {"self": {"href": f"{api}/vnf_packages/{self.id}"},
                           "packageContent": {"href": f"{api}/vnf_packages/{self.id}/package_content"}}}


@dataclass
class Vnf:
    id: str
    name: str
    domain: str
    ns_id: str
    package: Package
    host: Host
    resource_id: str  # the VIM's compute resource of the VNF's VNFC
    requestor_ref: str  # the OSS/BSS application layer VNF ID (R2.1.210, R2.1.300)
    policy_required: bool = False  # the operator marks VNFs whose security policy the SM manages
    instantiated: bool = True
    security_policy: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "vnfInstanceName": self.name, "vnfdId": self.package.vnfd_id, "vnfProvider": "NFVCT",
            "vnfProductName": self.package.product, "vnfSoftwareVersion": "1.0", "vnfdVersion": "1.0",
            "vnfPkgId": self.package.id,
            "instantiationState": "INSTANTIATED" if self.instantiated else "NOT_INSTANTIATED",
            "metadata": {"requestorRef": self.requestor_ref, "trustDomain": self.domain,
                         "securityPolicyRequired": self.policy_required},
        }
        if self.instantiated:
            body["instantiatedVnfInfo"] = {
                "flavourId": "default", "vnfState": "STARTED",
                "vnfcResourceInfo": [{"id": f"vnfc-{self.id[:8]}", "vduId": "vdu-1",
                                      "computeResource": {"vimConnectionId": "vim-1",
                                                          "resourceId": self.resource_id}}],
                "extCpInfo": [{"id": f"cp-{self.id[:8]}", "cpdId": "ext-cp"}],
            }
        if self.security_policy is not None:
            body["vnfConfigurableProperties"] = {"securityPolicy": self.security_policy}
        return body


@dataclass
class Ns:
    id: str
    name: str
    domain: str
    nsd_id: str
    exposed: bool  # has a service access point reachable from outside (sapInfo)
    vnf_ids: list[str] = field(default_factory=list)


@dataclass
class OpOcc:
    id: str
    ns_id: str
    operation: str  # INSTANTIATE | UPDATE | TERMINATE | HEAL | SCALE
    started: datetime
    affected: list[dict[str, Any]]
    state: str = "COMPLETED"
    automatic: bool = False

    def to_json(self, api: str) -> dict[str, Any]:
        return {"id": self.id, "operationState": self.state, "statusEnteredTime": iso(self.started),
                "nsInstanceId": self.ns_id, "operation": self.operation, "isAutomaticInvocation": self.automatic,
                "startTime": iso(self.started), "isCancelPending": False,
                "resourceChanges": {"affectedVnfs": self.affected},
                "_links": {"self": {"href": f"{api}/ns_lcm_op_occs/{self.id}"},
                           "nsInstance": {"href": f"{api}/ns_instances/{self.ns_id}"}}}


class Inventory:
    """Everything NFV-MANO knows, for every trust domain (each interface set sees only its domains)."""

    def __init__(self, seed: int, domains: tuple[str, ...]) -> None:
        self.fake = Faker()
        self.fake.seed_instance(seed)
        self.domains = domains
        self.zones = [f"zone-{self.fake.city().lower().replace(' ', '-')}" for _ in range(2)]
        self.hosts: dict[str, Host] = {}
        for n in range(6):
            host = Host(f"host-{n + 1:02d}-{self.fake.hexify('^^^^')}", self.zones[n % 2], self.fake.city(),
                        self.fake.country_code(), f"rack-{n // 2 + 1}")
            self.hosts[host.id] = host
        self.packages: dict[str, Package] = {}
        self.vnfs: dict[str, Vnf] = {}
        self.ns: dict[str, Ns] = {}
        self.history: list[OpOcc] = []
        for domain in domains:
            self.new_ns(domain, exposed=False)
        self._seed_history()

    def new_package(self, *, tampered: bool = False, security: bool = False, unavailable: bool = False) -> Package:
        product = "vFirewall" if security else self.fake.word().capitalize() + self.fake.random_element(
            ("GW", "CSCF", "UPF", "AMF", "DNS"))
        content = f"PK\x03\x04 {product} VNF package {uuid.uuid4()}".encode()
        pkg = Package(str(uuid.uuid4()), f"vnfd-{product.lower()}-{uuid.uuid4().hex[:6]}", product, content,
                      hashlib.sha256(content).hexdigest(), security)
        if tampered:  # modified after on-boarding: the recorded checksum no longer matches
            pkg.content = content + b" injected"
        pkg.unavailable = unavailable
        self.packages[pkg.id] = pkg
        return pkg

    def new_ns(self, domain: str, *, exposed: bool) -> Ns:
        ns = Ns(str(uuid.uuid4()), f"ns-{domain}-{self.fake.word()}", domain, f"nsd-{uuid.uuid4().hex[:8]}", exposed)
        self.ns[ns.id] = ns
        return ns

    def default_ns(self, domain: str) -> Ns:
        return next(ns for ns in self.ns.values() if ns.domain == domain)

    def new_vnf(self, domain: str, *, ns: Ns | None = None, package: Package | None = None,
                host: Host | None = None, policy_required: bool = False) -> Vnf:
        ns = ns or self.default_ns(domain)
        package = package or self.new_package()
        host = host or self.fake.random_element(list(self.hosts.values()))
        vnf = Vnf(str(uuid.uuid4()), f"{package.product.lower()}-{self.fake.hexify('^^^^')}", domain, ns.id, package,
                  host, f"vm-{uuid.uuid4().hex[:12]}", f"oss-app-{self.fake.random_int(1000, 9999)}", policy_required)
        return vnf

    def add(self, vnf: Vnf) -> None:
        self.vnfs[vnf.id] = vnf
        self.ns[vnf.ns_id].vnf_ids.append(vnf.id)

    def visible(self, domains: frozenset[str]) -> list[Ns]:
        return [ns for ns in self.ns.values() if ns.domain in domains]

    def ns_json(self, ns: Ns, api: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": ns.id, "nsInstanceName": ns.name, "nsInstanceDescription": f"trust domain {ns.domain}",
            "nsdId": ns.nsd_id, "nsdInfoId": ns.nsd_id, "nsState": "INSTANTIATED",
            "vnfInstance": [self.vnfs[v].to_json() for v in ns.vnf_ids if self.vnfs[v].instantiated],
            "_links": {"self": {"href": f"{api}/ns_instances/{ns.id}"}},
        }
        if ns.exposed:
            body["sapInfo"] = [{"id": f"sap-{ns.id[:8]}", "sapdId": "sap-external", "sapName": "external",
                                "sapProtocolInfo": [{"layerProtocol": "IP_OVER_ETHERNET"}]}]
        return body

    def record(self, ns_id: str, operation: str, affected: list[dict[str, Any]], *,
               automatic: bool = False, at: datetime | None = None) -> OpOcc:
        op = OpOcc(str(uuid.uuid4()), ns_id, operation, at or now(), affected, automatic=automatic)
        self.history.append(op)
        return op

    def _seed_history(self) -> None:
        """A VNF that existed yesterday and was terminated six hours ago, in every domain (forensics, R2.1.360)."""
        for domain in self.domains:
            ns = self.default_ns(domain)
            gone = self.new_vnf(domain, ns=ns)
            gone.instantiated = False
            self.vnfs[gone.id] = gone
            change = {"vnfInstanceId": gone.id, "vnfdId": gone.package.vnfd_id, "vnfName": gone.name}
            self.record(ns.id, "INSTANTIATE", [{**change, "changeType": "ADD", "changeResult": "COMPLETED"}],
                        at=now() - timedelta(hours=30))
            self.record(ns.id, "UPDATE", [{**change, "changeType": "REMOVE", "changeResult": "COMPLETED"}],
                        at=now() - timedelta(hours=6))
