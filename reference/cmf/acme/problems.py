"""ACME problem documents (RFC 8555 6.7): application/problem+json with urn:ietf:params:acme:error:* types."""

from __future__ import annotations

import json

from starlette.responses import Response

ERROR = "urn:ietf:params:acme:error:"
PROBLEM_JSON = "application/problem+json"


class AcmeProblem(Exception):
    """Raised by the server's handlers; rendered as one problem document."""

    def __init__(self, kind: str, detail: str, status: int = 400) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.status = kind, detail, status


def problem_response(problem: AcmeProblem, nonce: str | None, *, content_type: str = PROBLEM_JSON) -> Response:
    body = json.dumps({"type": ERROR + problem.kind, "detail": problem.detail, "status": problem.status})
    headers = {"Cache-Control": "no-store"}
    if nonce is not None:
        headers["Replay-Nonce"] = nonce
    return Response(body, status_code=problem.status, media_type=content_type, headers=headers)
