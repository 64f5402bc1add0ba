"""The Security Manager role out of process: an `nfvct init --role sm` environment, the reference SM served by
`nfvct serve-reference --role sm --profile P` as a separate process (from its own settings file), and a harness run
against the environment's profile give every requirement the embedded run's verdict; the SM subscribes again when
a new run restarts the NFVO/VIM; a fault FAILs exactly its IDs out of process too; SM profiles and the reference
SM's settings are validated strictly (tests/test_boundary.py holds the import rules)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.env_sm import init_sm, port_names
from harness.faults import by_name
from harness.listeners import free_ports
from harness.model import RunResult, Verdict
from harness.profile import load_profile
from harness.profile_keys import ProfileError
from harness.runner import run
from reference.sm.serve import settings_for
from reference.sm.settings import SettingsError, load_settings
from tests.conftest import SERVED_SPAN, failed_requirements, run_sm

ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
# Requirements whose verdict may legitimately differ out of process, each with its reason. None: the harness owns
# the NFVO/VIM in both set-ups, and the reference SM is configured only by its settings file in both.
LEGITIMATE_DIFFERENCES: dict[str, str] = {}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The environment's profile (free loopback ports, so parallel test files do not collide)."""
    return init_sm(tmp_path_factory.mktemp("sm-env"), ports=free_ports(port_names(), span=SERVED_SPAN["sm"]))


def _serve(profile: Path, faults: tuple[str, ...], log: Path) -> subprocess.Popen[bytes]:
    """`nfvct serve-reference --role sm --profile P [--fault F]` as its own process; returns once it listens
    (bounded), else fails with its stderr."""
    args = [sys.executable, "-c", CLI, "serve-reference", "--role", "sm", "--profile", str(profile)]
    for fault in faults:
        args += ["--fault", fault]
    out, err = log.with_suffix(".out"), log.with_suffix(".err")
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=o, stderr=e)
    deadline = time.monotonic() + 20
    while "listening at" not in out.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail(f"the reference SM did not start: {err.read_text()[-2000:]}")
        time.sleep(0.05)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> int | None:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: serve_sm stops cleanly
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    return proc.returncode


@pytest.fixture
def served(env: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[bytes]]:
    faults = tuple(getattr(request, "param", ()))
    proc = _serve(env, faults, tmp_path / "sm")
    try:
        yield proc
    finally:
        _stop(proc)


def _verdicts(result: RunResult) -> dict[str, str]:
    return {r.requirement.id: r.verdict.value for r in result.requirements}


def test_out_of_process_verdicts_equal_the_embedded_run(env: Path, served: subprocess.Popen[bytes]) -> None:
    t0 = time.monotonic()
    result = run(load_profile(env), seed=1234)
    embedded = run_sm()
    assert result.info.role == "SM" and result.info.profile == str(env)
    differ = {k: (v, _verdicts(embedded).get(k)) for k, v in _verdicts(result).items()
              if v != _verdicts(embedded).get(k) and k not in LEGITIMATE_DIFFERENCES}
    assert differ == {} and _verdicts(result).keys() == _verdicts(embedded).keys()
    passed = {r.requirement.id for r in result.requirements if r.verdict is Verdict.PASS}
    assert passed and passed == {r.requirement.id for r in embedded.requirements if r.verdict is Verdict.PASS}
    assert [(s.id, s.reason) for s in result.scenarios if s.verdict is not Verdict.PASS] == []
    # a second `nfvct run` restarts the NFVO/VIM: the SM subscribes again on its own (its re-subscribe loop)
    again = run(load_profile(env), seed=99, pattern="SM-mode-passive|SM-trust-domains")
    assert {s.id: s.verdict for s in again.scenarios} == {"SM-mode-passive": Verdict.PASS,
                                                          "SM-trust-domains": Verdict.PASS}
    assert _stop(served) == 0, "serve_sm did not stop cleanly on SIGTERM"
    print(f"out of process: {len(passed)} PASS, {time.monotonic() - t0:.1f} s")


@pytest.mark.parametrize("served", [("sm-shared-credential",), ("sm-terminate-no-options",)], indirect=True,
                         ids=lambda f: f[0])
def test_out_of_process_fault_fails_exactly_its_requirements(env: Path, served: subprocess.Popen[bytes],
                                                             request: pytest.FixtureRequest) -> None:
    name = request.node.callspec.params["served"][0]
    fault = by_name("sm")[name]
    result = run(load_profile(env), seed=1234, pattern=fault.only or None)
    assert failed_requirements(result) == set(fault.requirements)
    assert not [o for s in result.scenarios for o in s.checks if o.verdict is Verdict.ERROR]


