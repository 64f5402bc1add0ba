"""The attestation service of IFA026 C.2.1.2/C.2.1.3 in the RATS Verifier role: it holds the appraisal of each
VNFCI's remote attestation, and the CMF, as Relying Party, asks for it before creating identities.

Harness binding (README, "Direct mode"), JSON over HTTPS with mTLS: ``GET /attestation/v1/results/{vnfcInstanceId}``
-> 200 ``{"vnfcInstanceId", "status": "affirming" | "warning" | "contraindicated" | "none", "verifier",
"appraisedAt"}`` (the trustworthiness tiers of the IETF RATS EAR format); 404 when the VNFCI never attested.
Only "affirming" means successfully attested."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.trace import Trace

CHANNEL = "CMF -> Attestation Service (harness binding: JSON over HTTPS)"


@dataclass(frozen=True)
class Query:
    vnfc_id: str
    status: str
    seq: int
    at: datetime


@dataclass
class AttestationService:
    trace: Trace
    base_url: str = ""
    appraisals: dict[str, str] = field(default_factory=dict)  # vnfcInstanceId -> EAR status
    queries: list[Query] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/attestation/v1/results/{id}", self._result, methods=["GET"])])

    async def _result(self, request: Request) -> Response:
        vnfc_id = request.path_params["id"]
        seq = self.trace.record("CMF", "Attestation Service", "http-request", f"GET {request.url.path}",
                                channel=CHANNEL)
        status = self.appraisals.get(vnfc_id, "")
        response = (JSONResponse({"vnfcInstanceId": vnfc_id, "status": status, "verifier": "nfvct-verifier",
                                  "appraisedAt": datetime.now(timezone.utc).isoformat()})
                    if status else JSONResponse({"error": "no attestation result for this VNFCI"}, status_code=404))
        self.trace.record("Attestation Service", "CMF", "http-response", f"{response.status_code}",
                          channel=CHANNEL, body_text=bytes(response.body).decode())
        with self._lock:
            self.queries.append(Query(vnfc_id, status or "unknown", seq, datetime.now(timezone.utc)))
        return response

    def queries_for(self, vnfc_id: str) -> list[Query]:
        with self._lock:
            return [q for q in self.queries if q.vnfc_id == vnfc_id]
