"""What the tester and the systems under test share: the wire. Protocol codecs (CMP, SOL013), X.509 helpers,
the ACME and SOL023 vocabulary, the HTTP serving helper and the fault record. Imports nothing of the project
outside ``wire`` (tests/test_boundary.py)."""

from wire.asn1_import_speed import install as _install_asn1_import_speed

_install_asn1_import_speed()  # before any schema of pyasn1-alt-modules is built (2 s per process)