def test_a_profile_fault_is_refused_for_a_profile_sut(env: Path) -> None:
    with pytest.raises(ValueError, match="serve-reference --fault"):
        run(load_profile(env), faults=("sm-cross-domain",), seed=1)


# -- profile and settings validation ---------------------------------------------------------------------------


def _copy(env: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(env.parent, target)
    return target / "profile.toml"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("react_seconds =", "react_secnds =", "pixit.sm.react_secnds: unknown key; did you mean pixit.sm.react_seconds?"),
    ('credential = "import/sm_core.crt"', 'credentail = "import/sm_core.crt"',
     "pixit.sm.sets.core.credentail: unknown key; did you mean pixit.sm.sets.core.credential?"),
    ("[pixit.sm.sets.core.nfvo]\nbind", "[pixit.sm.sets.core.nfvo]\nbnd", "did you mean pixit.sm.sets.core.nfvo.bind?"),
    ('mode = "passive"', 'mode = "pasive"', "pixit.sm.sets.lab.mode: 'pasive' is not one of"),
    ('approval_url = "https://127.0.0.1', 'approval = "https://127.0.0.1',
     "did you mean pixit.sm.sets.edge.approval_url?"),
    ('sub_sm = "tenant"', 'sub_sm = "tennant"', "pixit.sm.sub_sm: no set 'tennant'"),
    ('role = "SM"', 'role = "SM"\nnmae = "x"', "sut.nmae: unknown key; did you mean sut.name?"),
])
def test_profile_errors_name_the_key(env: Path, tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _copy(env, tmp_path)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert message in str(exc.value)


def test_missing_files_name_their_key(env: Path, tmp_path: Path) -> None:
    path = _copy(env, tmp_path)
    (path.parent / "import" / "sm_edge.crt").unlink()
    with pytest.raises(ProfileError, match=r"pixit\.sm\.sets\.edge\.credential: file not found"):
        load_profile(path)
    (path.parent / "harness" / "vim_core.key").unlink()  # core's set is read first
    with pytest.raises(ProfileError, match=r"pixit\.sm\.sets\.core\.vim\.key: file not found"):
        load_profile(path)


def test_one_credential_per_set(env: Path, tmp_path: Path) -> None:
    path = _copy(env, tmp_path)
    path.write_text(path.read_text().replace('"import/sm_edge.crt"', '"import/sm_core.crt"'))
    with pytest.raises(ProfileError, match=r"pixit\.sm\.sets\.edge\.credential: the certificate of set core"):
        load_profile(path)


def test_fully_active_needs_an_approval_binding_and_ports_are_fixed(env: Path, tmp_path: Path) -> None:
    path = _copy(env, tmp_path)
    text = path.read_text()
    without = "\n".join(line for line in text.splitlines() if not line.startswith("approval_url"))
    path.write_text(without)
    with pytest.raises(ProfileError, match=r"pixit\.sm\.sets\.edge\.approval_url: missing"):
        load_profile(path)
    path.write_text(without.replace("# approval_adapter =", "approval_adapter ="))  # an adapter instead: accepted
    assert load_profile(path).pixit.approval_adapter == "package.module:Class"
    port = load_profile(env).pixit.sets[0].vim.listener.port
    path.write_text(text.replace(f"port = {port}\n", "port = 0\n", 1))
    with pytest.raises(ProfileError, match=r"pixit\.sm\.sets\.core\.vim\.port: a fixed port is needed"):
        load_profile(path)


def test_reference_settings_are_strict(env: Path, tmp_path: Path) -> None:
    settings = settings_for(_copy(env, tmp_path))
    assert [s.name for s in load_settings(settings).sets] == ["core", "edge", "lab", "master"]
    settings.write_text(settings.read_text().replace("check_seconds", "check_secs"))
    with pytest.raises(SettingsError, match=r"subscriptions\.check_secs: unknown key; did you mean "
                                            r"subscriptions\.check_seconds\?"):
        load_settings(settings)


def test_init_keeps_key_material_and_private_keys_are_private(env: Path, tmp_path: Path) -> None:
    path = _copy(env, tmp_path)
    before = (path.parent / "import" / "sm_core.crt").read_bytes()
    assert init_sm(path.parent) == path  # default ports this time
    assert (path.parent / "import" / "sm_core.crt").read_bytes() == before
    assert "port = 8601" in path.read_text() and "8601" in (path.parent / "IMPORT.txt").read_text()
    keys = list(path.parent.rglob("*.key"))
    assert len(keys) == 16 and all(k.stat().st_mode & 0o077 == 0 for k in keys)
    assert load_profile(path).pixit.security_vnfd == load_profile(env).pixit.security_vnfd

