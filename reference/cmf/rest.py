"""SOL023 clause 5.6 REST resources of the reference CMF: {apiRoot}/nfv-cert/v1/subjects."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from cryptography import x509
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wire import sol013
from reference.cmf.config import CERT_TYPES, RefCmfConfig
from reference.cmf.store import Store, SubjectRow

API = "/nfv-cert/v1"
ANONYMOUS = "(anonymous)"
COMPLEX = ("subjectId", "_links")
DEFAULT_EXCLUDED = ("subjectId",)
SELECTORS = ("all_fields", "fields", "exclude_fields", "exclude_default")
KNOWN = (
    "id", "certType", "typeOfVnfcCertHandling", "_links", "_links/self", "_links/self/href",
    "subjectId", "subjectId/subjectId", "subjectId/certificateData",
    "subjectId/certificateData/subjectAlternateName", "subjectId/certificateData/subjectName",
    *(f"subjectId/certificateData/subjectName/{a}"
      for a in ("commonName", "organization", "country", "state", "locality", "emailAddress")),
)


def peer_identity(request: Request) -> str | None:
    """The consumer's identity: subject DN of its mTLS certificate (None if it sent none)."""
    der = getattr(request.state, "tls_client_cert", None)
    if not der:
        return None
    return x509.load_der_x509_certificate(der).subject.rfc4514_string()


def consumer(request: Request, config: RefCmfConfig) -> str | None:
    """The consumer's identity; with the fault no-mtls, a client without certificate is served as ANONYMOUS."""
    owner = peer_identity(request)
    return ANONYMOUS if owner is None and config.has("no-mtls") else owner


def not_allowed(request: Request, allowed: list[str], *, permissive: bool = False, no_allow: bool = False) -> Response:
    """405 with Allow (SOL013 6.4, RFC 9110 15.5.6); ``permissive`` (a fault) answers 200/204 instead, ``no_allow``
    (a fault) leaves the Allow header out."""
    if permissive:
        return Response(status_code=204) if request.method == "DELETE" else JSONResponse({})
    detail = f"{request.method} is not supported on {request.url.path}"
    response = sol013.to_response(sol013.method_not_allowed(detail, allowed))
    if no_allow:
        del response.headers["allow"]
    return response


