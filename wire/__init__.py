"""What the tester and the systems under test share: the wire. Protocol codecs (CMP, SOL013), X.509 helpers,
the ACME and SOL023 vocabulary, the HTTP serving helper and the fault record. Imports nothing of the project
outside ``wire`` (tests/test_boundary.py)."""
