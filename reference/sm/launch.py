"""Start the reference SM from its own settings file (``sm.toml``, reference/sm/settings.py): its listener
(callbacks and approvals, mutual TLS with the NFV-MANO root) where the settings say, and its subscriptions on every
interface set, kept alive in the background (NFV-MANO need not be up yet). The reference SM knows NFV-MANO only
by the URLs and trust anchor in its settings: it never starts, wires or imports a harness actor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reference.sm.agent import ReferenceSm, RefSmConfig
from reference.sm.faults import BY_NAME
from reference.sm.settings import SmSettings, load_settings
from wire.serve import TlsFiles, serve


@dataclass(frozen=True)
class RunningSm:
    sm: ReferenceSm
    base_url: str  # where its callbacks and approvals are ({base_url}/sm/v1/{set}/...)
    settings: SmSettings


def config_of(settings: SmSettings, faults: frozenset[str]) -> RefSmConfig:
    return RefSmConfig(settings.sets, settings.mano_trust, settings.security_vnfd, faults,
                       retry_seconds=settings.retry_seconds, check_seconds=settings.check_seconds)


@contextmanager
def run_reference_sm(settings: Path | SmSettings, faults: frozenset[str] = frozenset()) -> Iterator[RunningSm]:
    unknown = sorted(set(faults) - set(BY_NAME))
    if unknown:
        raise ValueError(f"unknown reference SM fault(s): {', '.join(unknown)} (see `nfvct faults --role sm`)")
    settings = load_settings(settings) if isinstance(settings, Path) else settings
    sm = ReferenceSm(config_of(settings, frozenset(faults)))
    tls = TlsFiles(settings.cert, settings.key, settings.mano_trust, "required")
    with serve(sm.app(), tls, name="reference-sm", host=settings.bind, port=settings.port,
               url=settings.url) as served:
        sm.start(served.base_url)
        try:
            yield RunningSm(sm, served.base_url, settings)
        finally:
            sm.stop()
