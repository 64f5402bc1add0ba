"""SOL023 clause 7 resources of the reference CMF: {apiRoot}/certnotify/v1/subscriptions.

POST tests the notification endpoint (GET, expecting 204) before creating the subscription
(7.3.1 steps 2-5; 422 when the test fails, 7.5.3.3.1), and answers an identical duplicate (same
callbackUri and filter, same consumer) per the configured policy: 303 See Other to the existing
resource (default) or 201 with a new one. GET lists the consumer's own subscriptions (SOL013
filter supported), GET/DELETE on an individual subscription; every other method is 405.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import uuid
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wire import sol013
from reference.cmf.config import CERT_TYPES, RefCmfConfig
from reference.cmf.notifier import CERTNOTIFY, Notifier
from reference.cmf.rest import consumer, not_allowed
from reference.cmf.store import Store

STATES = ("VALID", "EXPIRING_SOON", "EXPIRED", "REVOKED")  # harness binding of PKIStatusInfoType (README)
VERBOSITY = ("FULL", "SHORT")
KNOWN = ("id", "callbackUri", "verbosity", "filter", "filter/certificateState", "filter/certificationType",
         "filter/vnfInstanceSubscriptionFilter", "_links", "_links/self", "_links/self/href")


def validate_subscription(body: Any, *, faults: frozenset[str] = frozenset()) -> str | None:
    """Why a CertificateSubscriptionRequest (SOL023 7.6.2.2) is malformed, or None. ``faults``: the ones that
    break the URI parsing here (cns-callback-idna-500, cns-portless-callback-500) raise instead."""
    if not isinstance(body, dict):
        return "CertificateSubscriptionRequest must be a JSON object"
    uri = body.get("callbackUri")
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        return "callbackUri (cardinality 1) must be an http(s) URI"
    try:  # a URI the endpoint test could not even address (port 99999, no host, bad characters)
        parsed = httpx.URL(uri)
        if not parsed.host:
            raise httpx.InvalidURL("no host")
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise httpx.InvalidURL(f"port {parsed.port} out of range")
        if parsed.port is None and "cns-portless-callback-500" in faults:
            raise TypeError("'<' not supported between 'int' and 'NoneType'")  # as a port test that forgot None
    except (httpx.InvalidURL, ValueError) as exc:
        if "cns-callback-idna-500" in faults and not isinstance(exc, httpx.InvalidURL):
            raise  # the fault: the IDNA codec's ValueError escapes
        return f"callbackUri is not a valid URI: {exc}"
    auth = body.get("authentication")
    if not isinstance(auth, dict) or not isinstance(auth.get("authType"), list) or not auth["authType"]:
        return "authentication (cardinality 1, SOL013 8.3.4 SubscriptionAuthentication) needs a non-empty authType"
    params = auth.get("paramsOauth2ClientCredentials")
    if "OAUTH2_CLIENT_CREDENTIALS" in auth["authType"] and not (isinstance(params, dict) and all(
            isinstance(params.get(k), str) and params[k] for k in ("clientId", "clientPassword", "tokenEndpoint"))):
        return ("authType OAUTH2_CLIENT_CREDENTIALS needs paramsOauth2ClientCredentials with clientId, clientPassword "
                "and tokenEndpoint (SOL013 8.3.4)")
    if "verbosity" in body and body["verbosity"] not in VERBOSITY:
        return f"verbosity must be one of {', '.join(VERBOSITY)}"
    flt = body.get("filter")
    if flt is not None:
        if not isinstance(flt, dict):
            return "filter must be a CertificateChangeNotificationsFilter object"
        for key, allowed in (("certificateState", STATES), ("certificationType", CERT_TYPES)):
            values = flt.get(key, [])
            if not isinstance(values, list) or any(v not in allowed for v in values):
                return f"filter.{key} must be an array of {', '.join(allowed)}"
    return None


class SubscriptionResources:
    def __init__(self, config: RefCmfConfig, store: Store, notifier: Notifier) -> None:
        self.config = config
        self.store = store
        self.notifier = notifier

    def routes(self) -> list[Route]:
        versions = [] if self.config.has("cns-no-api-versions") else sol013.api_versions_routes(
            "certnotify", {"v1": ["1.0.0"]})
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        return versions + [
            Route(f"{CERTNOTIFY}/subscriptions", self.collection, methods=methods),
            Route(f"{CERTNOTIFY}/subscriptions/{{subscriptionId}}", self.individual, methods=methods),
        ]

    def _owner(self, request: Request) -> str | None:
        return consumer(request, self.config)

    def _not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return not_allowed(request, allowed, permissive=self.config.has("cns-methods-allowed"),
                           no_allow=self.config.has("cns-405-no-allow"))

    async def collection(self, request: Request) -> Response:
        owner = self._owner(request)
        if owner is None:
            return sol013.to_response(sol013.unauthorized("a client certificate is required"))
        if request.method == "POST":
            return await self._subscribe(request, owner)
        if request.method == "GET":
            return self._query(request, owner)
        return self._not_allowed(request, ["GET", "POST"])

    async def individual(self, request: Request) -> Response:
        owner = self._owner(request)
        if owner is None:
            return sol013.to_response(sol013.unauthorized("a client certificate is required"))
        sub_id = request.path_params["subscriptionId"]
        found = next(((i, b) for i, o, b in self.store.subscriptions(owner) if i == sub_id), None)
        if request.method not in ("GET", "DELETE"):
            return self._not_allowed(request, ["GET", "DELETE"])
        if found is None:
            return sol013.to_response(sol013.not_found(f"no subscription {sub_id}"))
        if request.method == "GET":
            representation = self.representation(request, *found)
            if self.config.has("cns-read-no-links"):
                representation.pop("_links")
            return JSONResponse(representation)
        if not self.config.has("cns-delete-keeps-resource"):
            self.store.delete_subscription(sub_id)
            self.notifier.forget_subscription(sub_id, found[1], owner)
        return Response(status_code=204)

    def representation(self, request: Request, sub_id: str, body: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": sub_id, "callbackUri": body["callbackUri"],
                               "verbosity": body.get("verbosity", "FULL")}
        if body.get("filter") is not None:
            out["filter"] = body["filter"]
        base = str(request.base_url).rstrip("/")
        out["_links"] = {"self": {"href": f"{base}{CERTNOTIFY}/subscriptions/{sub_id}"}}
        return out

    # Subscribe --------------------------------------------------------------------------------
    async def _subscribe(self, request: Request, owner: str) -> Response:
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):  # RecursionError: nested too deep for the parser
            return sol013.to_response(sol013.bad_request("request body is not JSON"))
        try:
            problem = validate_subscription(body, faults=self.config.faults)
        except (ValueError, TypeError):  # only under the faults named in validate_subscription
            return Response("Internal Server Error", status_code=500, media_type="text/plain")
        if problem and not self.config.has("cns-accept-malformed"):
            return sol013.to_response(sol013.bad_request(problem))
        if problem:  # the fault stores what it can
            body = {"callbackUri": str(body.get("callbackUri", "")) if isinstance(body, dict) else "",
                    "authentication": {"authType": ["TLS_CERT"]}}
        policy = "201" if self.config.has("cns-duplicate-201") else self.config.duplicate_subscription
        if policy == "303":
            for sub_id, _, existing in self.store.subscriptions(owner):
                if existing["callbackUri"] == body["callbackUri"] and existing.get("filter") == body.get("filter"):
                    href = self.representation(request, sub_id, existing)["_links"]["self"]["href"]
                    return Response(status_code=303, headers={"Location": href})
        if not self.config.has("cns-no-endpoint-test") and body["callbackUri"]:
            failure = await self._test_endpoint(body["callbackUri"], body.get("authentication"))
            if failure and not self.config.has("cns-ignore-endpoint-test"):
                return sol013.to_response(sol013.unprocessable(
                    f"the notification endpoint test failed: {failure}"))
        sub_id = str(uuid.uuid4())
        self.store.add_subscription(sub_id, owner, body)
        representation = self.representation(request, sub_id, body)
        headers = {} if self.config.has("cns-no-location") else {"Location": representation["_links"]["self"]["href"]}
        return JSONResponse(representation, status_code=201, headers=headers)

    async def _test_endpoint(self, uri: str, authentication: Any = None) -> str | None:
        """SOL023 7.5.5.3.2: GET on the notification endpoint (authorized as the notifications will be), 204
        expected. None = passed."""
        try:
            headers = await asyncio.to_thread(self.notifier.tokens.headers, authentication)
            async with httpx.AsyncClient(verify=self.notifier.client_tls, timeout=5.0) as client:
                response = await client.get(uri, headers=headers)
        except (httpx.HTTPError, ssl.SSLError, OSError, ValueError, OverflowError) as exc:  # unreachable or unusable
            return f"{type(exc).__name__}: {exc}"
        return None if response.status_code == 204 else f"GET {uri} answered {response.status_code}"

    # Query Subscription Info ---------------------------------------------------------------------
    def _query(self, request: Request, owner: str) -> Response:
        every = self.store.subscriptions(None if self.config.has("cns-list-all-owners") else owner)
        rows = [self.representation(request, i, b) for i, _, b in every]
        expr = request.query_params.get("filter")
        if expr is not None:
            try:
                flt = sol013.parse_filter(expr, known_attributes=KNOWN)
            except sol013.FilterError as exc:
                if not self.config.has("cns-accept-bad-filter"):
                    return sol013.to_response(sol013.bad_request(f"invalid filter: {exc}"))
                flt = None
            if flt is not None and not self.config.has("cns-list-ignores-filter"):
                rows = [r for r in rows if flt.matches(r)]
        return JSONResponse(rows)
