"""Benchmark (not a test): the reference CMF out of process, delegation mode (register + p10cr + certConf), at 1, 8
and 32 concurrent clients, beside the crypto bound of one issuance measured here.

What runs where (all on 127.0.0.1): a fresh `nfvct init` environment on free ports; the reference CMF served by
`nfvct serve-reference --role cmf --profile P` in its own process; the harness's CA-1 (simulators/ca.py, no trace)
in its own process; the clients in this process, one thread and one VnfmClient each (its REST `register`, then
wire/cmp `build_p10cr` / `build_cert_conf` on the same mTLS connection), without the per-message trace (the
client's httpx transport is a plain one). CSRs and their keys are made before the clock starts (the consumer's
cost, not the CMF's). Every answer is checked (201 registration, cp accepted with a certificate for the CSR's key,
transactionID and nonces echoed, pkiConf), so a fast wrong answer counts as an error, not as throughput.

Printed per concurrency level: certificates/s, latency p50/p95/p99 of one issuance (the three exchanges), CPU ms
per certificate of the CMF process, CA-1 process and the clients, and certificates/s as a % of the crypto bound
(verify a P-256 CSR + sign a certificate + sign a CMP response with `cryptography`, per second on one core); also
what the CMF's CPU per certificate allows on one free core (all three share this machine's cores, with whatever
else runs: the load is printed, from getloadavg, before and after).
With ``--compare TREE`` (e.g. `git archive REV | tar -x -C /tmp/rev`) the CMF and CA-1 of that source tree are
measured too, level by level beside this one's, so both see the same machine load; the clients are this tree's.

Usage: .venv/bin/python bench/bench_cmf.py [--levels 1,8,32] [--count 400] [--seconds 20] [--compare TREE]
"""

from __future__ import annotations

import argparse
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness.env_cmf import DEFAULT_PORTS, init_cmf  # noqa: E402
from harness.listeners import free_ports, not_ready, stop_process  # noqa: E402
from harness.profile import load_profile  # noqa: E402
from harness.trace import Trace  # noqa: E402
from simulators.vnfm import VnfmClient, make_csr  # noqa: E402
from wire import cmp  # noqa: E402

SPAN = (30000, 32000)  # fixed ports below the ephemeral range, away from the tests' spans
CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
CA1 = """import signal, sys, threading
from pathlib import Path
from harness.profile import load_profile
from harness.roles.cmf import _issuing
from simulators.ca import CaSimulator
from wire.serve import TlsFiles, serve
profile = load_profile(Path(sys.argv[1]))
h = profile.pixit.harness
ca = CaSimulator(issuing=_issuing(h), trace=None)
where = h.listeners["ca1"]
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
with serve(ca.app(), TlsFiles(h.file("ca1.crt"), h.file("ca1.key"), profile.pixit.client_ca), name="ca1",
           host=where.bind, port=where.port) as served:
    ca.base_url = served.base_url
    print("ready", flush=True)
    stop.wait(600)
"""
INIT = """import ast, sys
from pathlib import Path
from harness.env_cmf import init_cmf
init_cmf(Path(sys.argv[1]), ports=ast.literal_eval(sys.argv[2]), check_after=0)
"""
TICK = os.sysconf("SC_CLK_TCK")


