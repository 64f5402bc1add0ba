"""Benchmark: the harness's CPU per CMP transaction beside an ``openssl cmp`` process's, in the same run.

One transaction is a p10cr (delegation mode, signature-protected, no implicit confirmation) answered by cp, then
certConf answered by pkiConf, against the reference CMF over HTTPS with mTLS on loopback. The reference CMF and the
harness's CA-1 run in a child process (``--serve``), so their CPU is not counted: the harness's CPU is
``time.process_time()`` around the client calls only (VnfmClient.p10cr, certificate extraction, cert_conf, with the
run's trace recording every message, as in a conformance run; one client, its connection kept, as in a run);
openssl's is the CPU of each finished ``openssl cmp`` process (``getrusage(RUSAGE_CHILDREN)`` user + system). Registering
the VNFCIs and generating their CSRs happen before and are not counted. The cost of rendering the same trace
entries for the report (ASN.1 value notation, redaction), which happens once per run at report time, is printed
beside it.

The reference runs with its documented fault ``csr-200`` (OpenSSL 3.0's client accepts only HTTP 200, see
tests/test_openssl_interop.py), for both clients.
Usage: .venv/bin/python bench/bench_harness_cmp.py [--transactions N] [--openssl N]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.env_cmf import DEFAULT_PORTS, init_cmf  # noqa: E402
from harness.listeners import free_ports  # noqa: E402
from harness.profile import Identity, load_profile  # noqa: E402
from harness.trace import Trace  # noqa: E402
from scenarios.common import certificate_of, registration_body  # noqa: E402
from simulators.vnfm import VnfmClient, make_csr  # noqa: E402

CERT_TYPE = "VNFCI_certificate"
CMP_PATH = ".well-known/cmp/p/vnfc-certificates/pkcs10"
SERVE_SECONDS = 900.0  # the child stops by itself after this, whatever happens to the parent


def serve(profile_path: Path, seconds: float) -> int:
    """Child process: the reference CMF (fault csr-200) and the harness's CA-1 until stdin closes or ``seconds``."""
    from harness.roles.cmf import ROLE
    from reference.cmf.launch import run_cmf
    from reference.cmf.settings import load_settings
    from reference.cmf.standalone import settings_for

    profile = load_profile(profile_path)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    with run_cmf(load_settings(settings_for(profile_path), frozenset({"csr-200"}))) as cmf, \
            ROLE.context(profile, Trace(), 0, frozenset(), lambda event: None):
        print(f"READY {cmf.base_url} {cmf.config.cmp_base}", flush=True)
        stop.wait(seconds)
    return 0


