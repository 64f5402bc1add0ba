"""The RFC 9483 / RFC 9810 request rules (scenario RFC9483-3.1[request-rules]) and failInfo choices (scenario
RFC9483-3.6.4[failinfo-choices]): each fault FAILs exactly its declared requirements there, and the clean
reference PASSes them."""

from __future__ import annotations

import pytest

from harness.model import RunResult, Verdict
from harness.runner import run
from reference.cmf.faults import BY_NAME

PATTERN = "RFC9483-3.1|RFC9483-3.6.4"
FAULTS = ("accept-any-pvno", "skip-sender-check", "skip-senderkid-check", "accept-first-recipnonce",
          "messagetime-wrong-failinfo", "certconf-content-unchecked", "failinfo-badrequest-everywhere",
          "failinfo-baddataformat-for-alg", "cert-req-id-rfc9483", "pics-claims-rfc9483-cert-req-id")
RULES = {"RFC9483:3.1:pvno", "RFC9483:3.1:sender", "RFC9483:3.1:senderKID", "RFC9483:3.1:recipNonce",
         "RFC9483:3.1:messageTime", "RFC9483:4.1.1:certconf-content", "RFC9810:5.2.3:badDataFormat",
         "RFC9810:5.2.3:badSenderNonce", "RFC9810:5.2.3:badAlg", "SOL023:5.5.3.2:cert-req-id"}
UNCLAIMED = {"cp-cert-req-id-rfc9483"}  # the embedded reference claims SOL023's certReqId 0


def _run(*faults: str) -> RunResult:
    return run(None, faults=faults, pattern=PATTERN, seed=1, reference_check_after=0)


def _verdicts(result: RunResult) -> dict[str, Verdict]:
    return {r.requirement.id: r.verdict for r in result.requirements if r.requirement.id in RULES}


@pytest.fixture(scope="module")
def clean() -> RunResult:
    return _run()


def test_clean_reference_passes_every_rule(clean: RunResult) -> None:
    verdicts = _verdicts(clean)
    assert verdicts == {rule: Verdict.PASS for rule in RULES}, verdicts
    checks = {o.check: o.verdict for s in clean.scenarios for o in s.checks}
    assert checks and all(v is (Verdict.NOT_APPLICABLE if c in UNCLAIMED else Verdict.PASS)
                          for c, v in checks.items()), checks
    instances = {o.instance for s in clean.scenarios for o in s.checks if o.check == "failinfo-badsendernonce"}
    assert len(instances) == 3, instances  # absent, 64 bits, replayed: each its own instance


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_fails_exactly_its_rule(fault: str, clean: RunResult) -> None:
    result = _run(fault)
    failed = {r.requirement.id for r in result.requirements if r.verdict is Verdict.FAIL}
    assert failed == set(BY_NAME[fault].requirements), (fault, failed)
    assert not [o for s in result.scenarios for o in s.checks if o.verdict is Verdict.ERROR]


def test_generic_failinfo_fails_the_named_bits() -> None:
    """pvno, messageTime and the failInfo choices name their bit (unsupportedVersion, badTime, badDataFormat,
    badSenderNonce, badAlg, badMessageCheck): badRequest FAILs them."""
    failed = {r.requirement.id for r in _run("generic-failinfo").requirements if r.verdict is Verdict.FAIL}
    assert failed == {"RFC9483:3.1:pvno", "RFC9483:3.1:messageTime", "RFC9810:5.2.3:badDataFormat",
                      "RFC9810:5.2.3:badSenderNonce", "RFC9810:5.2.3:badAlg", "RFC9810:5.2.3:badMessageCheck"}
