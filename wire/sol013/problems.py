"""ProblemDetails, ETSI GS NFV-SOL 013 clauses 6.3/6.4 (after IETF RFC 7807 / RFC 9457).

One type, one render point (``to_response``), and one parser (``parse_problem``) for the
harness side. SOL 013 makes ``status`` and ``detail`` mandatory; ``title`` is mandatory as
well when ``type`` is given and is not "about:blank".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

PROBLEM_MEDIA_TYPE = "application/problem+json"
ABOUT_BLANK = "about:blank"
_BODY_FIELDS = ("type", "title", "status", "detail", "instance")


class ProblemError(ValueError):
    """A response body that does not hold a valid ProblemDetails."""


@dataclass(frozen=True)
class ProblemDetails:
    status: int
    detail: str
    title: str | None = None
    type: str | None = None
    instance: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # response headers (Allow, WWW-Authenticate); not in the body

    def __post_init__(self) -> None:
        if isinstance(self.status, bool) or not isinstance(self.status, int) or not 100 <= self.status <= 599:
            raise ValueError(f"ProblemDetails.status must be an HTTP status code, got {self.status!r}")
        if not isinstance(self.detail, str):
            raise ValueError("ProblemDetails.detail must be a string")

    @property
    def allow(self) -> tuple[str, ...]:
        """Methods listed in the Allow header, if any."""
        for name, value in self.headers:
            if name.lower() == "allow":
                return tuple(m.strip() for m in value.split(",") if m.strip())
        return ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON body: absent optional attributes are omitted, never null."""
        body = {name: getattr(self, name) for name in _BODY_FIELDS}
        return {k: v for k, v in body.items() if v is not None}


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemDetails:
    """Generic constructor; ``title`` defaults to the HTTP reason phrase."""
    if title is None:
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = None
    return ProblemDetails(
        status=status,
        detail=detail,
        title=title,
        type=type,
        instance=instance,
        headers=tuple((headers or {}).items()),
    )


def bad_request(detail: str) -> ProblemDetails:
    return problem(400, detail)


def unauthorized(detail: str, *, www_authenticate: str | None = "Bearer") -> ProblemDetails:
    """401; SOL 013 conveys the error details in WWW-Authenticate (RFC 6750)."""
    headers = {"WWW-Authenticate": www_authenticate} if www_authenticate else None
    return problem(401, detail, headers=headers)


def forbidden(detail: str) -> ProblemDetails:
    return problem(403, detail)


def not_found(detail: str) -> ProblemDetails:
    return problem(404, detail)


def method_not_allowed(detail: str, allowed: Sequence[str]) -> ProblemDetails:
    """405 with the Allow header (RFC 9110 15.5.6)."""
    return problem(405, detail, headers={"Allow": ", ".join(m.upper() for m in allowed)})


def not_acceptable(detail: str) -> ProblemDetails:
    return problem(406, detail)


def conflict(detail: str) -> ProblemDetails:
    return problem(409, detail)


def unprocessable(detail: str) -> ProblemDetails:
    return problem(422, detail)


def internal(detail: str) -> ProblemDetails:
    return problem(500, detail)


def to_response(p: ProblemDetails) -> JSONResponse:
    """The single render point: JSON body, ``application/problem+json``, extra headers."""
    return JSONResponse(p.to_dict(), status_code=p.status, headers=dict(p.headers), media_type=PROBLEM_MEDIA_TYPE)


class ProblemException(Exception):
    """Raise from a handler to answer with ``problem``."""

    def __init__(self, problem: ProblemDetails) -> None:
        super().__init__(f"{problem.status}: {problem.detail}")
        self.problem = problem


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemException)
    return to_response(exc.problem)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):  # no body allowed
        return Response(status_code=exc.status_code, headers=exc.headers)
    detail = str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    elif exc.status_code == 405 and detail == "Method Not Allowed":
        detail = f"method {request.method} is not supported on {request.url.path}"
    return to_response(problem(exc.status_code, detail, headers=exc.headers))


async def _on_error(request: Request, exc: Exception) -> Response:
    return to_response(internal("internal server error"))


def problem_exception_handlers() -> dict[Any, Any]:
    """``Starlette(exception_handlers=...)``: render every error as ProblemDetails."""
    return {ProblemException: _on_problem, HTTPException: _on_http_exception, Exception: _on_error}


# ---------------------------------------------------------------- harness side


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def parse_problem(
    body: bytes | str,
    *,
    http_status: int | None = None,
    content_type: str | None = None,
) -> ProblemDetails:
    """Parse and validate a ProblemDetails body; ``ProblemError`` says what is wrong.

    ``http_status``: the response status, which "status" must equal. ``content_type``: the
    response Content-Type, which must then be ``application/problem+json``. Extension
    members are allowed and ignored.
    """
    if content_type is not None and _media_type(content_type) != PROBLEM_MEDIA_TYPE:
        raise ProblemError(f"Content-Type is {content_type!r}, expected {PROBLEM_MEDIA_TYPE!r}")
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProblemError(f"body is not UTF-8: {exc}") from None
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise ProblemError(f"body is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ProblemError(f"body is a JSON {type(doc).__name__}, expected an object")
    status = doc.get("status")
    if "status" not in doc:
        raise ProblemError("mandatory attribute 'status' is missing")
    if isinstance(status, bool) or not isinstance(status, int):
        raise ProblemError(f"'status' must be an integer, got {status!r}")
    if not 100 <= status <= 599:
        raise ProblemError(f"'status' {status} is not an HTTP status code")
    if http_status is not None and status != http_status:
        raise ProblemError(f"'status' is {status} but the HTTP status code is {http_status}")
    if "detail" not in doc:
        raise ProblemError("mandatory attribute 'detail' is missing")
    for name in ("detail", "title", "type", "instance"):
        if name in doc and not isinstance(doc[name], str):
            raise ProblemError(f"{name!r} must be a string, got {doc[name]!r}")
    type_ = doc.get("type")
    if type_ is not None and type_ != ABOUT_BLANK and "title" not in doc:
        raise ProblemError("'title' is mandatory when 'type' is given and is not 'about:blank'")
    return ProblemDetails(
        status=status,
        detail=doc["detail"],
        title=doc.get("title"),
        type=type_,
        instance=doc.get("instance"),
    )
