"""Wiring of the reference CMF: one Starlette app with the REST, CMP and notification resources."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from reference.cmf.ca_client import CaClient
from reference.cmf.cmp_service import CmpService
from reference.cmf.config import RefCmfConfig
from reference.cmf.notifier import Notifier
from reference.cmf.notify import SubscriptionResources
from reference.cmf.rest import SubjectResources
from reference.cmf.store import Store


def build_app(config: RefCmfConfig, store: Store, notifier: Notifier, extra: Sequence[BaseRoute] = ()) -> Starlette:
    ca = CaClient(config.ca)
    routes = (SubjectResources(config, store).routes() + CmpService(config, store, ca, notifier).routes()
              + SubscriptionResources(config, store, notifier).routes() + list(extra))
    return Starlette(routes=routes)
