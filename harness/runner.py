"""Runs the selected scenarios against the SUT and aggregates verdicts per requirement."""

from __future__ import annotations

import fnmatch
import random
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx
import josepy as jose

from harness import __version__
from harness.catalogue import for_role, load_catalogue, load_sides
from harness.checks import REGISTRY
from harness.checks.profile_checks import check_issued
from harness.context import RunContext
from harness.events import CheckFinished, Handler, Message, ScenarioFinished, ScenarioStarted
from harness.model import CheckOutcome, RequirementResult, RunInfo, RunResult, ScenarioResult, Verdict
from harness.profile import AcmePixit, Identity, Pics, Pixit, Profile
from harness.recorder import PreconditionFailed, Recorder
from harness.trace import Trace
from harness.runner_sm import SM_BINDINGS, embedded_sm
from scenarios import Scenario, scenarios_for
from simulators.acme.actors import actors_for, new_oss_eab
from reference.cmf.acme.config import AcmeConfig
from simulators.acme.responder import TlsAlpnResponder
from simulators.acme.token_authority import TokenAuthority
from simulators.direct.actors import DirectActors, run_direct_actors
from simulators.pki import build_test_pki
from reference.cmf.direct import DirectConfig
from reference.cmf.launch import RunningReference, run_reference
from simulators.vnfm import VnfmClient

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


def select(scenarios: Sequence[Scenario], pattern: str | None) -> list[Scenario]:
    """-k PATTERN: substring or glob over scenario id and title, case-insensitive; 'A|B' matches either,
    'not X' (or 'not A|B') excludes."""
    if not pattern:
        return list(scenarios)
    negate = pattern.startswith("not ")
    needles = [n.strip().lower() for n in (pattern[4:] if negate else pattern).split("|") if n.strip()]

    def one(text: str, needle: str) -> bool:
        return fnmatch.fnmatch(text, f"*{needle}*") if any(c in needle for c in "*?[") else needle in text

    def hit(s: Scenario) -> bool:
        text = f"{s.id} {s.title}".lower()
        return any(one(text, needle) for needle in needles)

    return [s for s in scenarios if hit(s) != negate]


@dataclass(frozen=True)
class Sut:
    profile: Profile
    reference: RunningReference | None
    description: str
    acme_parts: tuple[TlsAlpnResponder, TokenAuthority] | None = None  # the embedded run's ACME actors
    direct: DirectActors | None = None  # the embedded run's direct-mode actors (VNFM, CA, VNFCIs, attestation)


@contextmanager
def embedded_reference(workdir: Path, faults: frozenset[str], trace: Trace, check_after: int = 1,
                       seed: int = 0, with_direct: bool = True) -> Iterator[Sut]:
    """The reference CMF and the simulators it talks to; ``with_direct``: also the direct-mode actors (five
    listeners, started only when a direct-mode scenario runs)."""
    pki = build_test_pki()
    files = pki.write(workdir / "pki")
    with ExitStack() as stack:
        # direct mode: the VNFM, CA, VNFCIs and attestation service the reference CMF is configured with
        direct, direct_config = None, None
        if with_direct:
            direct = stack.enter_context(run_direct_actors(pki, workdir, trace, seed))
            direct_config = DirectConfig(direct.vnfm.api, direct.ca1_url, direct.attestation.base_url,
                                         direct.policy, direct.san_domain, direct.ca.anchor_pem, files["cmf.crt"],
                                         files["cmf.key"], files["mano_root.crt"])
        # the harness's ACME actors exist first: the reference trusts the OSS's EAB key and the token authority,
        # and its tls-alpn-01 validation connects to the entities' responder
        responder, authority = TlsAlpnResponder(trace), TokenAuthority()
        stack.callback(responder.close)
        eab_kid, eab_key = new_oss_eab()
        acme = AcmeConfig(oss_eab={eab_kid: jose.b64decode(eab_key)}, token_authority_jwk=authority.public_jwk(),
                          token_authority_url=authority.url, alpn_port=responder.port)
        ref = stack.enter_context(run_reference(pki, workdir, faults=faults, trace=trace, check_after=check_after,
                                                acme=acme, direct=direct_config))
        inter = workdir / "pki" / "issuing.crt"
        inter.write_bytes(b"".join(i.cert_pem() for i in pki.issuing.values()))
        profile = Profile(
            name="embedded reference CMF",
            pics=Pics(deferred_issuance=tuple(sorted(ref.config.deferred_types)), chain_only_when_requested=True,
                      direct_mode=True),
            pixit=Pixit(
                api_root=ref.base_url,
                cmp_base=ref.base_url + ref.config.cmp_base,
                server_ca=files["mano_root.crt"],
                vnfm=Identity(files["vnfm.crt"], files["vnfm.key"]),
                vnfm2=Identity(files["vnfm2.crt"], files["vnfm2.key"]),
                ca_trust_anchors=(files["operator_root.crt"],),
                expected_issuers={t: i.cert.subject.rfc4514_string() for t, i in pki.issuing.items()},
                max_poll_seconds=10.0,
                notify_wait_seconds=1.5,  # on loopback the reference notifies within milliseconds
                notify_quiet_seconds=0.3,
                short_lived_san_domain=ref.config.short_lived_san_domain,
                short_lived_seconds=ref.config.short_lived_seconds,
                acme=AcmePixit(ref.acme_directory, oss_eab_kid=eab_kid, oss_eab_key=eab_key,
                               mano_domain=acme.mano_domain, alpn_port=responder.port),
            ),
            source="embedded reference CMF",
        )
        label = "reference CMF (embedded)" + (f" with faults {', '.join(sorted(faults))}" if faults else "")
        yield Sut(profile, ref, label, (responder, authority), direct)


