"""Named faults of the reference Security Manager: each a documented deviation from IFA026 5.1 / annex A or
IFA033 clause 5. ``requirements`` lists every requirement ID a run with the fault must FAIL over the scenarios of
``only`` (tests/test_sm_faults.py asserts the set exactly)."""

from __future__ import annotations

from wire.faults import Fault

PASSIVE, SEMI, FULLY = "SM-mode-passive", "SM-mode-semi-active", "SM-mode-fully-active"

FAULTS: tuple[Fault, ...] = (
    Fault("sm-passive-no-subscribe", ("IFA026:5.1.2:passive",),
          "Does not subscribe to NS LCM notifications on the interface sets where it is passive.", PASSIVE),
    Fault("sm-passive-acts", ("IFA026:5.1.2:passive",),
          "Where it is passive, reacts to an integrity alarm by requesting the VNF's termination (Update NS).",
          PASSIVE),
    Fault("sm-trusts-mano-integrity", ("R2.1.250",),
          "Confirms package integrity from NFV-MANO's own result instead of verifying the package checksum itself.",
          SEMI),
    Fault("sm-no-integrity-confirm", ("R2.1.250",),
          "Semi-active: never sends NFV-MANO the package integrity confirmation.", SEMI),
    Fault("sm-semi-no-policy", ("R2.1.30", "R2.1.310"),
          "Semi-active: supplies no security policy for a VNF that requires security policy management.", SEMI),
    Fault("sm-terminate-no-options", ("Sc-Or.SecEnforce.002", "R2.1.260"),
          "Semi-active: requests termination of a compromised VNF without saying whether a replacement may be "
          "created, whether a snapshot is wanted or whether other recovery may be performed.", SEMI),
    Fault("sm-terminate-by-app-id", ("R2.1.280",),
          "Names the VNF to terminate by the OSS/BSS application ID instead of NFV-MANO's VNF instance ID.", SEMI),
    Fault("sm-approval-silent", ("IFA026:5.1.2:fully-active", "R2.1.40"),
          "Fully-active: never answers NFV-MANO's approval requests.", FULLY),
    Fault("sm-modify-no-policy", ("IFA026:5.1.2:fully-active", "R2.1.310"),
          "Fully-active: grants a VNF that requires security policy management without supplying the policy.",
          FULLY),
    Fault("sm-approves-tampered", ("IFA026:5.1.2:fully-active", "R2.1.250"),
          "Fully-active: approves an instantiation without verifying the package (a tampered package is granted).",
          FULLY),
    Fault("sm-fails-open", ("IFA026:5.1.2:fully-active", "R2.1.250"),
          "Takes a VNF package whose content cannot be downloaded for verified: semi-active confirms it, "
          "fully-active grants it (fails open).", f"{SEMI}|{FULLY}"),
    Fault("sm-instruct-no-options", ("Sc-Or.SecEnforce.003", "R2.1.270"),
          "Fully-active: instructs immediate termination without the SecEnforce.003 options.", FULLY),
    Fault("sm-no-package-disable", ("Sc-Or.SecEnforce.003", "R2.1.270"),
          "Fully-active: asks for the package to be disabled but never sends Update VNF Package Info.", FULLY),
    Fault("sm-host-no-options", ("Sc-Or.SecEnforce.004", "R2.1.320", "R2.1.330"),
          "Requests/instructs termination of a host's use without saying whether its VNFs may be migrated or "
          "whether the host is to be quarantined.", "SM-host-"),
    Fault("sm-no-status-query", ("R2.1.350",),
          "Does not request the status list of active VNFs when it investigates a host.", "SM-forensics"),
    Fault("sm-history-no-period", ("R2.1.360",),
          "Requests the lifecycle history without a time period.", "SM-forensics"),
    Fault("sm-no-security-vnf", ("R2.1.340",),
          "Does not request a security VNF for a newly exposed network service.", "SM-security-vnf"),
    Fault("sm-shared-credential", ("Security.001", "Security.006", "Security.007"),
          "Uses the credential of its first interface set on every interface set.", "SM-trust-domains"),
    Fault("sm-cross-domain", ("R2.1.90", "Security.003"),
          "Semi-active: sends its termination request over another trust domain's interface set.",
          "SM-trust-domains"),
    Fault("sm-single-mode", ("R2.1.130",),
          "Behaves as a semi-active SM in every trust domain, whatever mode it is authorized in there.",
          "SM-trust-domains"),
    Fault("sm-master-defers", ("R2.1.50", "IFA026:5.1.3:master"),
          "As master SM, takes no action on VNFs of its sub-SMs' trust domains.", "SM-hierarchy"),
    Fault("sm-stops-after-malformed-event", ("Sc-Or.SecEnforce.002", "R2.1.260"),
          "Its event worker stops at the first notification it cannot process (e.g. one without nsInstanceId), so it "
          "ignores every later event and alarm (found by mutation testing, docs/mutation-triage.md).", SEMI),
)

BY_NAME = {f.name: f for f in FAULTS}
