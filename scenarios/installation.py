"""Delegation-mode installation use cases C.2.2.3, C.3.2.3 and C.2.2.4, replayed simulator to simulator.

Pre-condition (C.2.2.3.4 #2/#3): the VNFM has the VNFCI key pair and the certificate with its chain;
the harness obtains them from the SUT's CMF (C.2.2.2), so the installed certificate is a real one.
Then the simulated VNFM installs it through the simulated VIM (AllocateComputeRequest) or directly
into the VNFI (SetConfigurationRequest); the CMF plays no part. C.2.2.4.7 (HSM-held keys delivered
to an HMEE) is in scenarios/installation_hsm.py.
"""

from __future__ import annotations

import socket
import tempfile
import ssl
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.checks.registry import Observation
from harness.context import RunContext
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from harness.trace import trace_hooks
from scenarios.common import Obtained, Scenario, json_body, note_stimulus, obtain, register
from scenarios.flows_installation import C_2_2_3, C_2_2_4, C_3_2_3
from simulators.install_sim import InstallSimulators, KeyStore, start_install_simulators
from wire.serve import TlsFiles
from simulators.vnfm import seqs_of

VI_VNFM = "Vi-Vnfm AllocateCompute (harness binding, HTTPS mTLS)"
VE_VNFM = "Ve-Vnfm SetConfiguration (harness binding, HTTPS mTLS)"
MAX_ATTEMPTS, RETENTION = 2, 0.5  # the simulated VNFM's configuration (Vnfm.Sc.005: both configurable)


def _embedded_only(ctx: RunContext) -> str | None:
    if ctx.harness_dir is None:
        return ("the CMF is not involved in this use case: it replays the harness's simulated VNFM, VIM and VNFI, "
                "which need an `nfvct init` environment (pixit.harness)")
    if not ctx.profile.pics.delegation_mode:
        return "the PICS does not claim delegation mode"
    return None


def _credentials(ctx: RunContext, rec: Recorder, cert_type: str) -> tuple[str, Obtained, str, list[str]]:
    """Pre-conditions 2 and 3: the VNFM has the key pair, the certificate and its chain (via C.2.2.2)."""
    reg = register(ctx, rec, cert_type)
    obtained = obtain(ctx, rec, cert_type, reg, chain_request=True, poll_step="pre-condition")
    if obtained.cert is None or obtained.key is None or obtained.last.message is None:
        raise PreconditionFailed(f"no certificate to install: {obtained.how}")
    pem = serialization.Encoding.PEM
    chain = [c.public_bytes(pem).decode() for c in obtained.last.message.extra_certs
             if c.subject == obtained.cert.issuer]
    key_pem = obtained.key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode()
    return reg.vnfci_id, obtained, key_pem, chain


