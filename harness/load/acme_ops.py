"""The operations of a simulated NFV-MANO entity under load (IFA026 C.4: NFVO, VNFM, VIM ordering their own
certificate over ACME), on the harness's own ACME client and the C.4 scenarios' building blocks
(scenarios/acme_flow.py), without per-message tracing.

* ``acme-register``: the OSS's newAccount for the entity's FQDN with the PIXIT's EAB (C.4.x.1), which returns
  the entity's initial credential;
* ``acme-account``: the entity's own newAccount with that credential as EAB (C.4.x.2 step 0);
* ``acme-order``: newOrder for the entity's FQDN, the challenge the C.4 scenarios answer for that role
  (tls-alpn-01 for NFVO and VIM, tkauth-01 for VNFM, whichever of the two is offered otherwise), finalize with
  a fresh CSR, download, and the certificate judged by the conformance run's own checks (issued, chain to the
  trust anchor, key binding to the CSR, subjectAltName = the identifier ordered).

Each returns one :class:`harness.load.operations.Sample`. Nothing here imports Locust.
"""

from __future__ import annotations

import dataclasses
import ssl
import time
from dataclasses import dataclass
from typing import Any

import httpx

from harness.checks.registry import Observation
from harness.load.operations import Sample
from harness.load.verify import Judgement, classify_exception, run_checks
from harness.profile import Profile, ProfileError
from harness.recorder import PreconditionFailed
from harness.trace import Trace
from scenarios import acme_flow as af
from simulators.acme.actors import AcmeActors, actors_for
from simulators.acme.client import AcmeClient, Probe, body_of, problem_type
from simulators.acme.responder import TlsAlpnResponder

ROLES = ("NFVO", "VNFM", "VIM")  # the C.4.1, C.4.2 and C.4.3 entities
CHALLENGE = {"NFVO": "tls-alpn-01", "VNFM": "tkauth-01", "VIM": "tls-alpn-01"}  # as scenarios/mano.py answers
CERTIFICATE = ("mano-cert-issued", "mano-chain-delivered", "mano-cert-binds-key", "mano-cert-san")


class LoadAcmeClient(AcmeClient):
    """The conformance run's ACME client (certbot's acme.jws / josepy), its httpx client swapped for one without
    trace hooks (connections kept alive; httpx's timeouts bound every exchange) and no answer kept."""

    def __init__(self, name: str, directory_url: str, server_ca: str, *, timeout: float) -> None:
        super().__init__(name, directory_url, server_ca, Trace(), timeout=timeout)
        self.http.close()
        context = ssl.create_default_context(cafile=server_ca)
        self.http = httpx.Client(verify=context, timeout=timeout, event_hooks={"response": [self._answered]})

    def post(self, url: str, payload: dict[str, Any] | None, key: Any, *, kid: str | None = None,
             probe: Probe = Probe()) -> httpx.Response:
        response = super().post(url, payload, key, kid=kid, probe=probe)
        self.responses.clear()  # kept by the conformance run for its message-rule checks: not needed here
        return response


@dataclass
class LoadAcmeActors(AcmeActors):
    """The run's ACME actors (EAB, responder, token authority) handing out untraced clients."""

    def client(self, name: str) -> AcmeClient:
        client = LoadAcmeClient(name, self.pixit.directory, str(self.server_ca), timeout=self.timeout)
        self.clients.append(client)
        return client


@dataclass
class LoadContext:
    """What scenarios/acme_flow.py reads of a run's context (``ctx.acme``)."""

    acme: LoadAcmeActors


def answerable(profile: Profile) -> tuple[str, ...]:
    """The challenge types the harness can answer with this profile: tls-alpn-01 with a responder listener
    (pixit.harness.alpn: the SUT connects there for every FQDN), tkauth-01 with the token authority's key."""
    pixit, h = profile.pixit, profile.pixit.harness
    if pixit.acme is None:
        raise ProfileError("pixit.acme: the acme workload needs the SUT's ACME server (directory, EAB)")
    types = (("tls-alpn-01",) if h is not None and h.has("alpn") else ()) + (
        ("tkauth-01",) if pixit.acme.token_authority_key is not None else ())
    if not types:
        raise ProfileError("the acme workload answers tls-alpn-01 or tkauth-01: give pixit.harness.alpn (the "
                           "responder) or pixit.acme.token_authority_key")
    return types


def load_actors(profile: Profile) -> LoadContext:
    """The process's ACME actors, with its own tls-alpn-01 responder where pixit.harness.alpn says."""
    h = profile.pixit.harness
    where = h.listeners["alpn"] if h is not None and "tls-alpn-01" in answerable(profile) else None
    responder = TlsAlpnResponder(None, port=where.port, host=where.bind) if where is not None else None
    base = actors_for(profile, Trace(), responder=responder or _NoResponder())  # type: ignore[arg-type]
    assert base is not None
    return LoadContext(LoadAcmeActors(**{f.name: getattr(base, f.name) for f in dataclasses.fields(base) if f.init}))


