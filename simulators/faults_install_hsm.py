"""Named faults of the simulated VNFM, HSM and HMEE of IFA026 C.2.2.4.7 (installation with the use of an HSM)."""

from __future__ import annotations

from wire.faults import Fault, scoped

ONLY = "C.2.2.4.7"

FAULTS: tuple[Fault, ...] = scoped((
    Fault("vnfm-no-hsm-certificate", ("IFA026:C.2.2.4.7:set-configuration",),
          "The simulated VNFM leaves the HSM certificate out of SetConfigurationRequest (the HMEE then cannot "
          "authenticate the HSM: no key pair, and the installation checks are INCONCLUSIVE)."),
    Fault("hsm-releases-to-anyone", ("IFA026:C.2.2.4.7:secure-channel",),
          "The simulated HSM hands VNFCI key pairs to any TLS client, attested HMEE or not."),
), ONLY)
