"""IFA026 C.4 NFV-MANO certificate management flows (tables C.4.x.1.6-1, C.4.x.2.6-1), NFVO wording quoted and
the entity substituted (the three tables differ only in the entity and the interfaces it learns the CSR
information over)."""

from __future__ import annotations

from harness.catalogue import IFA026, SOL023
from harness.flow import FlowStep, UseCase

UC = {"NFVO": "C.4.1", "VNFM": "C.4.2", "VIM": "C.4.3"}
VIA = {"NFVO": "Os-Ma-Nfvo/NFVO itself", "VNFM": "Os-Ma-Nfvo/Or-Vnfm/VNFM itself", "VIM": "Os-Ma-Nfvo/VIM itself"}


def registration(entity: str) -> UseCase:
    uc = UC[entity]
    trusted = "authorized" if entity == "VNFM" else "trusted"
    return UseCase(
        f"{uc}.1", f"Registration of {entity}", f"{IFA026} table {uc}.1.6-1",
        (
            FlowStep("0", "Consumer", "CMF", "The CMF receives the trigger: The consumer sends a registration request "
                     f"to register the {entity}. The consumer provides the FQDN of the {entity} as input parameters."),
            FlowStep("1", "CMF", "CMF", f"The CMF validates the registration request and that the consumer is {trusted} "
                     f"to make the request. If valid, the CMF registers the FQDN of the {entity}. The CMF selects the "
                     "certificate authority for the requested certificate management. If the registration request is "
                     "invalid, a rejection message is returned to the consumer. The CMF can create an initial credential "
                     f"to authenticate the connection between the CMF, CA and {entity} for the purpose the certificate "
                     "signing request."),
            FlowStep("2", "CMF", "Consumer", "The CMF sends the response of success or failure to the consumer. The "
                     "response includes the initial credential if it was created above."),
        ),
        (("Consumer", "OSS"),),
    )


def csr(entity: str, *, hsm: bool = False) -> UseCase:
    uc = UC[entity]
    if hsm:
        zero = (f"The CMF receives the trigger: The Consumer requests to the HSM the generation of the key pairs of "
                f"public key and private key for the {entity} certificate and the transmission of the corresponding "
                "public key. If key attestation is used, the Consumer requests the key attestation statement to the "
                "HSM. The consumer generates Certificate Signing Request with the information (see note 2), which the "
                f"consumer prepared via {VIA[entity]} and requests the HSM to sign the CSR with the {entity} private "
                f"key. The consumer sends a Certificate Signing Request to the CMF to obtain a {entity} certificate "
                "including the initial credential if required (see note 1).")
    else:
        zero = (f"The CMF receives the trigger: The Consumer generates the key pairs of public key and private key for "
                f"the {entity} certificate. The consumer generates Certificate Signing Request with the information, "
                f"which the consumer prepared via {VIA[entity]} and signs with the {entity} private key. The consumer "
                f"sends a Certificate Signing Request to the CMF to obtain a {entity} certificate including the "
                "initial credential if required (see note).")
    table = f"{uc}.2.7-2" if hsm else f"{uc}.2.6-1"
    return UseCase(
        f"{uc}.2.7" if hsm else f"{uc}.2", f"CSR Request for {entity} certificate" + (" with the use of HSM" if hsm else ""),
        f"{IFA026} table {table}",
        (
            FlowStep("0", "Consumer", "CMF", zero),
            FlowStep("1", "CMF", "CMF", "The CMF verifies whether the consumer is registered. If the verification "
                     "fails, the CMF returns an error response to the consumer."),
            FlowStep("2", "CMF", "CMF", "The CMF validates the information in the CSR and initial credential where "
                     "used. If the validation fails, the CMF returns an error response to the consumer."),
            FlowStep("3", "CMF", "CA", f"The CMF requests CA to issue and sign the {entity} certificate."),
            FlowStep("4", "CA", "CA", f"The CA issues the {entity} certificate (including {entity} public key) and "
                     "signs it with the private key of the CA."),
            FlowStep("5", "CA", "CMF", f"The CA returns the requested {entity} certificate and certificate chain to "
                     "the CMF."),
            FlowStep("6", "CMF", "Consumer", f"The CMF returns the requested {entity} certificate and certificate "
                     f"chain for the {entity} certificate to the consumer."),
        ),
        (("Consumer", entity),),
    )


def jws_rules() -> UseCase:
    return UseCase(
        "SOL023-5.5.2a", "ACME request rules (JWS, nonces, url)", f"{SOL023} tables 5.5.2a.2-1, "
        "5.5.2a.3-1; RFC 8555 6.2-6.7",
        (FlowStep("1", "Consumer", "CMF", "The consumer sends ACME requests that break one rule each: a MAC "
                  "algorithm, a nonce that is not base64url, a replayed nonce, a url header other than the request "
                  "URL, both jwk and kid; the CMF rejects each (harness probe sequence)."),),
        (("Consumer", "NFVO"),),
    )