def _handshake(ctx: RunContext, address: str) -> tuple[bytes | None, str]:
    """TLS to the VNFCI, verified against the CA trust anchors (no hostname: it is the VNFCI's own FQDN)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    for anchor in ctx.profile.anchors():
        context.load_verify_locations(cadata=anchor.public_bytes(serialization.Encoding.PEM).decode())
    host, port = address.removeprefix("https://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=ctx.profile.pixit.timeout) as raw:
            with context.wrap_socket(raw) as tls:
                return tls.getpeercert(binary_form=True), ""
    except (OSError, ssl.SSLError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _judge_installed(ctx: RunContext, rec: Recorder, name: str, step: str, address: str | None,
                     cert: x509.Certificate, seqs: tuple[int, ...]) -> None:
    served, error = _handshake(ctx, address) if address else (None, "")
    delivered = cert.public_bytes(serialization.Encoding.DER)
    rec.check(name, Observation(facts={"served": served, "error": error, "delivered": delivered,
                                       "not_installed": "" if address else "no VNFCI address was returned"},
                                trace_seqs=seqs), step=step)


@contextmanager
def _installing(ctx: RunContext, rec: Recorder, cert_type: str, receiver: str,
                channel: str) -> Iterator[tuple[str, Obtained, list[str], KeyStore, InstallSimulators, str, httpx.Client]]:
    """Pre-conditions met (credentials obtained, held by the VNFM's key store), the VIM/VNFI served, the VNFM's
    client to ``receiver``: (vnfci, obtained, chain, VNFM key store, simulators, their base URL, client)."""
    assert ctx.harness_dir is not None
    rec.step("pre-condition")
    vnfci, obtained, key_pem, chain = _credentials(ctx, rec, cert_type)
    vnfm_keys = KeyStore(MAX_ATTEMPTS, RETENTION, keep_forever="vnfm-keeps-key" in ctx.faults)
    vnfm_keys.put(vnfci, key_pem)
    pki = ctx.harness_dir
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nfvct-install-")))
        sims, base = start_install_simulators(stack, scratch, TlsFiles(
            pki / "ca1.crt", pki / "ca1.key", pki / "mano_root.crt"), ctx.faults)
        yield vnfci, obtained, chain, vnfm_keys, sims, base, stack.enter_context(_client(ctx, receiver, channel))


def run_during_instantiation(cert_type: str, check_name: str, ctx: RunContext, rec: Recorder) -> None:
    with _installing(ctx, rec, cert_type, "VIM", VI_VNFM) as setup:
        vnfci, obtained, chain, vnfm_keys, sims, base, client = setup
        sims.fail_allocations = 1  # the first attempt fails: the VNFM retries, within its MAX_ATTEMPTS
        response, attempts = None, 0
        rec.step("0")
        while (key := vnfm_keys.get_for_attempt(vnfci)) is not None:
            attempts += 1
            body = {"vnfcId": vnfci, "certificate": obtained.cert.public_bytes(  # type: ignore[union-attr]
                serialization.Encoding.PEM).decode(), "privateKey": key, "chain": chain}
            response = client.post(f"{base}/vim/v1/compute", json=body)
            if response.status_code == 201:
                vnfm_keys.delete(vnfci)  # installed: nothing left to retry
                break
        note_stimulus(rec, "0", response, f"AllocateComputeRequest with certificate, private key and chain "
                                          f"({attempts} attempt(s))")
        address = json_body(response).get("vnfcAddress") if response is not None and response.status_code == 201 \
            else None
        rec.step("1")
        rec.check("vim-key-deleted", Observation(facts={"holds": sims.vim_keys.holds(vnfci)}), step="1")
        rec.step("2")
        _judge_installed(ctx, rec, check_name, "2", address, obtained.cert,  # type: ignore[arg-type]
                         seqs_of(response) if response is not None else ())
        rec.step("3")
        rec.note("3", Verdict.PASS if address else Verdict.FAIL,
                 f"AllocateComputeResponse: HTTP {response.status_code if response is not None else '-'}",
                 seqs_of(response) if response is not None else ())
        rec.check("vnfm-key-deleted-after-attempts", Observation(facts={
            "holds": vnfm_keys.holds(vnfci), "attempts": attempts, "max_attempts": MAX_ATTEMPTS}), step="3")


def run_after_instantiation(ctx: RunContext, rec: Recorder) -> None:
    with _installing(ctx, rec, "VNFCI_certificate", "VNFI", VE_VNFM) as setup:
        vnfci, obtained, chain, vnfm_keys, _, base, client = setup
        rec.step("0")
        key = vnfm_keys.get_for_attempt(vnfci)
        if key is None:
            raise PreconditionFailed("the simulated VNFM lost the key before installing it")
        response = client.post(f"{base}/vnfi/v1/configuration", json={
            "vnfcId": vnfci, "certificate": obtained.cert.public_bytes(  # type: ignore[union-attr]
                serialization.Encoding.PEM).decode(), "privateKey": key, "chain": chain})
        note_stimulus(rec, "0", response, "SetConfigurationRequest with certificate, private key and chain")
        address = json_body(response).get("vnfcAddress") if response.status_code == 200 else None
        rec.step("1")
        _judge_installed(ctx, rec, "installed-c2-2-4", "1", address, obtained.cert,  # type: ignore[arg-type]
                         seqs_of(response))
        rec.note("2", Verdict.PASS if address else Verdict.FAIL,
                 f"SetConfigurationResponse: HTTP {response.status_code}", seqs_of(response))
        # one attempt of MAX_ATTEMPTS made: only the retention time can delete the key (later scenarios may run
        # meanwhile: harness/overlap.py)
        ctx.overlapped(lambda: time.sleep(RETENTION))
        rec.check("vnfm-key-deleted-after-retention", Observation(facts={
            "holds": vnfm_keys.holds(vnfci), "retention": RETENTION}), step="2")


def _client(ctx: RunContext, receiver: str, channel: str) -> httpx.Client:
    assert ctx.harness_dir is not None
    context = ssl.create_default_context(cafile=str(ctx.harness_dir / "mano_root.crt"))
    context.load_cert_chain(str(ctx.profile.pixit.vnfm.cert), str(ctx.profile.pixit.vnfm.key))
    return httpx.Client(verify=context, timeout=ctx.profile.pixit.timeout,
                        event_hooks=trace_hooks(ctx.trace, "VNFM", receiver, channel))


def scenarios() -> list[Scenario]:
    return [
        Scenario("C.2.2.3[VNFCI]/installation", "C.2.2.3", "VNFCI certificate installation during VNF Instantiation",
                 C_2_2_3, ("vim-key-deleted", "installed-c2-2-3", "vnfm-key-deleted-after-attempts"),
                 partial(run_during_instantiation, "VNFCI_certificate", "installed-c2-2-3"),
                 {"certType": "VNFCI_certificate"}, _embedded_only, issues=True, uses=frozenset()),
        Scenario("C.3.2.3[VNF OAM]/installation", "C.3.2.3",
                 "VNF OAM certificate installation during VNF Instantiation", C_3_2_3,
                 ("vim-key-deleted", "installed-c3-2-3", "vnfm-key-deleted-after-attempts"),
                 partial(run_during_instantiation, "VNF_OAM_certificate", "installed-c3-2-3"),
                 {"certType": "VNF_OAM_certificate"}, _embedded_only, issues=True, uses=frozenset()),
        Scenario("C.2.2.4[VNFCI]/installation", "C.2.2.4", "VNFCI certificate installation after VNF Instantiation",
                 C_2_2_4, ("installed-c2-2-4", "vnfm-key-deleted-after-retention"), run_after_instantiation,
                 {"certType": "VNFCI_certificate"}, _embedded_only, issues=True, uses=frozenset()),
    ]
