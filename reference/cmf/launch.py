"""Start the embedded reference SUT: the simulated CA and the reference CMF, on loopback, over TLS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.trace import Trace
from reference.cmf.acme.config import AcmeConfig
from reference.cmf.acme.server import AcmeServer
from reference.cmf.ca_client import CaClient
from simulators.ca import CaSimulator
from simulators.pki import TestPki
from reference.cmf import faults as fault_registry
from reference.cmf.app import build_app
from reference.cmf.config import CaEndpoint, RefCmfConfig
from reference.cmf.direct import CALLBACK, DirectAgent, DirectConfig
from reference.cmf.notifier import Notifier
from reference.cmf.store import Store
from wire.serve import TlsFiles, serve


# The reference's test CA profile for short-lived certificates (expiry notifications within a run)
SHORT_LIVED_DOMAIN = "short-lived.vnf.nfvct.test"
SHORT_LIVED_SECONDS = 1.5


@dataclass(frozen=True)
class RunningReference:
    base_url: str  # {apiRoot}
    ca_base_url: str
    ca: CaSimulator
    store: Store
    config: RefCmfConfig
    workdir: Path
    acme_directory: str = ""  # ACME directory URL for NFV-MANO certificates ("" = not served)


@contextmanager
def run_reference(
    pki: TestPki,
    workdir: Path,
    *,
    faults: frozenset[str] = frozenset(),
    trace: Trace | None = None,
    db_path: Path | None = None,
    port: int = 0,
    check_after: int = 1,
    acme: AcmeConfig | None = None,
    direct: DirectConfig | None = None,
) -> Iterator[RunningReference]:
    fault_registry.validate(faults)
    files = pki.write(workdir / "pki")
    ca = CaSimulator(issuing=pki.issuing, trace=trace, faults=faults)
    with ExitStack() as stack:
        ca_served = stack.enter_context(
            serve(ca.app(), TlsFiles(files["ca_server.crt"], files["ca_server.key"], files["mano_root.crt"]), name="ca")
        )
        ca.base_url = ca_served.base_url
        config = RefCmfConfig(
            db_path=db_path or workdir / "refcmf.sqlite3",
            signer=pki.cmf,
            client_trust=(pki.mano_root.cert,),
            ca=CaEndpoint(ca_served.base_url, files["cmf.crt"], files["cmf.key"], files["mano_root.crt"]),
            faults=faults,
            check_after=check_after,
            tls_cert=files["cmf.crt"],
            tls_key=files["cmf.key"],
            short_lived_san_domain=SHORT_LIVED_DOMAIN,
            short_lived_seconds=SHORT_LIVED_SECONDS,
        )
        store = Store(config.db_path)
        stack.callback(store.close)
        client_auth = "optional" if "no-mtls" in faults else "required"
        tls = TlsFiles(files["cmf.crt"], files["cmf.key"], files["mano_root.crt"], client_auth)
        notifier = Notifier(config, store)
        agent = DirectAgent(direct, faults) if direct is not None else None
        routes = agent.routes() if agent is not None else []
        cmf_served = stack.enter_context(serve(build_app(config, store, notifier, routes), tls, name="refcmf",
                                               port=port))
        if agent is not None:  # direct mode: subscribe to the VNFM's VNF LCM notifications
            stack.callback(agent.close)
            agent.start(cmf_served.base_url + CALLBACK)
        notifier.api_root = cmf_served.base_url
        notifier.start()
        stack.callback(notifier.close)
        directory = ""
        if acme is not None:  # ACME listener: server-authenticated TLS only (JWS authenticates the requests)
            server = AcmeServer(acme, CaClient(config.ca), faults)
            acme_served = stack.enter_context(serve(server.app(), TlsFiles(files["cmf.crt"], files["cmf.key"], None,
                                                                           "none"), name="refcmf-acme"))
            server.base_url = acme_served.base_url
            directory = server.url("directory")
        yield RunningReference(cmf_served.base_url, ca_served.base_url, ca, store, config, workdir, directory)
