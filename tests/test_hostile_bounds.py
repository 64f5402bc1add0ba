"""Issue 18 item 1: whatever a hostile CMF sends, every exchange is bounded (time and bytes, decompression
included), the run ends INCONCLUSIVE with a reason naming the limit, and time, memory and report size stay
small. Plus the harness's own notification endpoint against hostile POSTs. Servers bind 127.0.0.1 only."""

from __future__ import annotations

import json
import re
import socket
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from harness.bounds import BoundedTransport, BoundExceeded, Limits, configure
from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.listeners import free_ports
from harness.trace import TRACE_BODY_CHARS, Trace
from simulators.notify_endpoint import notification_endpoint
from tests.hostile_sut import BEHAVIOURS, hostile_sut

SPAN = (61000, 65000)  # above Linux's ephemeral range (32768-60999), apart from every other module's span
ROOT = Path(__file__).resolve().parents[1]
PATTERN = "C.2.2.1[VNFCI]|C.2.2.2[VNFCI]"
EXCHANGE_SECONDS = 2.0
REASON = {"silent": "pixit.exchange_seconds", "slowloris": "pixit.exchange_seconds",
          "continue-storm": "pixit.exchange_seconds", "oversize": "pixit.max_response_bytes",
          "json-string": "pixit.max_response_bytes", "gzip-bomb": "pixit.max_response_bytes"}


@dataclass(frozen=True)
class Outcome:
    code: int
    seconds: float
    peak_kib: int  # VmHWM of the child
    out: Path
    stderr: str