class SubjectResources:
    def __init__(self, config: RefCmfConfig, store: Store) -> None:
        self.config = config
        self.store = store

    def routes(self) -> list[Route]:
        versions = {"v2": ["2.0.0"]} if self.config.has("api-version-wrong") else {"v1": ["1.0.0"]}
        routes = [] if self.config.has("no-api-versions") else sol013.api_versions_routes("nfv-cert", versions)
        all_methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        return routes + [
            Route(f"{API}/subjects", self.collection, methods=all_methods),
            Route(f"{API}/subjects/{{subjectId}}", self.individual, methods=all_methods),
        ]

    # dispatch -----------------------------------------------------------------------
    async def collection(self, request: Request) -> Response:
        owner = self._owner(request)
        if owner is None:
            return sol013.to_response(sol013.unauthorized("a client certificate is required"))
        if request.method == "POST":
            return await self._register(request, owner)
        if request.method == "GET":
            return self._query(request, owner)
        return self._not_allowed(request, ["GET", "POST"])

    async def individual(self, request: Request) -> Response:
        owner = self._owner(request)
        if owner is None:
            return sol013.to_response(sol013.unauthorized("a client certificate is required"))
        subject_id = request.path_params["subjectId"]
        if request.method == "GET":
            return self._read(request, owner, subject_id)
        if request.method == "DELETE":
            return self._deregister(owner, subject_id)
        return self._not_allowed(request, ["GET", "DELETE"])

    def _owner(self, request: Request) -> str | None:
        return consumer(request, self.config)

    def _not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return not_allowed(request, allowed, permissive=self.config.has("methods-allowed"),
                           no_allow=self.config.has("405-no-allow"))

    # Register ---------------------------------------------------------------------------
    async def _register(self, request: Request, owner: str) -> Response:
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):  # RecursionError: nested too deep for the parser
            if self.config.has("register-non-json-500"):  # the parse error escapes as a server error
                return Response("Internal Server Error", status_code=500, media_type="text/plain")
            return sol013.to_response(sol013.bad_request("request body is not JSON"))
        skip = frozenset({"handling", "sans"} if self.config.has("accept-invalid-registration") else ()) | \
            frozenset({"subject-name"} if self.config.has("accept-empty-subject-name") else ()) | \
            frozenset({"subject-name-type"} if self.config.has("accept-subject-name-string") else ())
        problem = validate_registration(body, skip=skip)
        if problem:
            if self.config.has("register-despite-refusal") and isinstance(body, dict):
                self._keep_refused(body, owner)
            return sol013.to_response(sol013.bad_request(problem))
        cert_type = body.get("certType")
        if cert_type == "VNF_OAM_certificate" and self.config.has("reject-vnfoam-registration"):
            return sol013.to_response(sol013.unprocessable("VNF OAM certificates are not supported"))
        entries = body.get("subjectId") or []
        if not self.config.has("register-no-conflict"):
            for entry in entries:
                taken = self.store.vnfci_owner(str(entry.get("subjectId")), cert_type)
                if taken:
                    return sol013.to_response(sol013.conflict(
                        f"VNFCI {entry.get('subjectId')} is already registered for {cert_type} "
                        f"(subject {taken[1]})"))
        row = SubjectRow(str(uuid.uuid4()), cert_type, body.get("typeOfVnfcCertHandling", ""), owner, entries)
        self.store.add_subject(row, replace_vnfcis=self.config.has("register-no-conflict"))
        representation = self.representation(request, row)
        location = representation["_links"]["self"]["href"]
        if self.config.has("location-other-host"):
            location = f"https://192.0.2.7/nfv-cert/v1/subjects/{row.id}"
        headers = {} if self.config.has("no-location-header") else {"Location": location}
        return JSONResponse(representation, status_code=201, headers=headers)

    def _keep_refused(self, body: dict[str, Any], owner: str) -> None:
        """The fault register-despite-refusal: the 400 is answered, but what could be read is stored anyway."""
        entries = [e for e in body.get("subjectId") or [] if isinstance(e, dict) and isinstance(e.get("subjectId"), str)]
        if entries:
            self.store.add_subject(SubjectRow(str(uuid.uuid4()), str(body.get("certType") or "VNFCI_certificate"),
                                              str(body.get("typeOfVnfcCertHandling") or ""), owner, entries))

    def representation(self, request: Request, row: SubjectRow) -> dict[str, Any]:
        entries = copy.deepcopy(row.entries)
        if self.config.has("subject-wrong-data"):
            for entry in entries:
                for data in entry.get("certificateData", []):
                    data["subjectAlternateName"] = []
        base = str(request.base_url).rstrip("/")
        return {
            "id": row.id,
            "certType": row.cert_type,
            "subjectId": entries,
            "typeOfVnfcCertHandling": row.handling,
            "_links": {"self": {"href": f"{base}{API}/subjects/{row.id}"}},
        }

    # Query Subject Info -------------------------------------------------------------------
    def _query(self, request: Request, owner: str) -> Response:
        params = dict(request.query_params)
        rows = [self.representation(request, r) for r in self.store.subjects(owner)]
        expr = params.pop("filter", None)
        if expr is not None:
            try:
                flt = sol013.parse_filter(expr, known_attributes=KNOWN)
            except sol013.FilterError as exc:
                if not self.config.has("accept-bad-filter"):
                    return sol013.to_response(sol013.bad_request(f"invalid filter: {exc}"))
                flt = None
            if flt is not None and not self.config.has("ignore-filter"):
                rows = [r for r in rows if flt.matches(r)]
        if self.config.has("ignore-all-fields"):
            params.pop("all_fields", None)
        selected: list[dict[str, Any]] = []
        for row in rows:
            try:
                selected.append(self._select(row, params))
            except sol013.SelectorError as exc:
                if not self.config.has("accept-bad-selector"):
                    return sol013.to_response(sol013.bad_request(f"invalid attribute selector: {exc}"))
                selected.append(row)
        if self.config.has("list-items-no-links"):
            for item in selected:
                item.pop("_links", None)
        return JSONResponse(selected)

    def _select(self, row: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        selector_params = {k: v for k, v in params.items() if k in SELECTORS}
        if self.config.has("no-default-exclusion") and not selector_params:
            return row
        return sol013.apply_selectors(
            row, params=selector_params, complex_attributes=COMPLEX,
            default_excluded=DEFAULT_EXCLUDED, known_attributes=KNOWN,
        )

    def _read(self, request: Request, owner: str, subject_id: str) -> Response:
        row = self.store.subject(subject_id)
        if row is None or row.owner != owner:
            return sol013.to_response(sol013.not_found(f"no subject {subject_id}"))
        representation = self.representation(request, row)
        if self.config.has("subject-no-links"):
            representation.pop("_links")
        return JSONResponse(representation)

    # Deregister ----------------------------------------------------------------------------
    def _deregister(self, owner: str, subject_id: str) -> Response:
        row = self.store.subject(subject_id)
        if row is None:
            return sol013.to_response(sol013.not_found(f"no subject {subject_id}"))
        if row.owner != owner and not self.config.has("skip-deregister-delegate-check"):
            return sol013.to_response(sol013.forbidden("the consumer is not the delegate of this subject"))
        valid = [c for c in self.store.certificates_of_subject(subject_id) if not c.revoked]
        if valid and not self.config.has("deregister-ignores-valid-certs"):
            serials = ", ".join(format(c.serial, "x") for c in valid)
            return sol013.to_response(sol013.conflict(
                f"subject {subject_id} still has valid certificates (serials {serials}); revoke them first"))
        if not self.config.has("deregister-keeps-resource"):
            self.store.delete_subject(subject_id)
        return Response(status_code=204)


def validate_registration(body: Any, *, skip: frozenset[str] = frozenset()) -> str | None:
    """Why a RegistrationRequest (SOL023 5.6.4.2.3) is invalid, or None. ``skip`` names rules a fault leaves out:
    "handling" (typeOfVnfcCertHandling "direct_mode" let through), "sans" (subjectAlternateName), "subject-name"
    (an empty CertSubjectData), "subject-name-type" (a subjectName that is not an object)."""
    if not isinstance(body, dict):
        return "RegistrationRequest must be a JSON object"
    cert_type = body.get("certType")
    if cert_type == "MANO_certificate":
        return "registration of MANO_certificate is not covered by SOL023 5.6 (use ACME)"
    if cert_type not in CERT_TYPES:
        return f"certType must be one of {', '.join(CERT_TYPES)}"
    handling = body.get("typeOfVnfcCertHandling")
    if handling != "delegation_mode" and not ("handling" in skip and handling == "direct_mode"):
        return 'typeOfVnfcCertHandling must be "delegation_mode" (SOL023 5.6.4.2.3 note 2)'
    entries = body.get("subjectId")
    if not isinstance(entries, list) or not entries:
        return "subjectId must be a non-empty array"
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("subjectId"), str) or not entry["subjectId"]:
            return "each subjectId item needs a non-empty subjectId string"
        data = entry.get("certificateData")
        if not isinstance(data, list) or not data:
            return f"subjectId {entry['subjectId']}: certificateData must be a non-empty array"
        for item in data:
            sans = item.get("subjectAlternateName") if isinstance(item, dict) else None
            if (not isinstance(sans, list) or not sans or not all(isinstance(s, str) and s for s in sans)) \
                    and "sans" not in skip:
                return f"subjectId {entry['subjectId']}: subjectAlternateName must be a non-empty array of strings"
            name = item.get("subjectName")
            if name is not None and not isinstance(name, dict):
                if "subject-name-type" not in skip:
                    return f"subjectId {entry['subjectId']}: subjectName must be a CertSubjectData object"
                name = None  # the fault registers it as it is
            if name is not None and not any(isinstance(v, str) for v in name.values()) \
                    and "subject-name" not in skip:  # SOL023 table 5.6.4.3.2-1 note
                return (f"subjectId {entry['subjectId']}: subjectName needs at least one attribute (SOL023 "
                        "table 5.6.4.3.2-1, note)")
    return None
