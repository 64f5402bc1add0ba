"""Faults of the reference CMF's direct mode (IFA026 C.2.1, C.3.1; SOL023 clause 6)."""

from __future__ import annotations

from wire.faults import Fault

DIRECT_SCENARIOS = "direct mode"  # every direct-mode scenario has it in its title
_ENROL = "VNFCI certificate enrolment (direct"  # C.2.1.1 only
_CONFIG = ("IFA026:C.2.1.1.6:configure", "Cmf.CertLcm.008", "IFA026:C.2.1.1.5:certificates")

FAULTS: tuple[Fault, ...] = (
    Fault("direct-callback-test-404", ("VNFM.LCM.001", "Cm-Vnfm.002"),
          "Answers the VNFM's notification endpoint test (GET on its callbackUri) with 404, so it never holds a "
          "subscription.", _ENROL),
    Fault("direct-no-query", ("VNFM.LCM.002",),
          "Never queries the VNF instance after a VNF LCM notification (so it lacks the VNFCs' data).", _ENROL),
    Fault("direct-unsupported-op", ("SOL023:6:operations",),
          "Also invokes Modify VNF Information (PATCH vnf_instances/{id}), not one of the six operations SOL023 "
          "clause 6 allows.", _ENROL),
    Fault("direct-first-identity-only", ("Cmf.CertLcm.001", "IFA026:C.2.1.1.6:register"),
          "Registers (and configures) only the first of a VNFCI's identities.", _ENROL),
    Fault("direct-configure-twice", ("IFA026:C.2.1.1.5:certificates",),
          "Sends every VNFCI its configuration twice (a second, identical POST to its configuration endpoint), so the "
          "VNFCI enrols twice with a single-use initial credential.",
          _ENROL),
    Fault("direct-provision-phantom", ("Cmf.CertLcm.001", "IFA026:C.2.1.1.6:register"),
          "For every VNFCI also registers at CA-1, and configures, a VNFC the VNF does not have (<id>-phantom).",
          "C.2.1.1"),
    Fault("direct-oam-as-vnfci", ("Cmf.CertLcm.004",),
          "Registers VNF OAM identities at the CA as VNFCI certificates (wrong CA selected).", "C.3.1"),
    Fault("direct-config-no-trust-anchor", _CONFIG,
          "Leaves the trust anchor out of the VNFCI configuration (the VNFCI cannot validate what the CA returns).",
          _ENROL),
    Fault("direct-wrong-secret", _CONFIG,
          "Configures the VNFCI with an initial credential other than the one registered at the CA.", _ENROL),
    Fault("direct-skip-attestation", ("IFA026:C.2.1.2.6:attested",),
          "Never asks the attestation service: registers and configures every VNFCI, attested or not.", "C.2.1.2"),
    Fault("direct-ignore-attestation", ("IFA026:C.2.1.2.6:attested",),
          "Asks the attestation service but registers a VNFCI whose attestation failed.", "C.2.1.2"),
    Fault("direct-config-no-hsm", ("IFA026:C.2.1.3.6:hsm",),
          "Leaves the HSM details out of the configuration of a VNFCI whose keys must be in an HSM.", "C.2.1.3"),
    Fault("direct-no-renewal-condition", ("IFA026:C.2.1.4.6:condition",),
          "Configures no renewal condition for the VNFCI's certificates.", "C.2.1.4"),
    Fault("direct-deregister-when-enrolled", ("IFA026:C.2.1.4.5:renewed", "Cmf.CertLcm.001"),
          "Deregisters the end entity at the CA once its initial credential is spent, so the certificate can never "
          "be updated.", "C.2.1.4"),
    Fault("direct-no-revoke-on-terminate", ("Cmf.CertLcm.001",),
          "Does not revoke the certificates of VNFCs that a VNF termination or a heal removed.",
          "at VNF termination|a heal that"),
)
