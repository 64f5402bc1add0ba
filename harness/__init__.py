"""nfvct: conformance harness for ETSI NFV certificate management (IFA026, IFA033, SOL023)."""

__version__ = "0.1.0"
