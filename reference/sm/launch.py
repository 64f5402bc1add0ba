"""Start the reference SM against the harness's NFVO and VIM: its listener on 127.0.0.1 (callbacks and approvals,
mutual TLS), its subscriptions on every interface set, and the NFVO told where to ask for approvals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from reference.sm.agent import ReferenceSm, RefSmConfig, SmBindingConfig
from reference.sm.faults import BY_NAME
from wire.serve import TlsFiles, serve
from simulators.sm.actors import SUB_SM, SmActors


@dataclass(frozen=True)
class RunningSm:
    sm: ReferenceSm
    base_url: str


@contextmanager
def run_reference_sm(actors: SmActors, faults: frozenset[str] = frozenset()) -> Iterator[RunningSm]:
    unknown = sorted(set(faults) - set(BY_NAME))
    if unknown:
        raise ValueError(f"unknown reference SM fault(s): {', '.join(unknown)} (see `nfvct faults --role sm`)")
    bindings = tuple(SmBindingConfig(b.name, b.mode, actors.nfvo.base_urls[b.name], actors.vim.base_urls[b.name],
                                     *actors.credentials[b.name], master=b.master)
                     for b in actors.bindings.values() if b.name != SUB_SM)
    sm = ReferenceSm(RefSmConfig(bindings, actors.mano_trust, actors.security_vnfd, faults))
    cert, key = actors.sm_server
    with serve(sm.app(), TlsFiles(cert, key, actors.mano_trust, "required"), name="reference-sm") as served:
        for b in bindings:
            if b.mode == "fully-active":
                actors.nfvo.approval_urls[b.name] = f"{served.base_url}/sm/v1/{b.name}/approvals"
        sm.start(served.base_url)
        try:
            yield RunningSm(sm, served.base_url)
        finally:
            sm.stop()
