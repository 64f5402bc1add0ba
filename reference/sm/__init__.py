"""The reference Security Manager: the embedded default SUT of ``nfvct run --role sm``."""
