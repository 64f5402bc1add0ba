"""Security Manager scenario flows. IFA026 gives the SM no flow tables: each scenario's steps are the harness's,
built from the mode definitions (5.1.2), the trust domain rules (5.1.3) and the annex A requirements they exercise,
named in each step. Sender/receiver are the trace's actor names (the SUT is "SM")."""

from __future__ import annotations

from harness.catalogue import IFA026
from harness.flow import FlowStep, UseCase

SRC = f"harness scenario after {IFA026} {{}} and ETSI GS NFV-IFA 033 clause 5 (no flow table in the spec)"


def _flow(id_: str, title: str, clauses: str, *steps: tuple[str, str, str, str]) -> UseCase:
    return UseCase(id_, title, SRC.format(clauses), tuple(FlowStep(*s) for s in steps))


PASSIVE = _flow(
    "SM-mode-passive", "Passive SM: observes lifecycle events, never instructs", "5.1.2, R2.1.10, R2.1.20",
    ("1", "SM", "NFVO", "The SM subscribes to NS LCM notifications on its passive interface set (Sc-Or.NsLcm)."),
    ("2", "NFVO", "SM", "NFV-MANO instantiates a VNF in the domain and sends the lifecycle event; it does not wait "
                        "for the SM (R2.1.20)."),
    ("3", "VIM", "SM", "The VIM raises an integrity alarm on the VNF's compute resource (Sc-Vi.Telem)."),
    ("4", "SM", "NFVO", "The passive SM takes no active part: no Update NS, package change, host termination or "
                        "confirmation (5.1.2); NFV-MANO would refuse one (R2.1.20)."),
    ("5", "NFVO", "SM", "NFV-MANO terminates the VNF and sends the termination event."),
)

SEMI = _flow(
    "SM-mode-semi-active", "Semi-active SM: verifies packages, supplies policy, requests termination",
    "5.1.2, R2.1.30, R2.1.250, R2.1.260, R2.1.280",
    ("1", "NFVO", "SM", "NFV-MANO instantiates a VNF marked for security policy management (genuine package) and "
                        "sends the event with the package integrity information (R2.1.210, Sc-Or.NsLcm.002)."),
    ("2", "NFVO", "SM", "NFV-MANO instantiates a VNF from a package modified after on-boarding; its own check says "
                        "PASS."),
    ("3", "SM", "NFVO", "The SM verifies both packages and confirms the integrity to NFV-MANO (R2.1.250)."),
    ("4", "SM", "NFVO", "The SM supplies the security policy of the first VNF (R2.1.30, R2.1.310)."),
    ("5", "VIM", "SM", "The VIM raises an integrity alarm on the first VNF's compute resource, just after NFV-MANO "
                       "sent a malformed NS LCM notification (no nsInstanceId: a robustness stimulus, not judged)."),
    ("6", "SM", "NFVO", "The SM requests termination of the VNF, listing it by NFV-MANO's identifier and stating "
                        "replacement, snapshot and other recovery (Sc-Or.SecEnforce.002, R2.1.260, R2.1.280)."),
    ("7", "NFVO", "OSS/BSS", "NFV-MANO informs the OSS/BSS before terminating, without seeking permission, and "
                             "terminates (R2.1.260, NFV-MANO side)."),
)

FULLY = _flow(
    "SM-mode-fully-active", "Fully-active SM: approves, modifies or rejects; instructs immediate termination",
    "5.1.2, R2.1.40, R2.1.250, R2.1.270",
    ("1", "NFVO", "SM", "NFV-MANO asks the SM to approve a VNF instantiation (harness binding nfvct-sm-approval/1); "
                        "the SM positively confirms and NFV-MANO proceeds only then (R2.1.40)."),
    ("2", "NFVO", "SM", "Approval of a VNF that requires security policy management: the SM modifies the request "
                        "with its security policy (5.1.2, R2.1.310)."),
    ("3", "NFVO", "SM", "Approval of a VNF whose package was modified after on-boarding: the SM verifies the package "
                        "and rejects (R2.1.250); NFV-MANO does not proceed."),
    ("4", "VIM", "SM", "The VIM raises an integrity alarm on the first VNF's compute resource."),
    ("5", "SM", "NFVO", "The SM instructs immediate termination with the SecEnforce.003 options "
                        "(Sc-Or.SecEnforce.003, R2.1.270, R2.1.280)."),
    ("6", "SM", "NFVO", "The SM disables the VNF package with Update VNF Package Info (IFA033 6.4 note 3)."),
    ("7", "NFVO", "SM", "NFV-MANO terminates immediately, without informing the OSS/BSS first (R2.1.270, NFV-MANO "
                        "side)."),
)


