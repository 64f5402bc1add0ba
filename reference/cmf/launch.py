"""Start the reference CMF from its settings: REST + CMP (+ the direct-mode callback) on one mTLS listener, the
ACME server on its own server-authenticated listener, the notifier and the direct-mode agent. It starts no
harness actor: CA-1, the VNFM, the attestation service and the token authority are wherever its settings say."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from reference.cmf import faults as fault_registry
from reference.cmf.acme.server import AcmeServer
from reference.cmf.app import build_app
from reference.cmf.ca_client import CaClient
from reference.cmf.config import RefCmfConfig
from reference.cmf.direct import CALLBACK, DirectAgent
from reference.cmf.notifier import Notifier
from reference.cmf.settings import CmfSettings
from reference.cmf.store import Store
from wire.serve import TlsFiles, serve


@dataclass(frozen=True)
class RunningCmf:
    base_url: str  # {apiRoot}
    store: Store
    config: RefCmfConfig
    acme_directory: str = ""  # ACME directory URL for NFV-MANO certificates ("" = not served)


@contextmanager
def run_cmf(settings: CmfSettings) -> Iterator[RunningCmf]:
    config = settings.config
    fault_registry.validate(config.faults)
    assert config.tls_cert is not None and config.tls_key is not None
    with ExitStack() as stack:
        store = Store(config.db_path)
        stack.callback(store.close)
        client_auth = "optional" if config.has("no-mtls") else "required"
        tls = TlsFiles(config.tls_cert, config.tls_key, settings.client_ca, client_auth)
        notifier = Notifier(config, store)
        agent = DirectAgent(settings.direct, config.faults) if settings.direct is not None else None
        routes = agent.routes() if agent is not None else []
        app = build_app(config, store, notifier, routes)
        served = stack.enter_context(serve(app, tls, name="refcmf", host=settings.bind, port=settings.port,
                                           url=settings.url))
        stack.callback(app.state.ca_client.close)  # while its server's loop still runs (unwound first)
        if agent is not None:  # direct mode: (keep) subscribed to the VNFM's VNF LCM notifications
            stack.callback(agent.close)
            agent.start(served.base_url + CALLBACK)
        notifier.api_root = served.base_url
        notifier.start()
        stack.callback(notifier.close)
        directory = ""
        if settings.acme is not None:  # server-authenticated TLS only (JWS authenticates the requests)
            acme_ca = CaClient(config.ca)
            server = AcmeServer(settings.acme, acme_ca, config.faults)
            acme_served = stack.enter_context(serve(server.app(), TlsFiles(config.tls_cert, config.tls_key, None,
                                                                           "none"), name="refcmf-acme",
                                                    host=settings.bind, port=settings.acme_port,
                                                    url=settings.acme_url))
            stack.callback(acme_ca.close)
            server.base_url = acme_served.base_url
            directory = server.url("directory")
        yield RunningCmf(served.base_url, store, config, directory)