def crypto_bound(seconds: float = 2.0) -> float:
    """Issuances per second on one core for the cryptography alone: verify a P-256 CSR, sign a P-256 certificate
    with the usual extensions, sign a CMP response (~2 KB) with ECDSA P-256."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name.from_rfc4514_string("CN=Bench Issuing CA")
    csr, _ = make_csr({"commonName": "vnfc-1.vnf.nfvct.test", "organization": "NFVCT Test", "country": "FR"},
                      ["vnfc-1.vnf.nfvct.test"])
    csr = x509.load_der_x509_csr(csr.public_bytes(Encoding.DER))  # fresh object: nothing cached
    message = os.urandom(2048)
    now = datetime.now(timezone.utc)
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fresh = x509.load_der_x509_csr(csr.public_bytes(Encoding.DER))
        assert fresh.is_signature_valid
        cert = (x509.CertificateBuilder().subject_name(fresh.subject).issuer_name(ca_name)
                .public_key(fresh.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(now + timedelta(days=90))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(fresh.extensions.get_extension_for_class(x509.SubjectAlternativeName).value, False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(fresh.public_key()), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False)
                .sign(ca_key, hashes.SHA256()))
        ca_key.sign(message + cert.public_bytes(Encoding.DER)[:16], ec.ECDSA(hashes.SHA256()))
        done += 1
    return done / (time.process_time() - start)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _wait_for(process: subprocess.Popen[bytes], log: Path, marker: str, seconds: float = 60.0) -> None:
    why = not_ready(process, log, seconds, marker)
    if why:
        raise RuntimeError(f"{log.name}: {why}")


@contextmanager
def started(args: list[str], cwd: Path, log: Path, marker: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    with log.open("wb") as out:  # a file, never a pipe nobody drains
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(process, log, marker)
        yield process
    finally:
        stop_process(process)


@dataclass
class Level:
    clients: int
    done: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)


class Issuer:
    """One consumer: a VnfmClient without the trace (plain httpx transport, one persistent mTLS connection)."""

    def __init__(self, profile: Any, name: str) -> None:
        pixit = profile.pixit
        self.profile = profile
        self.client = VnfmClient(name=name, identity=pixit.vnfm, api_root=pixit.api_root, cmp_base=pixit.cmp_base,
                                 server_ca=str(pixit.server_ca), trace=Trace(), timeout=30.0)
        context = ssl.create_default_context(cafile=str(pixit.server_ca))
        context.load_cert_chain(str(pixit.vnfm.cert), str(pixit.vnfm.key))
        self.client.http.close()
        self.client.http = httpx.Client(verify=context, timeout=30.0)  # the harness's, minus trace hooks

    def issue(self, vnfci_id: str, fqdn: str, csr: x509.CertificateSigningRequest, csr_der: bytes) -> None:
        cert_type = "VNFCI_certificate"
        data = {"subjectName": {"commonName": fqdn, "organization": "NFVCT Test", "country": "FR"},
                "subjectAlternateName": [fqdn]}
        reg = self.client.register({"certType": cert_type, "typeOfVnfcCertHandling": "delegation_mode",
                                    "subjectId": [{"subjectId": vnfci_id, "certificateData": [data]}]})
        if reg.status_code != 201:
            raise AssertionError(f"register: HTTP {reg.status_code} {reg.text[:120]}")
        txid, nonce = os.urandom(16), os.urandom(16)
        der = cmp.build_p10cr(csr_der=csr_der, transaction_id=txid, sender_nonce=nonce,
                              general_info=[(cmp.CERT_TYPE, cmp.CERT_TYPE_VNFC), (cmp.HANDLING, cmp.HANDLING_DELEGATION),
                                            (cmp.CERT_CHAIN_REQUEST, "false"), (cmp.VNFCI_ID, vnfci_id)],
                              **self.client.header_kwargs())
        cp = self._post(cert_type, der)
        if cp.body_type != "cp" or cp.transaction_id != txid or cp.recip_nonce != nonce:
            raise AssertionError(f"p10cr: {cp.body_type}, transactionID/recipNonce echoed: "
                                 f"{cp.transaction_id == txid}/{cp.recip_nonce == nonce}")
        answer = cp.responses[0] if cp.responses else None
        if answer is None or answer.status != 0 or answer.certificate is None:
            raise AssertionError(f"p10cr: not accepted ({answer})")
        cert = answer.certificate
        if cert.public_key() != csr.public_key() or fqdn not in str(cert.subject.rfc4514_string()):
            raise AssertionError("p10cr: the certificate is not for the CSR's key and subject")
        nonce2 = os.urandom(16)
        conf = cmp.build_cert_conf(cert=cert, transaction_id=txid, recip_nonce=cp.sender_nonce or b"",
                                   sender_nonce=nonce2, **self.client.header_kwargs())
        pki_conf = self._post(cert_type, conf)
        if pki_conf.body_type != "pkiconf" or pki_conf.recip_nonce != nonce2:
            raise AssertionError(f"certConf: answered {pki_conf.body_type}")

    def _post(self, cert_type: str, der: bytes) -> cmp.PkiMessageView:
        response = self.client.http.post(self.client.cmp_url(cert_type, "pkcs10"), content=der,
                                         headers={"content-type": "application/pkixcmp"})
        if response.status_code not in (200, 201):
            raise AssertionError(f"CMP: HTTP {response.status_code}")
        return cmp.parse_message(response.content)


def run_level(profile: Any, clients: int, count: int, seconds: float, pids: dict[str, int], tag: str) -> Level:
    level = Level(clients)
    domain = profile.pixit.san_domain
    work = []  # made before the clock starts: the consumer's key pairs and CSRs
    for i in range(count):
        fqdn = f"vnfc-{tag}-{clients}-{i}.{domain}"
        csr, der = make_csr({"commonName": fqdn, "organization": "NFVCT Test", "country": "FR"}, [fqdn])
        work.append((f"vnfci-{tag}-{clients}-{i}-{os.urandom(4).hex()}", fqdn, csr, der))
    issuers = [Issuer(profile, f"VNFM-{i}") for i in range(clients)]
    for issuer in issuers:  # warm-up: the TLS connections and the servers' first-call costs
        issuer.client.request("GET", "/nfv-cert/v1/subjects?certType=none")
    lock = threading.Lock()
    items = iter(work)
    deadline = time.monotonic() + seconds

    def worker(issuer: Issuer) -> None:
        while time.monotonic() < deadline:
            with lock:
                item = next(items, None)
            if item is None:
                return
            t0 = time.perf_counter()
            try:
                issuer.issue(*item)
            except Exception as exc:  # an error answer is counted and shown, not fatal
                with lock:
                    level.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
                continue
            with lock:
                level.latencies.append(time.perf_counter() - t0)
                level.done += 1

    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    own = time.process_time()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in issuers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    level.wall = time.perf_counter() - t0
    level.cpu = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    level.cpu["clients"] = time.process_time() - own
    for issuer in issuers:
        issuer.client.close()
    return level


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@contextmanager
def sampled(pid: int, spy: Path | None, name: str) -> Iterator[None]:
    """With ``--spy DIR``: py-spy (installed for measurement only) samples the CMF process, collapsed stacks."""
    if spy is None:
        yield
        return
    spy.mkdir(parents=True, exist_ok=True)
    args = [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--format", "raw", "--rate",
            "200", "--output", str(spy / f"{name}.txt"), "--nonblocking"]
    with (spy / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)
        yield
    finally:
        process.send_signal(2)
        process.wait(timeout=20)


@dataclass(frozen=True)
class Target:
    label: str
    profile: Any
    pids: dict[str, int]  # the CMF's and CA-1's processes


@contextmanager
def environment(tree: Path, label: str) -> Iterator[Target]:
    """A fresh environment made by ``tree``'s `nfvct init`, its CA-1 and its reference CMF, each in a process."""
    with tempfile.TemporaryDirectory(prefix="nfvct-bench-") as tmp:
        ports = free_ports(tuple(DEFAULT_PORTS), span=SPAN)
        if tree == ROOT:
            profile_path = init_cmf(Path(tmp), ports=ports, check_after=0)
        else:  # the environment as that tree writes it (its profile keys may differ)
            subprocess.run([sys.executable, "-c", INIT, tmp, repr(ports)], cwd=tree, check=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(tree)})
            profile_path = Path(tmp) / "profile.toml"
        profile = load_profile(profile_path)
        with started([sys.executable, "-c", CA1, str(profile_path)], tree, Path(tmp) / "ca1.log", "ready") as ca, \
                started([sys.executable, "-c", CLI, "serve-reference", "--role", "cmf", "--profile",
                         str(profile_path)], tree, Path(tmp) / "cmf.log", "\nfaults:") as cmf:
            target = Target(label, profile, {"cmf": cmf.pid, "ca1": ca.pid})
            run_level(target.profile, 1, 5, 30, target.pids, f"{label}-warm")
            yield target


