"""Wiring of the reference CMF: one Starlette app with the REST, CMP and notification resources."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from simulators.refcmf.ca_client import CaClient
from simulators.refcmf.cmp_service import CmpService
from simulators.refcmf.config import RefCmfConfig
from simulators.refcmf.notifier import Notifier
from simulators.refcmf.notify import SubscriptionResources
from simulators.refcmf.rest import SubjectResources
from simulators.refcmf.store import Store


def build_app(config: RefCmfConfig, store: Store, notifier: Notifier, extra: Sequence[BaseRoute] = ()) -> Starlette:
    ca = CaClient(config.ca)
    routes = (SubjectResources(config, store).routes() + CmpService(config, store, ca, notifier).routes()
              + SubscriptionResources(config, store, notifier).routes() + list(extra))
    return Starlette(routes=routes)
