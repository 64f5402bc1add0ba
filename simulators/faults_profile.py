"""Named faults of the simulated CA: deviations from the C.6 certificate profile (IFA026 table C.6-1)."""

from __future__ import annotations

from wire.faults import Fault, scoped

ONLY = "C.2.2.2"  # the CSR scenarios obtain certificates of every claimed type; all certificates are checked alike


FAULTS: tuple[Fault, ...] = scoped((
    Fault("ca-validity-5y", ("IFA026:C.6:validity",), "Issues end-entity certificates valid for 5 years."),
    Fault("ca-ku-noncritical", ("IFA026:C.6:key-usage",), "Marks keyUsage non-critical."),
    Fault("ca-eku-server-only", ("IFA026:C.6:extended-key-usage",),
          "Sets only id-kp-serverAuth although the VNFCI is TLS client and server."),
    Fault("ca-wrong-aki", ("IFA026:C.6:authority-key-identifier",),
          "Writes an authorityKeyIdentifier computed from a key that is not the issuer's."),
    Fault("ca-ski-random", ("IFA026:C.6:subject-key-identifier",),
          "Writes a random subjectKeyIdentifier instead of RFC 5280 method (1)."),
    Fault("ca-no-crldp", ("IFA026:C.6:crl-distribution-point",), "Issues certificates without cRLDistributionPoints."),
    Fault("ca-no-aia", ("IFA026:C.6:authority-info-access",), "Issues certificates without authorityInfoAccess."),
    Fault("ca-ee-idp", ("RFC5280:4.2:end-entity-extensions",),
          "Puts an issuingDistributionPoint (a CRL extension, RFC 5280 5.2.5) into end-entity certificates."),
    Fault("ca-ee-ca-extensions", ("RFC5280:4.2:end-entity-extensions",),
          "Issues end-entity certificates with basicConstraints cA=TRUE, keyCertSign in keyUsage and "
          "nameConstraints (RFC 5280 4.2.1.9, 4.2.1.3, 4.2.1.10: CA certificates only)."),
), ONLY)
