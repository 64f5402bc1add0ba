"""Wiring of the reference CMF: one Starlette app with the REST and CMP resources."""

from __future__ import annotations

from starlette.applications import Starlette

from simulators.refcmf.ca_client import CaClient
from simulators.refcmf.cmp_service import CmpService
from simulators.refcmf.config import RefCmfConfig
from simulators.refcmf.rest import SubjectResources
from simulators.refcmf.store import Store


def build_app(config: RefCmfConfig, store: Store) -> Starlette:
    ca = CaClient(config.ca)
    routes = SubjectResources(config, store).routes() + CmpService(config, store, ca).routes()
    return Starlette(routes=routes)
