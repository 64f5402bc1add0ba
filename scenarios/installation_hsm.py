"""IFA026 C.2.2.4.7: VNFCI certificate installation after VNF instantiation with the use of an HSM, replayed
simulator to simulator (the CMF plays no part, as in C.2.2.4).

Pre-conditions (table C.2.2.4.7-1): the VNFM's HSM (SoftHSM2) generated the VNFCI key pair and the CMF under test
issued its certificate as in C.2.2.2.7 (attester registered, statement in the CSR); the attestation service
attested the VNFCI's HMEE and issued it a remote attestation credential. Then the VNFM sends SetConfigurationRequest
with certificate, chain and the HSM certificate (no private key); the HMEE opens TLS to the HSM (simulators/
hsm_release.py), receives its key pair wrapped, and the VNFCI serves TLS with it: the harness's handshake proves
the installation, as in C.2.2.4.
"""

from __future__ import annotations

import ssl
import tempfile
from contextlib import ExitStack
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.checks.registry import Observation
from harness.context import RunContext
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from harness.trace import trace_hooks
from scenarios.common import Scenario, json_body, note_stimulus
from scenarios.delegation_hsm import enrol, register_attested
from scenarios.flows_installation import C_2_2_4_7
from scenarios.installation import VE_VNFM, _client, _embedded_only, _judge_installed
from simulators.acme.hsm import SoftHsm, available as hsm_available
from simulators.delegation_hsm import DelegationHsm, clear_openssl_errors
from simulators.hsm_release import HsmKeyRelease, start_hsm_release
from simulators.install_sim import start_install_simulators
from simulators.pki import Issued, make_entity, make_root, write_file, write_pair
from simulators.vnfm import seqs_of
from wire.serve import TlsFiles

HMEE_HSM = "HMEE-HSM key release (harness binding, HTTPS with the HMEE's attestation credential)"
PEM = serialization.Encoding.PEM


