"""Verdicts do not depend on where the SUT runs: an `nfvct init` environment, the reference CMF served by
`nfvct serve-reference --role cmf --profile P` as a separate process, `nfvct run --profile P` against it, and
every requirement's verdict equal to the embedded run's. Out of process too, one fault per area (REST, CMP,
notifications, ACME, direct mode, OAuth 2.0) FAILs exactly the requirements it declares, and a harness actor's fault
(CA-1's certificate profile) given to `nfvct run` does as well."""

from __future__ import annotations

import subprocess
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.faults import by_name
from harness.listeners import free_ports, not_ready, stop_process
from harness.model import RunResult, Verdict
from harness.profile import load_profile
from harness.runner import run
from tests.conftest import SERVED_SPAN, failed_requirements, run_reference

# Requirements whose verdict may legitimately differ out of process, each with its reason. None today: the harness
# owns every actor (CA-1, VNFM, attestation, token authority, notification endpoint) in both set-ups.
LEGITIMATE_DIFFERENCES: dict[str, str] = {}

CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("env")
    # the embedded run's profile: OAuth 2.0 claimed (pics.oauth2), the reference validating the harness AS's JWTs
    return init_cmf(directory, ports=free_ports(tuple(DEFAULT_PORTS), span=SERVED_SPAN["cmf"]), check_after=0,
                    oauth=True)


def _wait_ready(process: subprocess.Popen[bytes], log: Path, seconds: float = 30.0) -> None:
    why = not_ready(process, log, seconds)
    assert not why, f"serve-reference {why}"


@contextmanager
def served(profile: Path, *faults: str) -> Iterator[None]:
    """`nfvct serve-reference --role cmf --profile P [--fault F]` in its own process, stopped afterwards."""
    args = [sys.executable, "-c", CLI, "serve-reference", "--role", "cmf", "--profile", str(profile)]
    for fault in faults:
        args += ["--fault", fault]
    log = profile.parent / f"serve-{'-'.join(faults) or 'clean'}.log"  # a file, never a pipe nobody drains
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(process, log)
        yield
    finally:
        stop_process(process)


def _verdicts(result: RunResult) -> dict[str, str]:
    return {r.requirement.id: r.verdict.value for r in result.requirements}


def test_every_verdict_equals_the_embedded_run(environment: Path) -> None:
    with served(environment):
        outside = run(load_profile(environment), seed=4321)
    inside = run_reference()
    differ = {req: (inside_v, _verdicts(outside)[req]) for req, inside_v in _verdicts(inside).items()
              if inside_v != _verdicts(outside)[req] and req not in LEGITIMATE_DIFFERENCES}
    why = {s.id: s.reason or [f"{o.check}: {o.reason or o.evidence.observed}" for o in s.checks
                              if o.verdict not in (Verdict.PASS, Verdict.NOT_APPLICABLE)]
           for s in outside.scenarios if s.verdict not in (Verdict.PASS, Verdict.NOT_APPLICABLE)}
    assert differ == {}, why
    passed = sum(1 for r in outside.requirements if r.verdict is Verdict.PASS)
    assert passed == sum(1 for r in inside.requirements if r.verdict is Verdict.PASS) >= 144
    assert outside.exit_code() == 0


@pytest.mark.parametrize("fault", ["no-location-header", "bad-response-protection", "cns-no-notify-revoke",
                                   "acme-skip-validation", "direct-no-query", "ignore-scope",
                                   "notify-without-token"])
def test_a_fault_per_area_fails_exactly_its_requirements(environment: Path, fault: str) -> None:
    declared = by_name("cmf")[fault]
    with served(environment, fault):
        result = run(load_profile(environment), seed=zlib.crc32(fault.encode()) % 10_000, pattern=declared.only or None)
    assert failed_requirements(result) == set(declared.requirements)
    assert result.exit_code() == 1


def test_a_harness_actor_fault_applies_to_a_profile_run(environment: Path) -> None:
    declared = by_name("cmf")["ca-wrong-aki"]
    with served(environment):
        result = run(load_profile(environment), faults=["ca-wrong-aki"], seed=77, pattern=declared.only)
    assert failed_requirements(result) == set(declared.requirements)


def test_a_reference_fault_with_a_profile_is_a_usage_error(environment: Path) -> None:
    with pytest.raises(ValueError, match="serve-reference --fault"):
        run(load_profile(environment), faults=["no-location-header"])
