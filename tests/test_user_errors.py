"""A user's mistake is one line naming what to fix, and exit 2, found before the run where it can be; never a
traceback, never exit 1 (which says the SUT FAILed)."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest

from harness import cli
from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.env_sm import init_sm, port_names
from harness.listeners import EMBEDDED_SPAN, free_ports
from wire.serve import serve


@pytest.fixture(scope="module")
def envs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    one, two = tmp_path_factory.mktemp("env1"), tmp_path_factory.mktemp("env2")
    init_cmf(one, ports=free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN))
    init_cmf(two, ports=free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN))
    return one, two


def _one_line(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err


def test_certificate_and_key_that_do_not_match(envs: tuple[Path, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / "env"
    shutil.copytree(envs[0], env)
    shutil.copy(envs[1] / "harness" / "vnfm.key", env / "harness" / "vnfm.key")
    started = time.monotonic()
    assert cli.main(["run", "--profile", str(env / "profile.toml"), "--out", str(tmp_path / "out")]) == 2
    _one_line(capsys, "pixit.vnfm.key", "is not the key of pixit.vnfm.cert")
    assert time.monotonic() - started < 10  # before any scenario (a run takes over 20 s)


@pytest.mark.parametrize("content, needle", [("not a pem\n", "not a PEM private key"),
                                             ("", "not a PEM private key")])
def test_key_file_that_is_no_key(envs: tuple[Path, Path], tmp_path: Path, content: str, needle: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / "env"
    shutil.copytree(envs[0], env)
    (env / "harness" / "vnfm.key").write_text(content)
    assert cli.main(["run", "--profile", str(env / "profile.toml"), "--out", str(tmp_path / "out")]) == 2
    _one_line(capsys, "pixit.vnfm.key", needle)


def test_server_ca_that_is_no_certificate(envs: tuple[Path, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / "env"
    shutil.copytree(envs[0], env)
    profile = (env / "profile.toml").read_text()
    junk = env / "junk.pem"
    junk.write_text("junk\n")
    lines = [f'server_ca = "{junk}"' if line.startswith("server_ca") else line for line in profile.splitlines()]
    (env / "profile.toml").write_text("\n".join(lines) + "\n")
    assert cli.main(["run", "--profile", str(env / "profile.toml"), "--out", str(tmp_path / "out")]) == 2
    _one_line(capsys, "pixit.server_ca", "not a PEM certificate")


def test_sm_credential_key_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, two = tmp_path / "sm1", tmp_path / "sm2"
    init_sm(one, ports=free_ports(port_names(), span=EMBEDDED_SPAN))
    init_sm(two, ports=free_ports(port_names(), span=EMBEDDED_SPAN))
    profile = (one / "profile.toml").read_text()
    key_line = next(line for line in profile.splitlines() if line.startswith("credential_key"))
    key_file = one / key_line.split('"')[1]
    shutil.copy(two / key_line.split('"')[1], key_file)
    assert cli.main(["run", "--profile", str(one / "profile.toml"), "--out", str(tmp_path / "out")]) == 2
    _one_line(capsys, "credential_key", "is not the key of")


@pytest.mark.parametrize("make", ["file", "under-a-file"])
def test_out_that_cannot_hold_the_report_is_refused_before_the_run(make: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    out = blocker if make == "file" else blocker / "report"
    started = time.monotonic()
    assert cli.main(["run", "--out", str(out)]) == 2
    _one_line(capsys, f"--out {out}")
    assert time.monotonic() - started < 10  # the embedded reference was never started (a run: over 20 s)
    assert blocker.read_text() == "a file, not a folder"


def test_a_busy_port_is_one_line() -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        with pytest.raises(RuntimeError, match=rf"cannot listen on 127.0.0.1:{port}: the port is in use"):
            with serve(lambda scope, receive, send: None, None, name="probe", port=port):
                pass
    finally:
        holder.close()


def test_serve_reference_on_a_busy_port(envs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    text = (envs[0] / "reference" / "cmf.toml").read_text()
    port = next(int(line.split("=")[1]) for line in text.splitlines() if line.strip().startswith("port"))
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    try:
        assert cli.main(["serve-reference", "--profile", str(envs[0] / "profile.toml")]) == 2
    finally:
        holder.close()
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"127.0.0.1:{port}: the port is in use" in err


def test_a_harness_defect_exits_2_not_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_cmd_faults", broken)
    assert cli.main(["faults"]) == 2
    assert "internal error (a harness defect, not a verdict on the SUT)" in capsys.readouterr().err