def start_server(profile_path: Path) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(profile_path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = proc.stdout.readline() if ready else ""
        if line.startswith("READY "):
            _, base_url, cmp_base = line.split()
            return proc, base_url, cmp_base
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise SystemExit("bench: the reference CMF did not start (see its output above)")


def register(vnfm: VnfmClient, fqdn: str) -> tuple[str, bytes]:
    data = {"subjectName": {"commonName": fqdn}, "subjectAlternateName": [fqdn]}
    response = vnfm.register(registration_body(CERT_TYPE, f"vnfci-{fqdn}", data))
    if response.status_code != 201:
        raise SystemExit(f"bench: registration of {fqdn} answered {response.status_code}")
    _, csr_der = make_csr(data["subjectName"], data["subjectAlternateName"])
    return f"vnfci-{fqdn}", csr_der


def harness_transaction(vnfm: VnfmClient, vnfci_id: str, csr_der: bytes) -> None:
    first = vnfm.p10cr(CERT_TYPE, csr_der, vnfci_id=vnfci_id, chain_request=False, implicit_confirm=False)
    cert = certificate_of(first)
    if cert is None or first.message is None or first.message.implicit_confirm:
        raise SystemExit(f"bench: p10cr not answered by cp without implicitConfirm: {first.response.status_code}")
    confirmed = vnfm.cert_conf(CERT_TYPE, first, cert)
    if confirmed.message is None or confirmed.message.body_type != "pkiconf":
        raise SystemExit("bench: certConf not answered by pkiConf")


def openssl_args(env: Path, base_url: str, csr: Path, out: Path) -> list[str]:
    harness, ref = env / "harness", env / "reference"
    cmf = x509.load_pem_x509_certificate((ref / "cmf.crt").read_bytes()).subject
    recipient = "".join(f"/{a.rfc4514_attribute_name}={a.value}" for a in cmf)
    return ["openssl", "cmp", "-config", "", "-server", base_url.removeprefix("https://"), "-path", CMP_PATH,
            "-tls_used", "-tls_cert", str(harness / "vnfm.crt"), "-tls_key", str(harness / "vnfm.key"),
            "-tls_trusted", str(ref / "root.crt"), "-cert", str(harness / "vnfm.crt"),
            "-key", str(harness / "vnfm.key"), "-trusted", str(ref / "root.crt"), "-recipient", recipient,
            "-msg_timeout", "20", "-total_timeout", "30", "-cmd", "p10cr", "-csr", str(csr), "-certout", str(out)]


def children_cpu() -> float:
    """CPU (user + system) of the finished child processes (getrusage: finer than os.times()'s clock ticks)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report_render_cpu(trace: Trace) -> float:
    """CPU of rendering every traced message as the HTML report does (once per run, at report time)."""
    from reports.html import event_view

    t0 = time.process_time()
    for event in trace.events():
        event_view(event)
    return time.process_time() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transactions", type=int, default=20, help="harness transactions measured")
    parser.add_argument("--openssl", type=int, default=10, help="openssl cmp transactions measured")
    parser.add_argument("--profile", action="store_true", help="print the harness side's cProfile (top 25)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, SERVE_SECONDS)
    n, m, warm = max(1, min(args.transactions, 500)), max(1, min(args.openssl, 200)), 2
    with tempfile.TemporaryDirectory(prefix="bench-cmp-") as tmp:
        env = Path(tmp) / "env"
        profile_path = init_cmf(env, ports=free_ports(tuple(DEFAULT_PORTS), span=(20000, 30000)))
        server, base_url, cmp_base = start_server(profile_path)
        try:
            trace = Trace()
            vnfm = VnfmClient(name="VNFM", identity=Identity(env / "harness" / "vnfm.crt", env / "harness" / "vnfm.key"),
                              api_root=base_url, cmp_base=base_url + cmp_base,
                              server_ca=str(env / "reference" / "root.crt"), trace=trace)
            try:
                subjects = [register(vnfm, f"bench-{i}.vnf.test") for i in range(warm + n + m)]
                for vnfci_id, csr_der in subjects[:warm]:
                    harness_transaction(vnfm, vnfci_id, csr_der)
                warm_events = trace.last_seq
                per: list[float] = []
                profiler = cProfile.Profile(time.process_time) if args.profile else None
                for vnfci_id, csr_der in subjects[warm:warm + n]:
                    if profiler is not None:
                        profiler.enable()
                    t0 = time.process_time()
                    harness_transaction(vnfm, vnfci_id, csr_der)
                    per.append(time.process_time() - t0)
                    if profiler is not None:
                        profiler.disable()
                if profiler is not None:
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            finally:
                vnfm.close()
            measured = Trace()
            for event in trace.events()[warm_events:]:
                measured._events.append(event)  # the measured transactions' entries only
            render = report_render_cpu(measured) / n
            ossl: list[float] = []
            for i, (_, csr_der) in enumerate(subjects[warm + n:]):
                csr = Path(tmp) / f"o{i}.csr"
                csr.write_bytes(x509.load_der_x509_csr(csr_der).public_bytes(serialization.Encoding.PEM))
                c0 = children_cpu()
                proc = subprocess.run(openssl_args(env, base_url, csr, Path(tmp) / f"o{i}.pem"),
                                      capture_output=True, text=True, timeout=60)
                ossl.append(children_cpu() - c0)
                if proc.returncode != 0:
                    raise SystemExit(f"bench: openssl cmp failed: {proc.stdout}{proc.stderr}"[-2000:])
        finally:
            assert server.stdin is not None
            server.stdin.close()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    h, o = statistics.median(per), statistics.median(ossl)
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"harness CPU per CMP transaction (p10cr+certConf, traced): median {h * 1000:.1f} ms, "
          f"mean {statistics.mean(per) * 1000:.1f} ms over {n}")
    print(f"openssl cmp process CPU per transaction:                 median {o * 1000:.1f} ms, "
          f"mean {statistics.mean(ossl) * 1000:.1f} ms over {m}")
    print(f"ratio harness / openssl (medians): {h / o:.2f}x")
    print(f"report-time rendering of the same trace entries: {render * 1000:.1f} ms per transaction (once, at report)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
