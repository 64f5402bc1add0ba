"""Faults of the reference CMF's key attestation in delegation mode (IFA026 C.2.2.2.7 / C.3.2.2, Cmf.CertLcm.011;
reference/cmf/attestation.py)."""

from __future__ import annotations

from wire.faults import Fault, scoped

HSM_SCENARIOS = "C.2.2.2.7"  # both variants: the VNF OAM one is C.3.2.2[VNF OAM]/HSM, "(IFA026 C.2.2.2.7)" in its title

FAULTS: tuple[Fault, ...] = scoped((
    Fault("del-skip-attestation", ("Cmf.CertLcm.011",),
          "Issues VNFCI / VNF OAM certificates without validating the key attestation registered for the subject."),
    Fault("del-attestation-optional", ("Cmf.CertLcm.011",),
          "Accepts a CSR without a key attestation statement although the subject has a registered attester."),
    Fault("del-attestation-any-signer", ("Cmf.CertLcm.011",),
          "Does not verify that the statement is signed by the attester registered for the subject."),
    Fault("del-attestation-key-unchecked", ("Cmf.CertLcm.011",),
          "Does not compare the attested public key with the CSR's public key."),
    Fault("del-attestation-ignores-policy", ("Cmf.CertLcm.011",),
          "Accepts a key the statement attests as not sensitive (readable in plaintext), against its policy."),
), HSM_SCENARIOS)
