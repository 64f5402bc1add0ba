"""IFA026 installation flow tables (delegation mode), steps quoted from tables C.2.2.3.6-1, C.3.2.3.6-1, C.2.2.4.6-1."""

from __future__ import annotations

from harness.catalogue import IFA026
from harness.flow import FlowStep, UseCase

VIM_IS_VIM = (("VIM/CISM", "VIM"),)


def _during_instantiation(cert: str, uc: str, table: str) -> UseCase:
    return UseCase(
        uc, f"{cert} certificate installation during VNF Instantiation", f"{IFA026} table {table}",
        (
            FlowStep("0", "VNFM", "VIM/CISM",
                     "The VIM/CISM receives the trigger: The VNFM sends a \"AllocateComputeRequest\" to the VIM as part "
                     f"of VNF Instantiation processes, see ETSI GS NFV-IFA 006 [9]. In that message, the VNFM provides the "
                     f"{cert} certificate, private key for the certificate and certificate chain."),
            FlowStep("1", "VIM/CISM", "VIM/CISM",
                     "The VIM process the \"Allocate Virtulalized Compute Resource\" and instantiates the VNF with the "
                     f"containing VNFCI and installs the {cert} certificate, private key for the certificate and "
                     "certificate chain."),
            FlowStep("2", "VNFI", "VNFI",
                     f"The instantiated VNFI includes the VNFCI with {cert} certificate, certificate chain and private "
                     "key in the VNFCI."),
            FlowStep("3", "VIM/CISM", "VNFM", "The VIM returns \"AllocateComputeResponse\" to the VNFM."),
        ),
        VIM_IS_VIM,
    )


C_2_2_3 = _during_instantiation("VNFCI", "C.2.2.3", "C.2.2.3.6-1 (the CISM alternative is not replayed)")
C_3_2_3 = _during_instantiation("VNF OAM", "C.3.2.3", "C.3.2.3.6-1")

C_2_2_4 = UseCase(
    "C.2.2.4", "VNFCI certificate installation after VNF Instantiation",
    f"{IFA026} table C.2.2.4.6-1 (the CISM alternative is not replayed)",
    (
        FlowStep("0", "VNFM", "VNFI",
                 "The VNFI receives the trigger: The VNFM sends a \"SetConfigurationRequest\" to the VNFI as part of the "
                 "VNF configuration process, see ETSI GS NFV-IFA 008 [12]. As parameter in that message, the VNFM "
                 "provides the VNFCI certificate, private key for the certificate and certificate chain."),
        FlowStep("1", "VNFI/VNFCI", "VNFI/VNFCI",
                 "The VNFCI certificate, certificate chain and private key are installed into the VNFCI."),
        FlowStep("2", "VNFI", "VNFM", "The VNFI returns \"SetConfigurationResponse\" to the VNFM."),
    ),
    (("VNFI/VNFCI", "VNFI"),),
)

C_2_2_4_7 = UseCase(
    "C.2.2.4.7", "VNFCI certificate installation after VNF Instantiation with the use of an HSM",
    f"{IFA026} table C.2.2.4.7-2 (pre-conditions table C.2.2.4.7-1: the VNFM integrates an HSM, the VNFCI runs in an "
    "HMEE attested by the attestation service, its key pair was generated in the HSM as in C.2.2.2.7)",
    (
        FlowStep("0", "VNFM", "VNFI",
                 "The VNFI receives the trigger: The VNFM sends a \"SetConfigurationRequest\" to the VNFI as part of the "
                 "VNF configuration process, see ETSI GS NFV-IFA 008 [12]. As parameter in that message, the VNFM "
                 "provides the VNFCI certificate, certificate chain and details on HSM (HSM certificate)."),
        FlowStep("1", "VNFI/VNFCI (HMEE)", "VNFI/VNFCI (HMEE)",
                 "The VNFCI certificate, certificate chain are installed into the VNFCI."),
        FlowStep("2", "VNFCI (HMEE)", "HSM",
                 "Establishment of a secure TLS channel between the HSM and the VNFCI using the remote attestation "
                 "credentials of HMEE and HSM certificate. (See note)"),
        FlowStep("3", "VNFCI (HMEE)", "HSM", "The VNFCI request the key pairs to the HSM."),
        FlowStep("4", "HSM", "VNFCI (HMEE)",
                 "The HSM provides the key pairs to the VNFCI through the secure channel established in step-2."),
        FlowStep("5", "VNFI", "VNFM", "The VNFI returns \"SetConfigurationResponse\" to the VNFM."),
    ),
    (("VNFI/VNFCI (HMEE)", "VNFI"), ("VNFCI (HMEE)", "VNFCI (HMEE)")),
)