def _host(mode: str, req: str) -> UseCase:
    short = "semi" if mode == "semi-active" else "fully"
    verb = "requests" if short == "semi" else "instructs immediate"
    return _flow(
        f"SM-host-{short}", f"{mode.capitalize()} SM: terminating the use of a compromised host", f"{req}",
        ("1", "NFVO", "SM", "NFV-MANO instantiates a VNF on a host of the domain."),
        ("2", "VIM", "SM", "The VIM raises an integrity alarm on the host (HostID, ZoneID: Sc-Vi.Telem.002)."),
        ("3", "SM", "NFVO", f"The SM {verb} termination of the host's use, stating whether the hosted VNFs may be "
                            f"migrated or shall be terminated and whether to quarantine the host "
                            f"(Sc-Or.SecEnforce.004, {req})."),
    )


HOST_SEMI, HOST_FULLY = _host("semi-active", "R2.1.320"), _host("fully-active", "R2.1.330")

FORENSICS = _flow(
    "SM-forensics", "Status list and lifecycle history after a suspected persistence attack", "R2.1.350, R2.1.360",
    ("1", "VIM", "SM", "The VIM reports a suspected persistence attack on a host."),
    ("2", "SM", "NFVO", "The SM requests the status list of the active VNF instances of its domain (Query NS; "
                        "R2.1.350, Sc-Or.StatusInfo.001)."),
    ("3", "SM", "NFVO", "The SM requests the VNF instances' lifecycle history over a time period (R2.1.360); "
                        "NFV-MANO's answer includes a VNF that no longer exists."),
)

SECURITY_VNF = _flow(
    "SM-security-vnf", "Security VNF insertion into an exposed network service", "R2.1.340",
    ("1", "NFVO", "SM", "NFV-MANO instantiates a network service with an external service access point."),
    ("2", "SM", "NFVO", "The SM requests a security VNF (the on-boarded firewall VNFD) in the NS (Update NS "
                        "INSTANTIATE_VNF; R2.1.340, Sc-Or.SecurityVnfMgmt.001)."),
    ("3", "NFVO", "SM", "NFV-MANO inserts the security VNF and sends the event."),
)

DOMAINS = _flow(
    "SM-trust-domains", "One SM, several trust domains: separate credentials, own domain only, a mode per domain",
    "5.1.3, R2.1.90, R2.1.130", 
    ("1", "NFVO", "SM", "NFV-MANO instantiates one VNF in each of the SM's domains; each event goes only to that "
                        "domain's interface set (R2.1.80, NFV-MANO side)."),
    ("2", "VIM", "SM", "The VIM raises the same integrity alarm on each VNF, on its domain's interface set."),
    ("3", "SM", "NFVO", "The SM acts in each domain as its mode there: passive nothing, semi-active a request, "
                        "fully-active an immediate instruction (R2.1.130)."),
    ("4", "SM", "NFVO", "Every instruction goes over the interface set of its VNF's domain; NFV-MANO refuses "
                        "instructions for another domain's VNFs (R2.1.90, Security.003)."),
    ("5", "SM", "NFVO", "Each interface set was used with its own credential, and each set's subscription with "
                        "that set's identity (Security.001, .006, .007)."),
)

HIERARCHY = _flow(
    "SM-hierarchy", "Master SM overrules a sub-SM in the sub-SM's trust domain", "5.1.3, R2.1.50",
    ("1", "NFVO", "SM", "NFV-MANO instantiates a VNF in the sub-SM's domain; the master SM's interface set covers "
                        "that domain."),
    ("2", "Sub-SM", "NFVO", "The sub-SM (simulated, semi-active) supplies a monitor-only policy: it keeps the VNF."),
    ("3", "VIM", "SM", "The VIM raises an integrity alarm on the VNF, also on the master's interface set."),
    ("4", "SM", "NFVO", "The master SM instructs immediate termination of the sub-SM's VNF over its own interface "
                        "set, overruling the sub-SM (5.1.3, R2.1.50)."),
    ("5", "NFVO", "SM", "NFV-MANO accepts the master's instruction across the sub-SM's domain and terminates "
                        "(NFV-MANO side)."),
)
