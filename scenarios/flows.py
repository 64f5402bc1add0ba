"""The spec's flow tables, step by step, as data. Texts are quoted from the documents, except
RESOURCE_METHODS, which summarises SOL023's per-method tables (5.6.3.3.3, 5.6.3.4.3) as steps."""

from __future__ import annotations

from harness.catalogue import IFA026, SOL023
from harness.flow import FlowStep, UseCase

CONSUMER_IS_VNFM = (("Consumer", "VNFM"),)  # IFA026 tables C.2.2.1.3-1 / C.2.2.2.3-1: the consumer is the VNFM

C_2_2_1 = UseCase(
    "C.2.2.1",
    "Registration of VNFM as entity in charge of VNFCI certificate management",
    f"{IFA026} table C.2.2.1.6-1",
    (
        FlowStep("0", "Consumer", "CMF",
                 "The CMF receives the trigger: The consumer sends a registration request to register the VNFM as "
                 "the entity which is in charge of the VNFCI certificate management for the requested VNFCI. The "
                 "consumer provides the identifier(s) of the target VNFCI as input parameter. The registration "
                 "request is sent after the VNFM receives \"InstantiateVnfRequest\" on Or-Vnfm reference point as "
                 "specified in clause 7.2.3 of ETSI GS NFV-IFA 007 [10]."),
        FlowStep("1", "CMF", "CMF",
                 "The CMF validates the registration request. If valid, the CMF registers the VNFM as the entity "
                 "which is in charge of the VNFCI certificate management for the requested VNFCI. The CMF selects "
                 "the certificate authority for the requested certificate management. If the registration request "
                 "is invalid, a rejection message is returned to the consumer."),
        FlowStep("2", "CMF", "Consumer", "The CMF sends the response of success or failure to the consumer."),
    ),
    CONSUMER_IS_VNFM,
)

C_2_2_2 = UseCase(
    "C.2.2.2",
    "CSR Request for VNFCI certificate",
    f"{IFA026} clause C.2.2.2.6, table printed as \"C2.3.2.6-1\" [sic]",
    (
        FlowStep("0", "Consumer", "CMF",
                 "The CMF receives the trigger: The Consumer generates the key pairs of public key and private key "
                 "for the VNFCI certificate. The consumer generates Certificate Signing Request with the information, "
                 "which the consumer prepared via Os-Ma-Nfvo/Or-Vnfm/VNFM itself and signs with the VNFCI private "
                 "key. The consumer sends a Certificate Signing Request to the CMF to obtain a VNFCI certificate."),
        FlowStep("1", "CMF", "CMF",
                 "The CMF verifies whether the consumer is registered as delegate for the VNFCI certificate "
                 "management; i.e. the entity in charge of the requested VNFCI certificate management. If the "
                 "verification fails, the CMF returns an error response to the consumer."),
        FlowStep("2", "CMF", "CMF",
                 "The CMF validates the information in the CSR. If the validation fails, the CMF returns an error "
                 "response to the consumer."),
        FlowStep("3", "CMF", "CA", "The CMF requests CA to issue and sign the VNFCI certificate."),
        FlowStep("4", "CA", "CA",
                 "The CA issues the VNFCI certificate (including VNFCI public key) and signs it with the private key "
                 "of the CA and binds the certificate to the VNFCI ID."),
        FlowStep("5", "CA", "CMF", "The CA returns the requested VNFCI certificate and certificate chain to the CMF."),
        FlowStep("6", "CMF", "Consumer",
                 "The CMF returns the requested VNFCI certificate and certificate chain for the VNFCI certificate to "
                 "the consumer."),
    ),
    CONSUMER_IS_VNFM,
)

C_2_2_2_7 = UseCase(
    "C.2.2.2.7",
    "CSR Request for VNFCI certificate with the use of HSM",
    f"{IFA026} table C.2.2.2.7-2 (additional pre-condition, table C.2.2.2.7-1: the VNFM integrates an HSM)",
    (
        FlowStep("0", "Consumer", "CMF",
                 "The CMF receives the trigger: The Consumer requests to the HSM the generation of the key pairs of "
                 "public key and private key for the VNFCI certificate and the transmission of the corresponding "
                 "public key. If key attestation is used, the consumer requests the key attestation statement to the "
                 "HSM. The consumer generates Certificate Signing Request with the information (note), which the "
                 "consumer prepared via Os-Ma-Nfvo/Or-Vnfm/VNFM itself and request the HSM to sign the CSR with the "
                 "VNFCI private key. The consumer sends a Certificate Signing Request to the CMF to obtain a VNFCI "
                 "certificate."),
        *C_2_2_2.steps[1:],  # steps 1-6 read as in table C.2.2.2.6-1
    ),
    CONSUMER_IS_VNFM,
)

# IFA026 C.3.2.1 / C.3.2.2: "the same as for VNFCI certificate ... except that the type of
# certificate is VNF OAM certificate" -- the C.2.2.x tables with a parameter.
USE_CASE_BY_CERT_TYPE = {
    ("C.2.2.1", "VNFCI_certificate"): "C.2.2.1",
    ("C.2.2.1", "VNF_OAM_certificate"): "C.3.2.1",
    ("C.2.2.2", "VNFCI_certificate"): "C.2.2.2",
    ("C.2.2.2", "VNF_OAM_certificate"): "C.3.2.2",
    ("C.2.2.2.7", "VNFCI_certificate"): "C.2.2.2.7",
    ("C.2.2.2.7", "VNF_OAM_certificate"): "C.3.2.2",  # C.3.2.2 has no sub-clauses: "the same as for VNFCI"
}

