"""Clause-keyed statements of IFA026 C.2.2.4.7 (installation after instantiation with the use of an HSM): same form
as scripts/clauses_src.py's S. Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
    ("IFA026:C.2.2.4.7:set-configuration", "IFA026", "C.2.2.4.7", "VNFM",
     'As parameter in that message, the VNFM provides the VNFCI certificate, certificate chain and details on HSM '
     '(HSM certificate).'),
    ("IFA026:C.2.2.4.7:secure-channel", "IFA026", "C.2.2.4.7", "VNFM",
     "Establishment of a secure TLS channel between the HSM and the VNFCI using the remote attestation credentials "
     "of HMEE and HSM certificate."),
]
