"""Pre-flight (`nfvct check PROFILE`, and `nfvct run --profile P` before any scenario): every bad set-up users met
is one line naming the URL and the profile key to fix, exit 2, in seconds; a good profile against the reference
CMF served out of process is exit 0. During a run (--no-preflight), an endpoint found unreachable makes the later
scenarios INCONCLUSIVE at once, with one reason naming it."""

from __future__ import annotations

import http.server
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.env_sm import init_sm, port_names
from harness.listeners import free_port, free_ports
from harness.preflight import endpoints
from harness.profile import load_profile
from tests.test_outofprocess import served

CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
SPAN = (30000, 32700)  # this module's fixed ports: below Linux's ephemeral range, apart from conftest's SERVED_SPAN


def nfvct(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture(scope="module")
def envs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two `nfvct init` environments (two different PKIs) on free ports; the first one served out of process."""
    one, two = (init_cmf(tmp_path_factory.mktemp(name), ports=free_ports(tuple(DEFAULT_PORTS), span=SPAN),
                         check_after=0) for name in ("env1", "env2"))
    with served(one):
        yield one, two


def api_port(profile: Path) -> int:
    return int(re.search(r'api_root = "https://127\.0\.0\.1:(\d+)"', profile.read_text())[1])  # type: ignore[index]


def variant(envs: tuple[Path, Path], name: str, *, port: int | None = None, into: Path | None = None,
            **replace: str) -> Path:
    """A copy of the served environment's profile: pixit.api_root and cmp_base on ``port``, ``replace`` applied,
    written into ``into`` (default: the served environment's folder, so relative paths stay its files)."""
    one, _ = envs
    text = one.read_text()
    if port is not None:
        text = text.replace(f"127.0.0.1:{api_port(one)}", f"127.0.0.1:{port}")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = (into or one.parent) / f"{name}.toml"
    path.write_text(text)
    return path


def problems(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == ""
    return proc.stderr.splitlines()


def test_a_good_profile_is_ok(envs: tuple[Path, Path]) -> None:
    one, _ = envs
    proc = nfvct("check", str(one))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("profile OK: 3 endpoints reachable\n") and proc.stderr == ""


def test_nothing_listening(envs: tuple[Path, Path]) -> None:
    port = free_port()
    lines = problems(nfvct("check", str(variant(envs, "dead", port=port))))
    assert lines == [(f"https://127.0.0.1:{port}: nothing listening at 127.0.0.1:{port}: start the SUT, or correct "
                      "the URL (pixit.api_root, pixit.cmp_base)")]


def test_a_run_does_not_start_when_the_pre_flight_fails(envs: tuple[Path, Path], tmp_path: Path) -> None:
    port = free_port()
    proc = nfvct("run", "--profile", str(variant(envs, "dead-run", port=port)), "--out", str(tmp_path / "out"))
    lines = problems(proc)
    assert lines[0].startswith(f"https://127.0.0.1:{port}: nothing listening") and len(lines) == 2
    assert "no scenario run, no report written" in lines[1] and "[1/" not in proc.stderr
    assert not (tmp_path / "out" / "results.json").exists()


def test_plain_http_on_the_https_port(envs: tuple[Path, Path]) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    server.RequestHandlerClass.log_message = lambda *a: None  # type: ignore[method-assign]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        lines = problems(nfvct("check", str(variant(envs, "plain", port=port))))
    finally:
        server.shutdown()
        server.server_close()
    assert len(lines) == 1 and lines[0].startswith(f"https://127.0.0.1:{port}: https URL but the server at "
                                                   f"127.0.0.1:{port} speaks plain HTTP")
    assert lines[0].endswith("use http:// in the URL, or the SUT's TLS port (pixit.api_root, pixit.cmp_base)")


def test_wrong_server_ca(envs: tuple[Path, Path]) -> None:
    one, two = envs
    other = two.parent / "reference" / "root.crt"
    path = variant(envs, "wrong-ca", **{
        'server_ca = "reference/root.crt"': f'server_ca = "{other}"',
        "[pixit.acme]": f'[pixit.acme]\nserver_ca = "{one.parent / "reference" / "root.crt"}"'})
    lines = problems(nfvct("check", str(path)))
    assert lines == [(f"https://127.0.0.1:{api_port(one)}: server certificate does not verify against "
                      f"pixit.server_ca (file {other}): self-signed certificate in certificate chain: set "
                      "pixit.server_ca to the CA that issued the SUT's TLS server certificate")]


def test_untrusted_client_certificate(envs: tuple[Path, Path]) -> None:
    """The second environment's VNFM, whose trust anchor the served SUT never imported."""
    one, two = envs
    ref = one.parent / "reference" / "root.crt"
    path = variant(envs, "client", into=two.parent, **{
        'server_ca = "reference/root.crt"': f'server_ca = "{ref}"',
        'cert = "harness/vnfm2.crt"': f'cert = "{one.parent / "harness" / "vnfm2.crt"}"',
        'key = "harness/vnfm2.key"': f'key = "{one.parent / "harness" / "vnfm2.key"}"'})
    lines = problems(nfvct("check", str(path)))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"https://127.0.0.1:{api_port(one)}: the SUT refused the harness's client "
                               "certificate vnfm.crt (")
    assert lines[0].endswith(f"import {two.parent / 'import' / 'mano_root.crt'} into the SUT as a trusted client CA, "
                             "or set pixit.vnfm to an identity it trusts")


@contextmanager
def silent_listener() -> Iterator[int]:
    """Accepts TCP connections and never says a word, until the block ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for conn in held:
            conn.close()


def _fresh_harness_ports(path: Path) -> None:
    """Move every [pixit.harness.*] listener of ``path`` to a port free right now (its url along with it)."""
    text = path.read_text()
    head, harness = text.split("[pixit.harness]", 1)
    old = sorted(set(re.findall(r"^port = (\d+)$", harness, flags=re.M)))
    new = free_ports(tuple(old), span=SPAN)
    for port in old:
        harness = re.sub(rf"(^port = |127\.0\.0\.1:){port}\b", rf"\g<1>{new[port]}", harness, flags=re.M)
    path.write_text(head + "[pixit.harness]" + harness)


def test_a_listener_that_never_answers(envs: tuple[Path, Path], tmp_path: Path) -> None:
    with silent_listener() as port:
        timeout = {"max_poll_seconds = 10.0": "max_poll_seconds = 10.0\ntimeout = 3.0"}  # pixit.timeout of the run
        path = variant(envs, "silent", port=port, **timeout)
        _fresh_harness_ports(path)  # this run starts the harness's listeners: ports free now, not at fixture time
        t0 = time.monotonic()
        lines = problems(nfvct("check", "--timeout", "2", str(path)))
        assert time.monotonic() - t0 < 2 + 3  # its timeout, and the interpreter's start
        assert lines == [(f"https://127.0.0.1:{port}: accepted the connection but did not complete a TLS "
                          "handshake within 2 s (pixit.api_root, pixit.cmp_base)")]
        out = tmp_path / "out"
        proc = nfvct("run", "--profile", str(path), "--no-preflight", "-k", "C.2.2|C.3.2", "--out", str(out))
    times = [(m[1], float(m[2])) for m in re.finditer(r"\] (\S+) \.\.\. [A-Z ]+ \((\d+\.\d)s\)", proc.stderr)]
    assert len(times) >= 6, proc.stderr
    assert 3.0 <= times[0][1] < 6.0 and all(t < 1.0 for _, t in times[1:]), times  # one timeout, not one each
    scenarios = json.loads((out / "results.json").read_text())["scenarios"]
    first = scenarios[0]["reason"]
    assert first.startswith(f"endpoint https://127.0.0.1:{port} unreachable (") and "ConnectTimeout" in first
    since = f"endpoint https://127.0.0.1:{port} unreachable since scenario {scenarios[0]['id']}: ConnectTimeout"
    assert all(s["reason"].startswith(since) for s in scenarios[1:]), [s["reason"] for s in scenarios[1:]]


def test_the_sm_approval_urls_are_its_endpoints(tmp_path: Path) -> None:
    path = init_sm(tmp_path, ports=free_ports(port_names(), span=SPAN))
    found = endpoints(load_profile(path))
    assert [(e.key, e.identity_key) for e in found] == [
        ("pixit.sm.sets.edge.approval_url", "pixit.sm.sets.edge.nfvo"),
        ("pixit.sm.sets.master.approval_url", "pixit.sm.sets.master.nfvo")]
    lines = problems(nfvct("check", str(path)))
    assert len(lines) == 1 and "nothing listening" in lines[0]
    assert lines[0].endswith("(pixit.sm.sets.edge.approval_url, pixit.sm.sets.master.approval_url)")