DEREGISTER = UseCase(
    "IFA033 11.2.4 Deregister",
    "Deregistration of the Subject for VNFC/VNF OAM certificate management",
    f"{SOL023} clause 5.3.2",
    (
        FlowStep("1", "VNFM", "CMF", 'VNFM sends a DELETE request to the "Individual Subject" resource.'),
        FlowStep("2", "CMF", "CMF", 'The CMF deletes the "Individual Subject" resource and the associated Subject identifier.'),
        FlowStep("3", "CMF", "VNFM", 'The CMF returns a "204 No Content" response with an empty message content.'),
    ),
)

REVOKE = UseCase(
    "IFA033 11.2.5 Revoke",
    "Revocation of the certificate for VNFC/VNF OAM certificate management",
    f"{SOL023} clause 5.3.4",
    (
        FlowStep("1", "VNFM", "CMF",
                 'VNFM sends a POST request to the revocation URI including in the message content a data structure '
                 'of type "RevReqContent".'),
        FlowStep("2", "CMF", "CMF", "The CMF revokes the certificate."),
        FlowStep("3", "CMF", "VNFM",
                 'The CMF returns a "200 OK" response containing the message content a data structure of type '
                 '"RevReqContent".'),
    ),
)

QUERY_SUBJECT = UseCase(
    "IFA033 11.2.6 Query Subject Info",
    "Query of the subject for VNFC/VNF OAM certificate management",
    f"{SOL023} clause 5.3.5",
    (
        FlowStep("1", "VNFM", "CMF",
                 'If the VNFM intends to query all Subject instances, it sends a GET request to the "Subject '
                 'instances" resource.'),
        FlowStep("2", "CMF", "VNFM",
                 'The CMF returns a "200 OK" response to the VNFM and includes zero or more data structures of type '
                 '"SubjectInstance" in the message content.'),
        FlowStep("3", "VNFM", "CMF",
                 'If the VNFM intends to read information about a particular Subject instance, it sends a GET request '
                 'to the "Individual Subject instance" resource, addressed by the appropriate Subject instance '
                 'identifier in its resource URI.'),
        FlowStep("4", "CMF", "VNFM",
                 'The CMF returns a "200 OK" response to the VNFM and includes one data structure of type '
                 '"SubjectInstance" in the message content.'),
    ),
)

QUERY_CERTIFICATE = UseCase(
    "IFA033 11.2.7 Query Certificate Info",
    "Query of the certificate for VNFC/VNF OAM certificate management",
    f"{SOL023} clause 5.3.6",
    (
        FlowStep("1", "VNFM", "VNFM",
                 'If the VNFM intends to query the status of operation for the certificate, the VNFM waits for the '
                 '"checkAfter" values of previous message.'),
        FlowStep("2", "VNFM", "CMF",
                 'The VNFM sends a POST request to the pkcs10 URI including in the message content a data structure '
                 'of type "PollReqContent".'),
        FlowStep("3", "CMF", "VNFM",
                 'The CMF returns a "200 OK" response to the VNFM containing the message content a data structures '
                 'of type "PollRepContent".'),
    ),
)

RESOURCE_METHODS = UseCase(
    "SOL023 5.6.3 methods",
    "Unsupported methods on the Certificate Management resources, and API versions",
    f"{SOL023} clauses 5.6.2, 5.6.3.2, 5.6.3.3.3, 5.6.3.4.3",
    (
        FlowStep("5.6.3.2", "VNFM", "CMF", 'The "API versions" resources as defined in clause 9.3.3 of ETSI GS NFV-SOL 013 [4] are part of the Certificate management interface.'),
        FlowStep("5.6.3.3.3", "VNFM", "CMF", "PUT, PATCH and DELETE on {apiRoot}/nfv-cert/v1/subjects: not supported."),
        FlowStep("5.6.3.4.3", "VNFM", "CMF", "POST, PUT and PATCH on {apiRoot}/nfv-cert/v1/subjects/{subjectId}: not supported."),
    ),
)

MESSAGE_VALIDATION = UseCase(
    "RFC 9483 3.5 message validation",
    "Malformed, badly protected and unsupported CMP requests (harness probes)",
    "RFC 9483 clauses 3.5 and 3.6.4, RFC 9810 clause 5.2.3 (harness summaries: RFC texts are not shipped)",
    (
        FlowStep("1", "VNFM", "CMF", "Bytes that are not a PKIMessage are posted to the pkcs10 URI; the CMF answers "
                                     "with an error, never processes them."),
        FlowStep("2", "VNFM", "CMF", "A p10cr whose protection does not verify is posted; the CMF answers with an "
                                     "error with failInfo badMessageCheck."),
        FlowStep("3", "VNFM", "CMF", "An ir (a body the SOL023 pkcs10 URI does not serve) is posted; the CMF answers "
                                     "with a CMP error."),
    ),
)