def measure(target: Target, clients: int, count: int, seconds: float, bound: float, spy: Path | None) -> float:
    """One level against one target: prints its line, returns certificates/s."""
    n = max(count if clients > 1 else count // 4, clients * 4)
    with sampled(target.pids["cmf"], spy, f"{target.label}-{clients}"):
        level = run_level(target.profile, clients, n, seconds, target.pids, target.label)
    rate = level.done / level.wall if level.wall else 0.0
    ms = {k: 1000 * v / max(level.done, 1) for k, v in level.cpu.items()}
    lat = [1000 * x for x in level.latencies]
    alone = 1000 / ms["cmf"] if ms["cmf"] else float("nan")  # what its CPU per certificate allows on one core
    print(f"{target.label:8} {clients:3} clients: {level.done:4} certs in {level.wall:5.1f} s = {rate:6.1f}/s "
          f"({100 * rate / bound:5.2f}% of bound), latency ms p50 {percentile(lat, 50):6.1f} "
          f"p95 {percentile(lat, 95):6.1f} p99 {percentile(lat, 99):6.1f}; CPU ms/cert: CMF {ms['cmf']:5.1f} "
          f"(one free core: {alone:5.1f}/s = {100 * alone / bound:4.1f}% of bound), CA-1 {ms['ca1']:4.1f}, clients "
          f"{ms['clients']:5.1f}; errors {len(level.errors)}" + (f" (first: {level.errors[0]})" if level.errors else ""),
          flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels (comma-separated)")
    parser.add_argument("--count", type=int, default=400, help="issuances per level at most (1 client: a quarter)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time per level at most")
    parser.add_argument("--compare", type=Path, help="also measure the CMF and CA-1 of this source tree, level by "
                                                     "level beside this one's")
    parser.add_argument("--spy", type=Path, help="sample the CMF with py-spy per level into this folder")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    bound = crypto_bound()
    print(f"crypto bound: {bound:.0f} issuances/s on one core ({1000 / bound:.2f} ms: verify a P-256 CSR + sign a "
          "certificate + sign a CMP response)", flush=True)
    rates: dict[tuple[str, int], float] = {}
    with ExitStack() as stack:
        targets = [stack.enter_context(environment(ROOT, "this"))]
        if args.compare:
            targets.append(stack.enter_context(environment(args.compare.resolve(), "compare")))
            print(f"compare: {args.compare.resolve()}", flush=True)
        for clients in levels:
            for target in targets:
                rates[(target.label, clients)] = measure(target, clients, args.count, args.seconds, bound, args.spy)
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.compare:
        print("this vs compare, certificates/s:")
        for clients in levels:
            a, b = rates[("this", clients)], rates[("compare", clients)]
            print(f"  {clients:3} clients: {a:6.1f} vs {b:6.1f}  x{a / b if b else float('nan'):.2f}")


if __name__ == "__main__":
    main()