class _NoResponder:
    """Stands in for the responder when the profile has none (then only tkauth-01 is answered)."""

    def __init__(self) -> None:
        self.probes: list[Any] = []

    def probes_for(self, fqdn: str) -> list[Any]:
        return []

    def serve_challenge(self, fqdn: str, key_auth: str) -> None:
        raise PreconditionFailed("tls-alpn-01 offered alone, and the profile has no pixit.harness.alpn responder")

    def withdraw(self, fqdn: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class ManoEntity:
    role: str
    fqdn: str
    wanted: str  # the challenge type it answers
    entity: af.Entity | None = None
    orders: int = 0


def new_entity(run_id: str, index: int, domain: str, answerable: tuple[str, ...]) -> ManoEntity:
    """The ``index``-th entity: NFVO, VNFM, VIM in turn, each answering its C.4 scenario's challenge when the
    harness can (``answerable``), else the other one."""
    role = ROLES[index % len(ROLES)]
    wanted = CHALLENGE[role] if CHALLENGE[role] in answerable else answerable[0]
    return ManoEntity(role, f"{role.lower()}-{index:04d}-{run_id}.{domain}", wanted)


def classify_acme(response: httpx.Response) -> str:
    """A taxonomy key for an ACME answer that is not a success: 'HTTP 403 · unauthorized'."""
    kind = problem_type(response)
    if kind:
        return f"HTTP {response.status_code} · {kind}"
    return f"HTTP {response.status_code} · {response.headers.get('content-type', 'no content-type')} (no problem document)"


def _timed(name: str, started: float, judgement: Judgement) -> Sample:
    return Sample(name, time.time(), (time.perf_counter() - started) * 1000, judgement.outcome, judgement.kind,
                  judgement.detail, [f.to_json() for f in judgement.findings])


def register_entity(ctx: LoadContext, mano: ManoEntity) -> list[Sample]:
    """C.4.x.1 by the OSS, then C.4.x.2 step 0 by the entity: two samples; ``mano.entity`` set when both worked."""
    judgement, started = Judgement(), time.perf_counter()
    reg = None
    try:
        reg = af.oss_register(ctx, mano.role, fqdn=mano.fqdn)  # type: ignore[arg-type]
        if reg.response.status_code not in (200, 201):
            judgement.error(classify_acme(reg.response), reg.response.text[:200])
        elif not reg.credential:
            judgement.error("no initialCredential in the registration", reg.response.text[:200])
    except Exception as exc:  # noqa: BLE001 - every failure of the exchange is classified, never raised
        judgement.error(classify_exception(exc), str(exc))
    samples = [_timed("acme-register", started, judgement)]
    if judgement.outcome != "ok" or reg is None:
        return samples
    judgement, started = Judgement(), time.perf_counter()
    try:
        entity = af.entity_account(ctx, mano.role, reg)  # type: ignore[arg-type]
        answer = entity.account_response
        if answer is None or answer.status_code not in (200, 201) or not entity.account_url:
            judgement.error(classify_acme(answer) if answer is not None else "no answer",
                            answer.text[:200] if answer is not None else "")
        else:
            mano.entity = entity
    except Exception as exc:  # noqa: BLE001
        judgement.error(classify_exception(exc), str(exc))
    samples.append(_timed("acme-account", started, judgement))
    return samples


def acme_order(ctx: LoadContext, mano: ManoEntity, serials: list[str]) -> Sample:
    """One order, newOrder to download, its answers judged; the issued serial (hex) appended to ``serials``."""
    judgement, started = Judgement(), time.perf_counter()
    entity = mano.entity
    assert entity is not None
    mano.orders += 1
    try:
        _order(ctx, mano, entity, judgement, serials)
    except PreconditionFailed as exc:
        judgement.error("no challenge the harness answers", str(exc))
    except Exception as exc:  # noqa: BLE001
        judgement.error(classify_exception(exc), str(exc))
    return _timed("acme-order", started, judgement)


def _order(ctx: LoadContext, mano: ManoEntity, entity: af.Entity, judgement: Judgement, serials: list[str]) -> None:
    order = af.new_order(entity)
    if order.response.status_code != 201:
        judgement.error(classify_acme(order.response), order.response.text[:200])
        return
    af.validate(ctx, entity, order, mano.wanted)  # type: ignore[arg-type]
    run_checks(("acme-challenges-offered",), Observation(facts={"offered": order.offered}), judgement)
    if order.challenge_status != "valid":
        response = order.challenge_response
        error = (body_of(response).get("error") or {}) if response is not None else {}
        judgement.error(f"challenge {order.used} {order.challenge_status or 'without status'}"
                        + (f" · {str(error.get('type', '')).rpartition(':')[2]}" if isinstance(error, dict) else ""),
                        str(error)[:300])
        return
    if order.used == "tls-alpn-01" and not order.reused:
        run_checks(("acme-tls-alpn-validated",), Observation(facts={"status": order.challenge_status,
                                                                    "probes": order.probes}), judgement)
    csr_der, _key = af.make_csr(entity.fqdn)
    finalized = af.finalize(entity, order, csr_der)
    if finalized.status_code >= 400:
        judgement.error(classify_acme(finalized), finalized.text[:200])
        return
    got = af.download(entity, order, finalized)
    if got.response is not None and got.response.status_code >= 400:
        judgement.error(classify_acme(got.response), got.response.text[:200])
        return
    if got.cert is None and got.response is None:  # the order never became valid, or no certificate URL
        judgement.error("order not valid after finalize", got.how)
        return
    run_checks(CERTIFICATE, Observation(facts=af.certificate_facts(ctx.acme.anchors, entity.fqdn, got, csr_der)),
               judgement)
    if got.cert is not None:
        serials.append(format(got.cert.serial_number, "x"))
