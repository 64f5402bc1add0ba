"""Clause-keyed statements of the installation use cases C.2.2.3, C.2.2.4, C.3.2.3 (their post-conditions): same form
as scripts/clauses_src.py's S. Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
    ("IFA026:C.2.2.3.5:installed", "IFA026", "C.2.2.3.5", "VIM",
     "The VNFCI has the VNFCI certificate, the certificate chain and VNFCI private key."),
    ("IFA026:C.3.2.3.5:installed", "IFA026", "C.3.2.3.5", "VIM",
     "The VNFCI has the VNF OAM certificate, the certificate chain and VNFCI private key."),
    ("IFA026:C.2.2.4.5:installed", "IFA026", "C.2.2.4.5", "VNFM",
     "The VNFCI has the VNFCI certificate, the certificate chain and VNFCI private key."),
]
