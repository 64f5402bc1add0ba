"""Wiring of the reference CMF: one Starlette app with the REST, CMP and notification resources."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from reference.cmf.ca_client import CaClient
from reference.cmf.cmp_service import CmpService
from reference.cmf.config import RefCmfConfig
from reference.cmf.notifier import Notifier
from reference.cmf.notify import SubscriptionResources
from reference.cmf.oauth import OAuthGuard, oauth_of
from reference.cmf.rest import SubjectResources
from reference.cmf.store import Store
from wire import sol013


def build_app(config: RefCmfConfig, store: Store, notifier: Notifier, extra: Sequence[BaseRoute] = ()) -> Starlette:
    ca = CaClient(config.ca)
    routes = (SubjectResources(config, store).routes() + CmpService(config, store, ca, notifier).routes()
              + SubscriptionResources(config, store, notifier).routes() + list(extra))
    # SOL013 6.4: the router's own 404/405 (unknown path, unsupported method) are ProblemDetails too
    handlers = {k: v for k, v in sol013.problem_exception_handlers().items() if k is not Exception}
    oauth = oauth_of(config)  # OAuth 2.0 bearer tokens with the annex C scopes, when configured
    middleware = [Middleware(OAuthGuard, config=config, settings=oauth)] if oauth is not None else []
    app = Starlette(routes=routes, exception_handlers=handlers, middleware=middleware)
    app.state.ca_client = ca  # pooled CA-1 connections: the launcher closes them before the server stops
    return app