def _context(sut: Sut, trace: Trace, seed: int) -> RunContext:
    pixit = sut.profile.pixit

    def client(name: str, identity: Identity | None) -> VnfmClient:
        return VnfmClient(name=name, identity=identity, api_root=pixit.api_root, cmp_base=pixit.cmp_base,
                          server_ca=str(pixit.server_ca), trace=trace, timeout=pixit.timeout,
                          single_path=pixit.cmp_single_path)

    ctx = RunContext(sut.profile, trace, random.Random(seed), client("VNFM", pixit.vnfm),
                     client("VNFM-2", pixit.vnfm2) if pixit.vnfm2 else None)
    if sut.reference is not None:
        ctx.embedded, ctx.faults, ctx.workdir = True, sut.reference.config.faults, sut.reference.workdir
        ca = sut.reference.ca
        ctx.ca_status = ca.status
        ctx.intermediates = [i.cert for i in ca.issuing.values()]
    responder, authority = sut.acme_parts or (None, None)
    ctx.acme = actors_for(sut.profile, trace, responder=responder, token_authority=authority)
    ctx.direct = sut.direct
    return ctx


def run_scenario(scenario: Scenario, ctx: RunContext, emit: Handler) -> ScenarioResult:
    rec = Recorder(scenario.id, scenario.flow.steps, ctx.trace)
    reason = scenario.applicable(ctx)
    with ctx.trace.scenario(scenario.id):
        if reason:
            rec.skip_remaining(scenario.checks, Verdict.NOT_APPLICABLE, reason)
        else:
            try:
                first_new = len(ctx.issued)
                try:
                    scenario.body(ctx, rec)
                finally:  # the certificates obtained before any abort are still judged
                    check_issued(ctx, rec, ctx.issued[first_new:])
                rec.skip_remaining(scenario.checks, Verdict.INCONCLUSIVE,
                                   "not reached: an earlier exchange of this scenario did not produce what it needs")
            except PreconditionFailed as exc:
                reason = f"pre-condition not reached: {exc}"
                rec.skip_remaining(scenario.checks, Verdict.INCONCLUSIVE, reason)
            except httpx.TransportError as exc:  # timeouts, refused or dropped connections: not judgeable
                reason = f"the SUT did not answer: {type(exc).__name__}: {exc}"
                rec.skip_remaining(scenario.checks, Verdict.INCONCLUSIVE, reason)
            except Exception as exc:  # the harness broke, or the SUT's answer broke it: never a PASS
                reason = f"scenario aborted: {type(exc).__name__}: {exc}"
                rec.skip_remaining(scenario.checks, Verdict.ERROR, reason)
    outcomes = tuple(o for _, o in rec.outcomes)
    for outcome in outcomes:
        emit(CheckFinished(outcome))
    steps = rec.step_results()
    verdicts = [o.verdict for o in outcomes] + [s.verdict for s in steps]
    verdict = Verdict.worst(verdicts)
    if reason and all(o.verdict is Verdict.NOT_APPLICABLE for o in outcomes):
        verdict = Verdict.NOT_APPLICABLE
    return ScenarioResult(scenario.id, scenario.use_case, scenario.title, scenario.flow.source, verdict, steps,
                          outcomes, dict(scenario.parameters), reason or "", scenario.flow.actors())


def _not_run(scenario: Scenario, reason: str) -> ScenarioResult:
    return ScenarioResult(scenario.id, scenario.use_case, scenario.title, scenario.flow.source, Verdict.INCONCLUSIVE,
                          (), (), dict(scenario.parameters), reason, scenario.flow.actors())


