"""IFA026 direct-mode flow tables, steps quoted from tables C.2.1.1.6-1, C.2.1.2.6-1, C.2.1.3.6-1 and
C.2.1.4.6-1 (C.3.1 reuses C.2.1.1's flow for VNF OAM identities)."""

from __future__ import annotations

from harness.catalogue import IFA026
from harness.flow import FlowStep, UseCase

_TRIGGER = ("CMF receives the trigger: based on the indication that a new VNFC is instantiated, the CMF can query "
            "VNFM and/or subscribe to retrieve VNF LCM occurrence events to obtain asset information.")
_ATTEST = ("Acting as Relying Party, the CMF verifies the VNFCI remote attestation status by interacting with the "
           "Attestation service. The next step follows only if the Attestation service signals that the VNFCI is "
           "successfully attested.")
_IDENTITIES = "The CMF creates one or several identities required for the attested VNFCI, which has been verified in the previous step."
_REGISTER = ("The CMF requests the CA to register the VNFCI end-entity for every identity created in the previous step. "
             "The CMF can include an initial credential based on which the VNFCI certificate signing request is to be "
             "authenticated.")


def _configure(step: str, responder: str, extra: str = "") -> str:
    return ("The CMF sends a configuration to the VNFCI with details necessary to build the corresponding certificate "
            f"signing request for every VNFCI identity created in step-{step}. The configuration typically includes "
            "the trust anchor for the VNFCI identity, details on the corresponding certificate enrolment server"
            f"{extra} and CA (e.g. full path to the responder for the {responder}), the initial credential to "
            "authenticate the CSR for the given identity, and a trigger for certificate enrolment for the specific "
            "identity registered in the CA.")


def _enrol_steps(first: int, identities_step: int, config_step: int) -> tuple[FlowStep, ...]:
    n = first
    return (
        FlowStep(str(n), "VNFCI", "VNFCI",
                 f"The VNFCI generates a key-pair and the corresponding CSR for every identity created in step-{identities_step}."),
        FlowStep(str(n + 1), "VNFCI", "CA",
                 "The VNFCI sends a certificate enrolment request to the CA along with initial credential to "
                 f"authenticate the VNFCI/CSR based on the configuration received from the CMF in step-{config_step} "
                 f"for every CSR built in step-{n}."),
        FlowStep(str(n + 2), "CA", "CA",
                 "The CA validates the received CSR request and the initial credential and issues the VNFCI "
                 "certificate for the corresponding VNFCI registered identity."),
        FlowStep(str(n + 3), "CA", "VNFCI", "The CA responds by returning the requested certificate to the VNFCI."),
    )


C_2_1_1 = UseCase(
    "C.2.1.1", "VNFCI certificate enrollment in direct-mode", f"{IFA026} table C.2.1.1.6-1",
    (
        FlowStep("0", "VNFM", "CMF", _TRIGGER),
        FlowStep("1", "CMF", "CMF", "The CMF creates one or several identities required for the VNFCI."),
        FlowStep("2", "CMF", "CA", "The CMF requests the CA to register the VNFCI end-entity for every identity "
                 "created in the previous step. The CMF can include an initial credential based on which VNFCI "
                 "certificate signing request is to be authenticated."),
        FlowStep("3", "CMF", "VNFCI", _configure("1", "step-5")),
        *_enrol_steps(4, 1, 3),
    ),
)

C_3_1 = UseCase(
    "C.3.1", "VNF OAM certificate enrolment in direct mode (the flow of C.2.1.1)",
    f"{IFA026} clause C.3.1 and table C.2.1.1.6-1", C_2_1_1.steps,
)

C_2_1_2 = UseCase(
    "C.2.1.2", "VNFCI certificate enrollment with remote attestation in direct-mode", f"{IFA026} table C.2.1.2.6-1",
    (
        FlowStep("1", "VNFM", "CMF", _TRIGGER),
        FlowStep("2", "CMF", "Attestation Service", _ATTEST),
        FlowStep("3", "CMF", "CMF", _IDENTITIES),
        FlowStep("4", "CMF", "CA", _REGISTER),
        FlowStep("5", "CMF", "VNFCI", _configure("3", "step-7")),
        *_enrol_steps(6, 3, 5),
    ),
)

C_2_1_3 = UseCase(
    "C.2.1.3", "VNFCI certificate enrolment using an HSM in direct-mode", f"{IFA026} table C.2.1.3.6-1",
    (
        FlowStep("1", "VNFM", "CMF", _TRIGGER),
        FlowStep("2", "CMF", "Attestation Service", _ATTEST),
        FlowStep("3", "CMF", "CMF", "The CMF creates one or several identities required for the attested VNFCI, "
                 "which has been verified in the step-2."),
        FlowStep("4", "CMF", "CA", _REGISTER),
        FlowStep("5", "CMF", "VNFCI", _configure("3", "step-6 and step-13", ", HSM")),
        FlowStep("6", "VNFCI", "HSM", "Establishment of a secure TLS channel between the HSM and the VNFCI using the "
                 "remote attestation credentials of HMEE and HSM certificate."),
        FlowStep("7", "VNFCI", "HSM", "The VNFCI request the generation of key pairs to the HSM for each identity of the VNFCI."),
        FlowStep("8", "HSM", "VNFCI", "The HSM provides the key pairs to the VNFCI through the secure channel established in step-6."),
        FlowStep("9", "VNFCI", "VNFCI", "The VNFCI generates the corresponding CSR for every identity created in step-3."),
        FlowStep("10", "VNFCI", "HSM", "VNFCI sends the CSR payload to HSM for signing."),
        FlowStep("11", "HSM", "VNFCI", "The HSM signs the content of the CSR with the private key and sends back to the VNFCI."),
        FlowStep("12", "VNFCI", "VNFCI", "The VNFCI finalizes the construction of the CSR."),
        FlowStep("13", "VNFCI", "CA", "VNFCI sends the CSR to the CA along with initial credential to authenticate the "
                 "VNFCI/CSR based on the configuration received from the CMF in step-5 for every CSR built in step-12."),
        FlowStep("14", "CA", "CA", "The CA validates the received CSR request and the initial credential and issues the "
                 "VNFCI certificate for the corresponding VNFCI registered identity."),
        FlowStep("15", "CA", "VNFCI", "The CA responds by returning the requested certificate to the VNFCI."),
    ),
    (("VNFCI(HMEE)", "VNFCI"),),
)

C_2_1_4 = UseCase(
    "C.2.1.4", "VNFCI certificate renewal in direct-mode", f"{IFA026} table C.2.1.4.6-1",
    (
        FlowStep("0", "CMF", "VNFCI", "CMF configures the condition to renew the certificate."),
        FlowStep("1", "VNFCI", "VNFCI", "The condition indicating that the VNFCI certificate is to be renewed is activated."),
        FlowStep("2", "VNFCI", "VNFCI", "The VNFCI generates a new key-pair and the corresponding certificate update "
                 "request, which is according to the supported certificate management protocol."),
        FlowStep("3", "VNFCI", "CA", "The VNFCI sends the certificate update request to the CA. The certificate to be "
                 "updated is used by the VNFCI for authenticating itself and for proving ownership of this certificate "
                 "towards the CA."),
        FlowStep("4", "CA", "CA", "The CA validates the received certificate update request and issues the new VNFCI "
                 "certificate for the corresponding VNFCI identity."),
        FlowStep("5", "CA", "VNFCI", "The CA responds by returning the new certificate to the VNFCI."),
    ),
)
