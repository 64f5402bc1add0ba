"""Starlette routes whose unsupported methods answer 405 ProblemDetails (SOL 013 clause 6.4).

SOL 013-based resources list the methods they support and say "405 Method Not Allowed"
for the others; ``resource_route`` takes the supported ones as a method -> handler map and
answers everything else (including methods Starlette has no name for) with one
ProblemDetails carrying the Allow header.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .problems import ProblemException, method_not_allowed, to_response

Handler = Callable[[Request], Awaitable[Response]]

_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _ordered(methods: list[str]) -> list[str]:
    return sorted(methods, key=lambda m: (_METHOD_ORDER.index(m) if m in _METHOD_ORDER else len(_METHOD_ORDER), m))


class MethodDispatch:
    """ASGI app: dispatch on the request method, 405 ProblemDetails for the others.

    A ``ProblemException`` raised by a handler is rendered here too, so the route behaves
    the same with or without the app-level ``problem_exception_handlers``.
    """

    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        if not handlers:
            raise ValueError("at least one method handler is required")
        self.handlers = {method.upper(): handler for method, handler in handlers.items()}
        self.allowed = _ordered(list(self.handlers))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        handler = self.handlers.get(request.method.upper())
        if handler is None:
            response: Response = to_response(
                method_not_allowed(
                    f"method {request.method} is not supported on {request.url.path}",
                    self.allowed,
                )
            )
        else:
            try:
                response = await handler(request)
            except ProblemException as exc:
                response = to_response(exc.problem)
        await response(scope, receive, send)


def resource_route(path: str, handlers: Mapping[str, Handler], *, name: str | None = None) -> Route:
    """A ``Route`` matching every method on ``path``; see ``MethodDispatch``."""
    return Route(path, MethodDispatch(handlers), name=name)
