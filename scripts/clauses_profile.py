"""Clause-keyed statements of the C.6 certificate profile (IFA026 annex C.6, table C.6-1, an informative example
profile that the harness uses as its default profile): same form as scripts/clauses_src.py's S (id, document, clause,
applies_to, exact quote, here a row of the table read across its columns).
Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
    ("IFA026:C.6:validity", "IFA026", "C.6", "CA", "Validity Period 3 years or less"),
    ("IFA026:C.6:key-usage", "IFA026", "C.6", "CA",
     "keyUsage {id-ce 15} TRUE TRUE digitalSignature for TLS clients and servers"),
    ("IFA026:C.6:extended-key-usage", "IFA026", "C.6", "CA",
     "extendedKeyUsage {id-ce 37} TRUE FALSE id-kp-clientAuth TLS clients x id-kp-serverAuth for TLS servers NF "
     "that may be both client and server shall have both OIDs set."),
    ("IFA026:C.6:authority-key-identifier", "IFA026", "C.6", "CA",
     "authorityKeyIdentifier {id-ce 35} TRUE FALSE This shall be the same as subjectKeyIdentifier of the Issuer's "
     "certificate. CA shall utilitize the method (1) as defined in clause 4.2.1.2 of IETF RFC 5280 [i.10] to generate "
     "the value for this extension."),
    ("IFA026:C.6:subject-key-identifier", "IFA026", "C.6", "CA",
     "subjectKeyIdentifier {id-ce 14} FALSE FALSE This shall be calculated by the issuing CA utilitizing the method "
     "(1) as defined in clause 4.2.1.2 of IETF RFC 5280 [i.10] to generate the value for this extension."),
    ("IFA026:C.6:crl-distribution-point", "IFA026", "C.6", "CA",
     "cRLDistributionPoint {id-ce 31} TRUE FALSE distributionPoint According to IETF RFC 5280 [i.10] this indicates "
     "if the CRL is available for retrieval using access protocol and location with LDAP or HTTP URI."),
    ("IFA026:C.6:authority-info-access", "IFA026", "C.6", "CA",
     "id-ad-ocsp defines the location of the OCSP responder using HTTP URI."),
]