def _peak(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(found.group(1)) if found else 0


def _run(behaviour: str, base: Path) -> Outcome:
    env = base / behaviour
    profile = init_cmf(env / "env", ports=free_ports(tuple(DEFAULT_PORTS), span=SPAN))
    text = profile.read_text()
    profile.write_text(text.replace("[pixit]\n", f"[pixit]\nexchange_seconds = {EXCHANGE_SECONDS}\n"
                                                 "max_response_bytes = 1048576\n", 1))
    port = int(re.search(r'api_root = "https://127\.0\.0\.1:(\d+)"', text).group(1))  # type: ignore[union-attr]
    out = env / "report"
    with hostile_sut(behaviour, port, env / "env" / "reference" / "cmf.crt", env / "env" / "reference" / "cmf.key"):
        started = time.monotonic()
        child = subprocess.Popen([sys.executable, "-m", "harness.cli", "run", "--profile", str(profile),
                                  "--no-preflight", "-k", PATTERN, "--out", str(out)], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak = 0
        while child.poll() is None and time.monotonic() - started < 90:
            peak = max(peak, _peak(child.pid))
            time.sleep(0.1)
        if child.poll() is None:
            child.kill()
        _, stderr = child.communicate(timeout=10)
        return Outcome(child.returncode, time.monotonic() - started, peak, out, stderr)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("hostile")
    with ThreadPoolExecutor(max_workers=3) as pool:  # one environment and SUT each, in parallel
        return dict(zip(BEHAVIOURS, pool.map(lambda b: _run(b, base), BEHAVIOURS)))


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_hostile_sut_run_is_bounded(outcomes: dict[str, Outcome], behaviour: str) -> None:
    got = outcomes[behaviour]
    print(f"{behaviour}: exit {got.code}, {got.seconds:.1f} s, peak RSS {got.peak_kib // 1024} MiB, "
          f"index.html {(got.out / 'index.html').stat().st_size // 1024} KiB")
    assert got.code == 2, got.stderr[-2000:]
    assert "Traceback" not in got.stderr
    for name in ("index.html", "results.json", "junit.xml"):
        assert (got.out / name).is_file(), name
    assert (got.out / "index.html").stat().st_size < 2 * 1024 * 1024
    assert got.seconds < 60, got.seconds  # 4 scenarios, each ends at its first exchange's bound (a hang: minutes)
    assert 0 < got.peak_kib < 400 * 1024, got.peak_kib
    results = json.loads((got.out / "results.json").read_text())
    assert results["summary"]["ERROR"] == 0 and results["summary"]["FAIL"] == 0
    assert {s["verdict"] for s in results["scenarios"]} == {"INCONCLUSIVE"}
    assert all(REASON[behaviour] in s["reason"] for s in results["scenarios"]), "the reason names the limit"


def _with_limits(limits: Limits) -> tuple[Trace, BoundedTransport]:
    trace = Trace()
    configure(trace, limits)
    return trace, BoundedTransport(trace)


def test_gzip_is_counted_inflated_and_the_run_bound_stops_sending() -> None:
    import gzip

    bomb = gzip.compress(bytes(8 * 1024 * 1024))
    _, transport = _with_limits(Limits(max_response_bytes=1024 * 1024))

    class Chunks(httpx.SyncByteStream):  # streamed, as from the wire (content= would be read at once)
        def __iter__(self):  # type: ignore[no-untyped-def]
            for at in range(0, len(bomb), 65536):
                yield bomb[at:at + 65536]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-encoding": "gzip"}, stream=Chunks())

    transport._inner = httpx.MockTransport(answer)  # type: ignore[assignment]
    with httpx.Client(transport=transport) as client, pytest.raises(BoundExceeded, match="after decompression"):
        client.get("https://127.0.0.1:1/x")
    _, late = _with_limits(Limits(run_deadline=time.monotonic() - 1, run_seconds=5))
    with httpx.Client(transport=late) as client, pytest.raises(BoundExceeded, match="pixit.run_seconds"):
        client.get("https://127.0.0.1:1/x")


def test_trace_keeps_a_bounded_prefix() -> None:
    trace = Trace()
    trace.record("CMF", "VNFM", "http-response", "200", body_text="x" * (TRACE_BODY_CHARS + 5000))
    body = trace.events()[0].body_text
    assert len(body) < TRACE_BODY_CHARS + 100 and body.endswith("[... 5000 bytes not recorded]")


def _tls_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    profile = init_cmf(tmp_path / "env", ports=free_ports(tuple(DEFAULT_PORTS), span=SPAN))
    ref = profile.parent / "reference"
    return ref / "cmf.crt", ref / "cmf.key", ref / "root.crt"


def _raw_post(port: int, root: Path, head: bytes, body_parts: list[bytes], gap: float) -> tuple[bytes, float]:
    context = ssl.create_default_context(cafile=str(root))
    context.check_hostname = False
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(head)
        for part in body_parts:
            try:
                tls.sendall(part)
            except OSError:
                break
            time.sleep(gap)
        answer = tls.recv(4096)
    return answer, time.monotonic() - started


def test_notification_endpoint_refuses_hostile_posts(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    cert, key, root = _tls_files(tmp_path)
    trace = Trace()
    with notification_endpoint(trace, cert, key, root) as endpoint:
        endpoint.body_seconds = 1.5
        port = int(endpoint.base_url.rsplit(":", 1)[1])
        big = 5 * 1024 * 1024
        head = (f"POST /notify/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {big}\r\n\r\n").encode()
        answer, took = _raw_post(port, root, head, [b"x" * 65536], 0)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
        assert took < 3
        # the same without Content-Length: chunked, refused once 1 MiB has come
        chunked = b"POST /notify/b HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        piece = b"10000\r\n" + b"y" * 65536 + b"\r\n"
        answer, took = _raw_post(port, root, chunked, [piece] * 24, 0)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
        slow = b"POST /notify/c HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
        answer, took = _raw_post(port, root, slow, [b"z"] * 4, 0.5)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert took < 1.5 + 3
        assert endpoint.received() == []
    summaries = [e.summary for e in trace.events()]
    assert any("refused: body over" in s for s in summaries) and any("not complete within" in s for s in summaries)
    assert all(len(e.body_text) < 1000 for e in trace.events())
    assert "Traceback" not in capfd.readouterr().err
