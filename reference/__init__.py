"""The systems under test that ship with nfvct: the reference CMF (REST, CMP, its ACME server, its direct-mode
agent, certificate notifications) and the reference Security Manager. They are configured only by their own
settings file, import only ``wire`` (tests/test_boundary.py) and never start or wire a harness actor."""