def _probe(ctx: RunContext, hsm_url: str, hsm_root: Path, vnfc: str, credential: Issued | None,
           scratch: Path) -> str:
    """A key request by a client that is not the VNFCI's attested HMEE: what the HSM answered."""
    context = ssl.create_default_context(cafile=str(hsm_root))
    context.check_hostname = False
    if credential is not None:
        base = scratch / f"probe-{credential.cert.serial_number:x}"
        write_pair(credential, base)
        context.load_cert_chain(str(base.with_suffix(".crt")), str(base.with_suffix(".key")))
    hooks = trace_hooks(ctx.trace, "VNFCI (not attested)", "HSM", HMEE_HSM)
    wrapping = rsa.generate_private_key(65537, 2048).public_key().public_bytes(
        PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    try:
        with httpx.Client(verify=context, timeout=ctx.profile.pixit.timeout, event_hooks=hooks) as client:
            response = client.post(f"{hsm_url}/hsm/v1/keys/{vnfc}", json={"wrappingKey": wrapping})
    except (httpx.HTTPError, ssl.SSLError) as exc:
        return f"TLS/connection refused: {type(exc).__name__}"
    return f"HTTP {response.status_code}"


def run_after_instantiation_hsm(ctx: RunContext, rec: Recorder) -> None:
    reason = hsm_available()
    if reason:
        raise PreconditionFailed(reason)
    assert ctx.harness_dir is not None
    soft = SoftHsm()
    try:
        hsm = DelegationHsm(soft)
        reg = register_attested(ctx, rec, "VNFCI_certificate", hsm)  # pre-condition 3: as in C.2.2.2.7
        key = hsm.generate()
        csr = hsm.csr(key, reg.data.get("subjectName"), list(reg.data["subjectAlternateName"]), hsm.statement(key))
        obtained = enrol(ctx, rec, "VNFCI_certificate", reg, csr)
        if obtained.cert is None or obtained.last.message is None:
            raise PreconditionFailed(f"no certificate to install: {obtained.how}")
        chain = [c.public_bytes(PEM).decode() for c in obtained.last.message.extra_certs
                 if c.subject == obtained.cert.issuer]
        with ExitStack() as stack:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nfvct-install-hsm-")))
            # pre-condition 4: the attestation service attested the HMEE and issued its credential (CN: the VNFCI)
            attestation = make_root("Attestation service (HMEE credentials)")
            credential = make_entity(attestation, reg.vnfci_id, server=False)
            hsm_root = make_root("VNFM HSM vendor")
            hsm_cert = make_entity(hsm_root, "hsm.vnfm.nfvct.test", dns=("localhost",), ips=("127.0.0.1",),
                                   client=False)
            write_pair(hsm_cert, scratch / "hsm")
            write_file(scratch / "attestation.crt", attestation.cert_pem())
            write_file(scratch / "hsm-root.crt", hsm_root.cert_pem())
            release = HsmKeyRelease(hsm, ctx.faults, keys={reg.vnfci_id: key})
            hsm_url = start_hsm_release(stack, release, scratch / "hsm.crt", scratch / "hsm.key",
                                        scratch / "attestation.crt")
            pki = ctx.harness_dir
            sims, base = start_install_simulators(stack, scratch, TlsFiles(
                pki / "ca1.crt", pki / "ca1.key", pki / "mano_root.crt"), ctx.faults)
            sims.hmee_credentials[reg.vnfci_id] = credential
            sims.hmee_hooks = trace_hooks(ctx.trace, "VNFCI (HMEE)", "HSM", HMEE_HSM)
            client = stack.enter_context(_client(ctx, "VNFI", VE_VNFM))
            rec.step("0")
            details = {"url": hsm_url, "certificate": hsm_cert.cert_pem().decode(),
                       "chain": [hsm_root.cert_pem().decode()]}
            if "vnfm-no-hsm-certificate" in ctx.faults:
                details = {"url": hsm_url}
            body = {"vnfcId": reg.vnfci_id, "certificate": obtained.cert.public_bytes(PEM).decode(), "chain": chain,
                    "hsm": details}
            before = ctx.trace.last_seq
            response = client.post(f"{base}/vnfi/v1/configuration", json=body)
            note_stimulus(rec, "0", response, "SetConfigurationRequest with certificate, chain and HSM certificate")
            rec.check("set-configuration-hsm", Observation(facts={"request": body}, trace_seqs=seqs_of(response)),
                      step="0")
            address = json_body(response).get("vnfcAddress") if response.status_code == 200 else None
            rec.step("1")
            _judge_installed(ctx, rec, "installed-c2-2-4", "1", address, obtained.cert, seqs_of(response))
            hmee = tuple(e.seq for e in ctx.trace.events(rec.scenario) if e.seq > before and
                         "VNFCI (HMEE)" in (e.sender, e.receiver))
            for step, what in (("2", "TLS channel HMEE-HSM (attestation credential, HSM certificate)"),
                               ("3", "key pair requested"), ("4", "key pair delivered, wrapped for the HMEE")):
                rec.note(step, Verdict.PASS if address else Verdict.FAIL, what if address else
                         f"{what}: not completed ({response.text[:200]})", hmee)
            rec.step("4")
            stranger = make_root("Not the attestation service")
            probes = [(label, _probe(ctx, hsm_url, scratch / "hsm-root.crt", reg.vnfci_id, cred, scratch))
                      for label, cred in (
                          ("a client without attestation credential", None),
                          ("the attested credential of another VNFCI", make_entity(attestation, "vnfci-other",
                                                                                   server=False)),
                          ("a credential for this VNFCI not issued by the attestation service",
                           make_entity(stranger, reg.vnfci_id, server=False)))]
            rec.check("hsm-key-release-attested", Observation(facts={
                "probes": probes, "control": (address is not None, f"the attested HMEE: HTTP {response.status_code}")},
                trace_seqs=hmee), step="4")
            rec.step("5")
            rec.note("5", Verdict.PASS if address else Verdict.FAIL,
                     f"SetConfigurationResponse: HTTP {response.status_code}", seqs_of(response))
    finally:
        soft.close()
        clear_openssl_errors()


def scenarios() -> list[Scenario]:
    return [Scenario("C.2.2.4.7[VNFCI]/HSM", "C.2.2.4.7", "VNFCI certificate installation after VNF Instantiation "
                     "with the use of an HSM (key pair from the HSM to the attested HMEE)", C_2_2_4_7,
                     ("set-configuration-hsm", "installed-c2-2-4", "hsm-key-release-attested"),
                     run_after_instantiation_hsm, {"certType": "VNFCI_certificate", "keys": "SoftHSM2 (PKCS#11)"},
                     _embedded_only, issues=True, uses=frozenset())]
