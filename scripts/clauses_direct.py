"""Clause-keyed statements of direct mode (IFA026 C.2.1 flows, SOL023 clause 6): same form as
scripts/clauses_src.py's S. Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
    ("SOL023:6:operations", "SOL023", "6", "CMF",
     'Only the following operations as defined in clause 5 of ETSI GS NFV-SOL 002 [3] are supported on the CMF - NFV-MANO reference point, and the API producer shall return a "405 Method Not Allowed" response for other methods requested as defined in clause 6.4 of ETSI GS NFV-SOL 013 [4]:'),
    ("IFA026:C.2.1.1.6:register", "IFA026", "C.2.1.1.6", "CMF",
     "The CMF requests the CA to register the VNFCI end-entity for every identity created in the previous step."),
    ("IFA026:C.2.1.1.6:configure", "IFA026", "C.2.1.1.6", "CMF",
     "The CMF sends a configuration to the VNFCI with details necessary to build the corresponding certificate signing request for every VNFCI identity created in step-1."),
    ("IFA026:C.2.1.1.5:certificates", "IFA026", "C.2.1.1.5", "CMF",
     "The VNFCI has received the associated VNFCI certificate for each of its identities."),
    ("IFA026:C.2.1.2.6:attested", "IFA026", "C.2.1.2.6", "CMF",
     "Acting as Relying Party, the CMF verifies the VNFCI remote attestation status by interacting with the Attestation service. The next step follows only if the Attestation service signals that the VNFCI is successfully attested"),
    ("IFA026:C.2.1.3.6:hsm", "IFA026", "C.2.1.3.6", "CMF",
     "The configuration typically includes the trust anchor for the VNFCI identity, details on the corresponding certificate enrolment server, HSM and CA"),
    ("IFA026:C.2.1.4.6:condition", "IFA026", "C.2.1.4.6", "CMF",
     "CMF configures the condition to renew the certificate"),
    ("IFA026:C.2.1.4.5:renewed", "IFA026", "C.2.1.4.5", "CMF",
     "The VNFCI has received the new certificate."),
]
