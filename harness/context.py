"""What a scenario gets to work with: the profile, the simulated consumers, the trace."""

from __future__ import annotations

import random
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from cryptography import x509

from harness.bounds import bounded
from harness.endpoints import guarded
from harness.listeners import Listener
from harness.profile import Profile
from harness.trace import Trace
from simulators.vnfm import VnfmClient


T = TypeVar("T")


class UndeclaredResource(RuntimeError):
    """A scenario took shared state it does not declare in ``Scenario.uses`` (harness/overlap.py)."""


def _tls_failure(exc: BaseException) -> bool:
    """A connect error that is a TLS handshake failure (not a refused or unreachable TCP port)."""
    text = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}".lower()
    return any(k in text for k in ("ssl", "tls", "certificate", "handshake", "alert"))


@dataclass(frozen=True)
class IssuedCert:
    """A certificate some scenario obtained from the SUT: the subject of the C.6 profile checks."""

    scenario: str
    cert_type: str
    cert: x509.Certificate
    delivered: tuple[x509.Certificate, ...]  # CA certificates that came with it (extraCerts, caPubs)
    csr: x509.CertificateSigningRequest | None
    registered: dict[str, Any] | None  # the certificateData registered for the subject, if any
    seqs: tuple[int, ...]  # trace events of the exchange that delivered it


@dataclass
class RunContext:
    profile: Profile
    trace: Trace
    rng: random.Random
    vnfm: VnfmClient | None
    vnfm2: VnfmClient | None
    ca_status: Any = None  # callable(serial) -> "good"/"revoked" when the CA is observable, else None
    intermediates: list[x509.Certificate] = field(default_factory=list)  # known CA intermediates (PIXIT)
    counter: int = 0
    seen_nonces: set[bytes] = field(default_factory=set)  # senderNonces of every CMP message so far
    issued: list[IssuedCert] = field(default_factory=list)  # every certificate obtained, in order
    faults: frozenset[str] = frozenset()  # the harness actors' own named faults (simulators/faults.py)
    harness_dir: Path | None = None  # the environment's harness/ folder (identities of the harness's actors)
    acme: Any = None  # simulators.acme.actors.AcmeActors when the profile has [pixit.acme]
    direct: Any = None  # simulators.direct.actors.DirectActors when the SUT's direct mode is under test
    sm: Any = None  # scenarios.sm_common.SmSetup when the SUT is a Security Manager
    seed: int | None = None  # the run's seed: each scenario draws from its own rng derived from it (harness.runner)
    uses: frozenset[str] | None = None  # what the running scenario declares it uses (None: anything)
    # set by the runner when later scenarios may run inside a wait (harness/overlap.py): (scenario, wait, holds)
    overlap: Callable[[str, Callable[[], Any], frozenset[str]], Any] | None = None

    def overlapped(self, wait: Callable[[], T], holds: frozenset[str] = frozenset()) -> T:
        """``wait()`` (a wait of the running scenario that only time ends, run in full); when the run allows it,
        later scenarios that use none of ``holds`` run meanwhile, and this returns after the one running then.
        ``wait`` runs in a thread of its own and only waits: no request, no trace record (the listeners of the
        scenario record under it: NotificationEndpoint.owner)."""
        if self.overlap is None:
            return wait()
        return self.overlap(self.trace.current[0], wait, holds)  # type: ignore[no-any-return]

    def require(self, resource: str) -> None:
        """Where a scenario takes shared ``resource``: it must declare it (a scenario declaring nothing uses all)."""
        if self.uses is not None and resource not in self.uses:
            raise UndeclaredResource(f"scenario {self.trace.current[0]} uses {resource} but does not declare it in "
                                     f"Scenario.uses {sorted(self.uses)}")

    def listener(self, name: str) -> Listener:
        """Where the harness actor ``name`` listens (pixit.harness.<name>; default: loopback, ephemeral)."""
        harness = getattr(self.profile.pixit, "harness", None)
        return harness.listeners.get(name, Listener()) if harness is not None else Listener()

    def fresh_vnfci(self, cert_type: str) -> tuple[str, dict[str, Any]]:
        """A new VNFCI identifier and the certificateData to register for it."""
        self.counter += 1
        token = f"{self.rng.getrandbits(40):010x}"
        vnfci_id = f"vnfci-{self.counter:03d}-{token}"
        kind = "oam" if cert_type == "VNF_OAM_certificate" else "vnfc"
        fqdn = f"{kind}-{self.counter:03d}-{token}.{self.profile.pixit.san_domain}"
        data = {
            "subjectName": {"commonName": fqdn, "organization": "NFVCT Test", "country": "FR"},
            "subjectAlternateName": [fqdn],
        }
        return vnfci_id, data

    def anonymous_probe(self, path: str) -> tuple[httpx.Response | None, str]:
        """GET with a TLS client that presents no certificate: (response, error text)."""
        context = ssl.create_default_context(cafile=str(self.profile.pixit.server_ca))
        url = self.profile.pixit.api_root + path
        seq = self.trace.record("Consumer (no certificate)", "CMF", "http-request", f"GET {path}",
                                channel="HTTPS without client certificate")
        try:
            with httpx.Client(verify=context, timeout=self.profile.pixit.timeout,
                              transport=bounded(self.trace, context),
                              event_hooks=guarded(self.trace, {})) as client:  # bounded, profile hosts only
                response = client.get(url)
        except (httpx.TimeoutException, httpx.ConnectError) as exc:
            if isinstance(exc, httpx.ConnectError) and _tls_failure(exc):
                self.trace.record("CMF", "Consumer (no certificate)", "note", "TLS refused", body_text=str(exc))
                return None, f"TLS: {exc}"
            self.trace.record("CMF", "Consumer (no certificate)", "note", f"no answer: {type(exc).__name__}",
                              body_text=str(exc))
            return None, f"NOANSWER {type(exc).__name__}: {exc}"
        except (httpx.HTTPError, ssl.SSLError) as exc:  # alert or reset right after the handshake
            self.trace.record("CMF", "Consumer (no certificate)", "note", f"refused: {type(exc).__name__}",
                              body_text=str(exc))
            return None, f"TLS: {type(exc).__name__}: {exc}"
        self.trace.record("CMF", "Consumer (no certificate)", "http-response",
                          f"{response.status_code} {response.reason_phrase}", body_text=response.text[:2000])
        del seq
        return response, ""

    def close(self) -> None:
        if self.acme is not None:
            self.acme.close()
        if self.vnfm is not None:
            self.vnfm.close()
        if self.vnfm2 is not None:
            self.vnfm2.close()
