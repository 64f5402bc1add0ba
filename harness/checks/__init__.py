"""Conformance checks. Importing this package registers every check."""

from harness.checks import cert_checks, cmp_checks, cmp_header_checks, rest_checks  # noqa: F401
from harness.checks import acme_checks, installation_checks, notify_checks, profile_checks  # noqa: F401
from harness.checks import direct_checks, sm_checks  # noqa: F401
from harness.checks import cmp_request_rules  # noqa: F401
from harness.checks import oauth_checks  # noqa: F401
from harness.checks.registry import REGISTRY, CheckSpec, Observation, Result

__all__ = ["REGISTRY", "CheckSpec", "Observation", "Result"]