def aggregate(outcomes: Sequence[CheckOutcome], role: str = "cmf") -> tuple[RequirementResult, ...]:
    """Requirement verdicts over the catalogue part of ``role`` (SM runs also say whose obligation each is)."""
    catalogue = load_catalogue()
    sides = load_sides() if role == "sm" else {}
    by_req: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        for req in outcome.requirements:
            by_req.setdefault(req, []).append(outcome)
    unknown = sorted(set(by_req) - set(catalogue.ids()))
    if unknown:
        raise ValueError(f"checks cite requirement IDs missing from the catalogue: {unknown}")
    return tuple(
        RequirementResult(req, Verdict.worst([o.verdict for o in by_req.get(req.id, [])]),
                          tuple(by_req.get(req.id, [])), *sides.get(req.id, ("", "")))
        for req in for_role(role)
    )


def run(
    profile: Profile | None = None,
    *,
    faults: Sequence[str] = (),
    pattern: str | None = None,
    seed: int | None = None,
    emit: Handler = lambda event: None,
    workdir: Path | None = None,
    reference_check_after: int = 1,
    role: str = "cmf",
) -> RunResult:
    """Run the scenarios matching ``pattern`` against ``profile``'s SUT, or the embedded reference CMF
    (with ``faults``; ``reference_check_after`` is the checkAfter its pollRep announces, in seconds)."""
    seed = seed if seed is not None else secrets.randbits(32)
    started = datetime.now(timezone.utc)
    trace = Trace()
    role = (profile.pics.role if profile is not None else role).lower()
    if role not in ("cmf", "sm"):
        raise ValueError(f"role {role!r}: one of cmf, sm")
    selected = select(scenarios_for(role), pattern)
    if not selected:
        raise ValueError(f"-k {pattern!r} selects no scenario")
    with ExitStack() as stack:
        if role == "sm":
            if profile is not None:
                raise ValueError("--role sm runs against the embedded reference SM in this release (a vendor SM "
                                 "profile needs fixed listener ports and a persistent test PKI; see the README)")
            tmp = workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nfvct-sm-")))
            sm_profile, sm = stack.enter_context(embedded_sm(tmp, frozenset(faults), trace, seed))
            label = "reference SM (embedded)" + (f" with faults {', '.join(sorted(faults))}" if faults else "")
            sut = Sut(sm_profile, None, label)
            emit(Message(f"started the simulated NFVO/VIM and the embedded reference SM at {sm_profile.pixit.api_root}"))
        elif profile is None:
            tmp = workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nfvct-")))
            direct = any(s.parameters.get("mode") == "direct" for s in selected)
            sut = stack.enter_context(embedded_reference(tmp, frozenset(faults), trace, reference_check_after, seed,
                                                         with_direct=direct))
            emit(Message(f"started the embedded reference CMF at {sut.profile.pixit.api_root}"))
        else:
            if faults:
                raise ValueError("--fault applies to the embedded reference CMF only, not to a profile's SUT")
            sut = Sut(profile, None, profile.name)
        if role == "sm":
            ctx = RunContext(sut.profile, trace, random.Random(seed), None, None, embedded=True,  # type: ignore[arg-type]
                             faults=frozenset(faults), workdir=tmp)
            ctx.sm = sm
        else:
            ctx = _context(sut, trace, seed)
        stack.callback(ctx.close)
        results: list[ScenarioResult] = []
        interrupted = False
        for index, scenario in enumerate(selected, 1):
            emit(ScenarioStarted(index, len(selected), scenario.id, scenario.title))
            t0 = time.monotonic()
            try:
                result = run_scenario(scenario, ctx, emit)
            except KeyboardInterrupt:  # keep what ran; the report says the run was cut short
                interrupted = True
                emit(Message("interrupted: writing the report of the scenarios that finished"))
                break
            results.append(result)
            emit(ScenarioFinished(index, len(selected), result, time.monotonic() - t0))
        if interrupted:
            results += [_not_run(s, "not run: the run was interrupted") for s in selected[len(results):]]
    outcomes = [o for r in results for o in r.checks]
    info = RunInfo(
        id=str(uuid.uuid4()), started=started, finished=datetime.now(timezone.utc), sut=sut.description,
        version=__version__, seed=seed, profile=sut.profile.source, faults=tuple(sorted(faults)),
        interrupted=interrupted, role=role.upper(),
    )
    return RunResult(info, aggregate(outcomes, role), tuple(results), trace.events(),
                     SM_BINDINGS if role == "sm" else BINDINGS)


def registered_check_names() -> list[str]:
    return sorted(REGISTRY)
