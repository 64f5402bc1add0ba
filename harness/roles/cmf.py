"""The CMF under test: the IFA026 annex C certificate-management use cases (delegation, direct mode, NFV-MANO
certificates over ACME, notifications, installation) and the harness actors they need, started from the
profile: CA-1 (the simulated CA), the ACME entities' tls-alpn-01 responder and token authority, and in direct mode
the VNFM's VNF LCM interface, the CA's CMP endpoint, the VNFCIs and the attestation service."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from cryptography import x509
from starlette.applications import Starlette

from harness import endpoints
from harness.context import RunContext
from harness.env_cmf import CA_TYPES, DEFAULT_PORTS, init_cmf
from harness.spec_conflicts import CMF_CONFLICTS
from harness.events import Event, Message
from harness.listeners import EMBEDDED_SPAN, free_ports, listen
from harness.profile import HarnessPixit, Identity, Profile, load_profile
from harness.trace import Trace
from reference.cmf.launch import run_cmf
from reference.cmf.settings import load_settings
from reference.cmf.standalone import settings_for
from scenarios import all_scenarios
from scenarios.common import Scenario
from simulators.acme.actors import actors_for
from simulators.acme.responder import TlsAlpnResponder
from simulators.ca import CaSimulator
from simulators.direct.actors import run_direct_actors
from simulators.direct.ca_direct import DirectCa
from simulators.oauth.actors import bearer_for, start_oauth
from simulators.vnfm import VnfmClient
from wire.credentials import Issued, load_issued
from wire.serve import LOOPBACK, TlsFiles, release

BINDINGS = (
    "CMP generalInfo: SOL023 5.7 names info types by URN, CMP needs an OID; infoType = 2.25.<UUIDv5(URL, urn)>, "
    "infoValue = UTF8String(urn value).",
    "certChainRequest (IFA033 11.2.3.2, no CMP correspondence per SOL023 A.2.4): generalInfo "
    "urn:nfvct:binding:cert-chain-request = \"true\"|\"false\"; the chain is returned in extraCerts, the trust "
    "anchor in caPubs.",
    "vnfciId (IFA033 11.2.3.2): generalInfo urn:nfvct:binding:vnfci-id; without it the CMF matches the CSR's "
    "subjectAltName against registered subjects.",
    "CA-1 (CMF -> CA, no ETSI wire format): JSON over HTTPS with mTLS, POST /ca1/v1/certificates and "
    "/ca1/v1/revocations (see README).",
    "Direct mode (IFA026 C.2.1; CA-1, CMF -> VNFCI and CMF -> attestation service have no wire format): CA-1 "
    "end-entity registration POST /ca1/v1/end-entities with the initial credential; VNFCI configuration POST "
    "{certConfigEndpoint} (VnfcResourceInfo.metadata); attestation results GET /attestation/v1/results/{vnfcId} "
    "(RATS EAR status); VNFCI -> CA is CMP ir (MAC) / kur (signature) (see README).",
)


# the reference's PICS statement claims RFC 9483's certReqId -1 while the reference sends SOL023's 0
MISCLAIM = "pics-claims-rfc9483-cert-req-id"

# listeners whose URL the CMF learns during the run, so an embedded run binds them on ephemeral ports
RUN_TIME_URLS = {"notify": 0, "vnfci": 0, "direct_cmp": 0}


def _issuing(h: HarnessPixit) -> dict[str, Issued]:
    anchor = x509.load_pem_x509_certificate(h.file("ca/operator_root.crt").read_bytes())
    out = {}
    for cert_type in CA_TYPES:
        issued = load_issued(h.file(f"ca/{cert_type}.crt"), h.file(f"ca/{cert_type}.key"))
        out[cert_type] = dataclasses.replace(issued, chain=(anchor,))
    return out


class CmfRole:
    name = "cmf"
    bindings = BINDINGS + CMF_CONFLICTS  # the conflicts are shown apart (harness/spec_conflicts.py)

    def scenarios(self) -> list[Scenario]:
        return all_scenarios()

    @contextmanager
    def embedded(self, workdir: Path, faults: frozenset[str], seed: int, check_after: int) -> Iterator[Profile]:
        held = free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN, hold=True)  # bound here until a listener
        try:  # takes each: written into the environment before they listen, no other process can take them
            release(LOOPBACK, [held[n] for n in RUN_TIME_URLS])
            profile_path = init_cmf(workdir, ports=held | RUN_TIME_URLS, check_after=check_after, oauth=True)
            if MISCLAIM in faults:  # a fault of the reference's own PICS statement (reference/cmf/faults.py)
                text = profile_path.read_text(encoding="utf-8")
                profile_path.write_text(text.replace("\n[pics]", '\n[pics]\np10cr_cert_req_id = "rfc9483"', 1),
                                        encoding="utf-8")
            with run_cmf(load_settings(settings_for(profile_path), faults)):
                profile = load_profile(profile_path)
                yield dataclasses.replace(profile, name="embedded reference CMF", source="embedded reference CMF")
        finally:
            release(LOOPBACK, held.values())

    @contextmanager
    def context(self, profile: Profile, trace: Trace, seed: int, faults: frozenset[str],
                emit: Callable[[Event], None], selected: Sequence[Scenario] = ()) -> Iterator[RunContext]:
        pixit = profile.pixit

        def client(name: str, identity: Identity | None) -> VnfmClient:
            return VnfmClient(name=name, identity=identity, api_root=pixit.api_root, cmp_base=pixit.cmp_base,
                              server_ca=str(pixit.server_ca), trace=trace, timeout=pixit.timeout,
                              single_path=pixit.cmp_single_path)

        h = pixit.harness
        endpoints.of(trace).allow([pixit.api_root, pixit.cmp_base, pixit.acme.directory if pixit.acme else "",
                                   *(w.base_url() for w in (h.listeners.values() if h is not None else ()))])
        with ExitStack() as stack:
            ctx = RunContext(profile, trace, random.Random(seed), client("VNFM", pixit.vnfm),
                             client("VNFM-2", pixit.vnfm2) if pixit.vnfm2 else None, faults=faults, seed=seed)
            stack.callback(ctx.close)
            ctx.intermediates = [c for p in pixit.ca_certificates for c in x509.load_pem_x509_certificates(
                p.read_bytes())]
            responder = None
            if h is not None:
                ctx.harness_dir = h.directory
                if h.has("alpn"):
                    where = h.listeners["alpn"]
                    responder = TlsAlpnResponder(trace, port=where.port, host=where.bind)
                    stack.callback(responder.close)
                if h.has("ca1"):
                    self._ca1(stack, ctx, h, pixit.client_ca, trace, seed, faults, selected, emit)
            ctx.acme = actors_for(profile, trace, responder=responder)
            oauth = start_oauth(stack, pixit, h, trace) if profile.pics.oauth2 else None  # the AS; VNFMs' tokens
            for name, vnfm in (() if oauth is None else (("vnfm", ctx.vnfm), ("vnfm2", ctx.vnfm2))):
                if vnfm is not None and name in oauth.clients:
                    vnfm.http.auth = bearer_for(oauth, name)
            yield ctx

    @staticmethod
    def _ca1(stack: ExitStack, ctx: RunContext, h: HarnessPixit, client_ca: Path, trace: Trace, seed: int,
             faults: frozenset[str], selected: Sequence[Scenario], emit: Callable[[Event], None]) -> None:
        """CA-1 on one listener (delegation-mode issuance and direct-mode end-entity registration); the direct-mode
        actors too when a selected scenario is a direct-mode one and the PICS claims it."""
        issuing = _issuing(h)
        ca = CaSimulator(issuing=issuing, trace=trace, faults=faults)
        direct_ca = DirectCa(CaSimulator(issuing=issuing, trace=None), trace, next(iter(issuing.values())).chain[0])
        app = Starlette(routes=[*ca.app().routes, *direct_ca.ca1_app().routes])
        tls = TlsFiles(h.file("ca1.crt"), h.file("ca1.key"), client_ca)
        served = stack.enter_context(listen(app, tls, h.listeners["ca1"], "ca1"))
        ca.base_url = direct_ca.ca.base_url = served.base_url
        ctx.ca_status = ca.status
        known = {c.fingerprint(c.signature_hash_algorithm) for c in ctx.intermediates}  # type: ignore[arg-type]
        ctx.intermediates += [i.cert for i in issuing.values()
                              if i.cert.fingerprint(i.cert.signature_hash_algorithm) not in known]  # type: ignore[arg-type]
        direct = ctx.profile.pics.direct_mode and any(s.parameters.get("mode") == "direct" for s in selected)
        missing = [n for n in ("vnfm_lcm", "attestation", "vnfci", "direct_cmp") if not h.has(n)]
        if direct and missing:
            emit(Message(f"direct mode: no pixit.harness.{', '.join(missing)}; its scenarios are INCONCLUSIVE"))
        elif direct:
            ctx.direct = stack.enter_context(run_direct_actors(h, direct_ca, served.base_url, client_ca,
                                                               ctx.profile.pixit.server_ca, trace, seed))


ROLE = CmfRole()
