"""The reference CMF's ACME server for NFV-MANO certificates (SOL023 5.2.1a-5.2.6, 5.5.2a, 5.5.3a, 5.8).

Registration (C.4.x.1, Cm-Oss) is newAccount by a trusted OSS: its EAB is made with an operator-provisioned
OSS key, its contact names the entity (harness binding: mailto:cert-admin@<FQDN>, SOL023 5.5.2a.2 maps contact
to subjectName), and the 201 response carries the initial credential (an EAB key id + MAC key) the OSS hands to
the entity. The entity then creates its own account with that EAB and orders its certificate (C.4.x.2, Cm-Mano).
Deactivating a registration account deregisters the FQDN: its entity accounts are deactivated too.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any

import josepy as jose
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reference.cmf.acme import validation
from reference.cmf.acme.config import AcmeConfig
from wire.acme import MANO_CERT_TYPE, key_authorization
from reference.cmf.acme.jwsverify import Signed, verify_request
from reference.cmf.acme.problems import PROBLEM_JSON, AcmeProblem, problem_response
from reference.cmf.acme.state import Account, AcmeState, Authz, CertRecord, Challenge, Credential, Order, new_id
from reference.cmf.ca_client import CaClient, CaError

PEM_CHAIN = "application/pem-certificate-chain"


def _expires(hours: int = 1) -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fqdn_ok(fqdn: str, domain: str) -> bool:
    labels = fqdn.split(".")
    return (fqdn.endswith("." + domain) and len(fqdn) <= 253
            and all(0 < len(label) <= 63 and label.replace("-", "").isalnum() and not label.startswith("-")
                    for label in labels))


class AcmeServer:
    def __init__(self, config: AcmeConfig, ca: CaClient, faults: frozenset[str]) -> None:
        self.config, self.ca, self.faults = config, ca, faults
        self.state = AcmeState()
        self.base_url = ""  # https://127.0.0.1:port, set once served

    def has(self, fault: str) -> bool:
        return fault in self.faults

    def url(self, path: str) -> str:
        return f"{self.base_url}/acme/{path}"

    def account_url(self, account_id: str) -> str:
        return self.url(f"acct/{account_id}")

    # ---------------------------------------------------------------- plumbing

    def app(self) -> Starlette:
        return Starlette(routes=self.routes(), exception_handlers={HTTPException: self._http_exception})

    async def _http_exception(self, request: Request, exc: Exception) -> Response:
        """The router's own 404/405: problem documents too (RFC 8555 6.7)."""
        status = exc.status_code if isinstance(exc, HTTPException) else 400
        return self._problem(AcmeProblem("malformed", f"{request.method} {request.url.path}: "
                                                      f"{getattr(exc, 'detail', '')}", status))

    def routes(self) -> list[Route]:
        post = [("new-account", self._new_account, "jwk"), ("acct/{id}", self._account, "kid"),
                ("acct/{id}/orders", self._orders, "kid"), ("new-order", self._new_order, "kid"),
                ("order/{id}", self._order, "kid"), ("order/{id}/finalize", self._finalize, "kid"),
                ("authz/{id}", self._authz, "kid"), ("chall/{id}", self._challenge, "kid"),
                ("cert/{id}", self._cert, "kid"), ("revoke-cert", self._revoke, "either")]
        routes = [Route("/acme/directory", self._directory, methods=["GET"]),
                  Route("/acme/new-nonce", self._new_nonce, methods=["GET", "HEAD"])]
        for path, handler, style in post:
            routes.append(Route(f"/acme/{path}", self._wrap(handler, style), methods=["POST"]))
            routes.append(Route(f"/acme/{path}", self._get_refused, methods=["GET", "PUT", "DELETE", "PATCH"]))
        return routes

    def _wrap(self, handler: Any, style: str) -> Any:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            try:
                signed = verify_request(self.state, body, request.headers.get("content-type", ""), str(request.url),
                                        account_url=self.account_url, key_style=style, has=self.has)
                response = await handler(request, signed)
            except AcmeProblem as problem:
                return self._problem(problem)
            if not self.has("acme-no-replay-nonce"):
                response.headers["Replay-Nonce"] = self.state.new_nonce()
            response.headers["Cache-Control"] = "no-store"
            response.headers.append("Link", f"<{self.url('directory')}>;rel=\"index\"")
            return response
        return endpoint

    def _problem(self, problem: AcmeProblem) -> Response:
        content_type = "application/json" if self.has("acme-no-problem-json") else PROBLEM_JSON
        return problem_response(problem, self.state.new_nonce(), content_type=content_type)

    async def _get_refused(self, request: Request) -> Response:
        """RFC 8555 6.3: resources other than directory and newNonce are read by POST-as-GET, never GET."""
        return self._problem(AcmeProblem("malformed", f"{request.method} not allowed: use POST-as-GET", 405))

    async def _directory(self, request: Request) -> Response:
        return JSONResponse({
            "newNonce": self.url("new-nonce"), "newAccount": self.url("new-account"),
            "newOrder": self.url("new-order"), "revokeCert": self.url("revoke-cert"),
            "meta": {"externalAccountRequired": True},
        })

    async def _new_nonce(self, request: Request) -> Response:
        status = 200 if request.method == "HEAD" else 204
        return Response(status_code=status, headers={"Replay-Nonce": self.state.new_nonce(),
                                                     "Cache-Control": "no-store"})

    # ---------------------------------------------------------------- accounts (registration, deregistration)

    def _account_json(self, account: Account) -> dict[str, Any]:
        body: dict[str, Any] = {"status": account.status, "contact": account.contact}
        if not self.has("acme-account-no-orders"):
            body["orders"] = self.url(f"acct/{account.id}/orders")
        return body

    def _eab(self, payload: dict[str, Any], jwk: jose.JWK) -> tuple[str, bytes | None]:
        """The EAB's key id and, if it verifies, the key it was made with (RFC 8555 7.3.4)."""
        eab = payload.get("externalAccountBinding")
        if not isinstance(eab, dict):
            raise AcmeProblem("externalAccountRequired", "an externalAccountBinding is required")
        try:
            inner = jose.JWS.from_json(eab)
            header = inner.signature.combined
        except (jose.DeserializationError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise AcmeProblem("malformed", f"externalAccountBinding is not a JWS: {exc}") from exc
        kid = str(header.kid) if getattr(header, "kid", None) else ""
        try:
            bound = jose.JWK.from_json(json.loads(inner.payload))
        except (jose.DeserializationError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise AcmeProblem("malformed", f"externalAccountBinding payload is not a JWK: {exc}") from exc
        if bound.thumbprint() != jwk.thumbprint():
            raise AcmeProblem("unauthorized", "externalAccountBinding binds another key")
        key = self.config.oss_eab.get(kid)
        if key is None and kid in self.state.credentials:
            key = self.state.credentials[kid].key
        if key is None:
            return kid, None
        ok = inner.verify(jose.JWKOct(key=key)) or self.has("acme-skip-eab-check")
        return kid, key if ok else None

    async def _new_account(self, request: Request, signed: Signed) -> Response:
        payload = signed.payload or {}
        existing = self.state.account_by_key(signed.jwk)
        if existing is not None:
            return JSONResponse(self._account_json(existing), headers={"Location": self.account_url(existing.id)})
        if payload.get("onlyReturnExisting"):
            raise AcmeProblem("accountDoesNotExist", "no account for this key")
        try:
            kid, key = self._eab(payload, signed.jwk)
        except AcmeProblem:
            if not self.has("acme-register-untrusted"):
                raise
            return self._register(payload, signed)  # the fault: a consumer without any EAB may register
        if kid in self.config.oss_eab and key is not None:  # the trusted OSS, its MAC verified
            return self._register(payload, signed)
        if key is None and not self.has("acme-skip-eab-check"):
            raise AcmeProblem("unauthorized", f"externalAccountBinding {kid!r} unknown or its MAC does not verify")
        credential = self.state.credentials.get(kid)
        if credential is None or credential.uses_left <= 0:
            raise AcmeProblem("unauthorized", f"initial credential {kid!r} unknown or spent")
        registration = self.state.accounts[credential.registration]
        if self.has("acme-refuse-initial-credential"):  # the fault: a genuine, unspent initial credential refused
            raise AcmeProblem("unauthorized", "the registration of this credential was deregistered")
        if registration.status != "valid" and not self.has("acme-deactivate-no-effect"):
            raise AcmeProblem("unauthorized", "the registration of this credential was deregistered")
        credential.uses_left -= 1
        account = Account(new_id(), signed.jwk, list(payload.get("contact") or []), "entity", registration.fqdn,
                          registration=registration.id)
        self.state.accounts[account.id] = account
        return JSONResponse(self._account_json(account), status_code=201,
                            headers={"Location": self.account_url(account.id)})

    def _register(self, payload: dict[str, Any], signed: Signed) -> Response:
        """Registration by the trusted OSS (C.4.x.1 step 1): validate the FQDN, register it, issue the credential."""
        contact = payload.get("contact")
        if not isinstance(contact, list) or len(contact) != 1 or not str(contact[0]).startswith("mailto:"):
            raise AcmeProblem("invalidContact", "registration needs exactly one mailto: contact naming the FQDN")
        fqdn = str(contact[0]).rpartition("@")[2].lower()
        if not _fqdn_ok(fqdn, self.config.mano_domain) and not self.has("acme-register-bad-fqdn"):
            raise AcmeProblem("invalidContact", f"{fqdn!r} is not a valid FQDN under {self.config.mano_domain}")
        attestation = payload.get("keyAttestation")
        if attestation is not None and not (isinstance(attestation, dict) and "attesterJwk" in attestation):
            raise AcmeProblem("malformed", "keyAttestation needs attesterJwk (and statementOid)")
        account = Account(new_id(), signed.jwk, list(contact), "registration", fqdn, attestation=attestation)
        credential = Credential(new_id(), secrets.token_bytes(32), account.id, self.config.credential_uses)
        self.state.accounts[account.id] = account
        self.state.credentials[credential.kid] = credential
        body = self._account_json(account)
        body["initialCredential"] = {"keyId": credential.kid, "macKey": jose.b64encode(credential.key).decode(),
                                     "fqdn": fqdn}
        headers = {} if self.has("acme-registration-no-location") else {"Location": self.account_url(account.id)}
        return JSONResponse(body, status_code=201, headers=headers)

    def _own(self, signed: Signed, owner: str) -> Account:
        assert signed.account is not None
        if signed.account.id != owner:
            raise AcmeProblem("unauthorized", "this resource belongs to another account", 403)
        return signed.account

    async def _account(self, request: Request, signed: Signed) -> Response:
        account = self._own(signed, request.path_params["id"])
        payload = signed.payload
        if payload is not None and payload.get("status") == "deactivated":
            if not self.has("acme-deactivate-no-effect"):
                account.status = "deactivated"
                if account.kind == "registration":  # deregistration of the FQDN (SOL023 5.2.4)
                    for other in self.state.accounts.values():
                        if other.registration == account.id:
                            other.status = "deactivated"
                    for credential in self.state.credentials.values():
                        if credential.registration == account.id:
                            credential.uses_left = 0
            body = self._account_json(account)
            body["status"] = "deactivated"
            return JSONResponse(body)
        if payload:
            raise AcmeProblem("malformed", "only status=deactivated can be updated")
        return JSONResponse(self._account_json(account))

    async def _orders(self, request: Request, signed: Signed) -> Response:
        account = self._own(signed, request.path_params["id"])
        return JSONResponse({"orders": [self.url(f"order/{o}") for o in account.orders]})

    # ---------------------------------------------------------------- orders, authorizations, challenges

    def _order_json(self, order: Order, *, query: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"status": order.status, "expires": order.expires, "identifiers": order.identifiers,
                                "authorizations": [self.url(f"authz/{a}") for a in order.authzs],
                                "finalize": self.url(f"order/{order.id}/finalize")}
        if order.cert and not (query and self.has("acme-order-no-certificate-url")):
            body["certificate"] = self.url(f"cert/{order.cert}")
        if order.error:
            body["error"] = order.error
        return body

    async def _new_order(self, request: Request, signed: Signed) -> Response:
        account, payload = signed.account, signed.payload or {}
        assert account is not None
        if self.has("acme-neworder-crash"):  # the fault: not a problem document, starlette's 500 and a closed socket
            raise RuntimeError("newOrder crashed")
        if self.has("acme-neworder-500"):  # the fault: every newOrder fails on the server side
            raise AcmeProblem("serverInternal", "newOrder failed", 500)
        identifiers = payload.get("identifiers")
        if not isinstance(identifiers, list) or not identifiers:
            raise AcmeProblem("malformed", "identifiers must be a non-empty array")
        for ident in identifiers:
            if not isinstance(ident, dict) or ident.get("type") != "dns":
                raise AcmeProblem("unsupportedIdentifier", f"only dns identifiers: {ident!r}")
            if str(ident.get("value", "")).lower() != account.fqdn and not self.has("acme-order-any-fqdn"):
                raise AcmeProblem("rejectedIdentifier",
                                  f"{ident.get('value')!r} is not the FQDN registered for this account")
        order = Order(new_id(), account.id, [{"type": "dns", "value": str(i["value"]).lower()} for i in identifiers],
                      _expires(), [])
        types = [t for t in self.config.challenge_types if not (t == "tkauth-01" and self.has("acme-offer-alpn-only"))]
        for ident in order.identifiers:
            authz = Authz(new_id(), order.id, ident["value"], _expires(), [])
            for kind in types:
                challenge = Challenge(new_id(), authz.id, kind, jose.b64encode(secrets.token_bytes(16)).decode())
                self.state.challenges[challenge.id] = challenge
                authz.challenges.append(challenge.id)
            if self.has("acme-authz-prevalid"):
                authz.status = "valid"
            self.state.authzs[authz.id] = authz
            order.authzs.append(authz.id)
        if self.has("acme-authz-prevalid"):
            order.status = "ready"
        self.state.orders[order.id] = order
        account.orders.append(order.id)
        return JSONResponse(self._order_json(order), status_code=201,
                            headers={"Location": self.url(f"order/{order.id}")})

    async def _order(self, request: Request, signed: Signed) -> Response:
        order = self._lookup(self.state.orders, request.path_params["id"])
        self._own(signed, order.account)
        return JSONResponse(self._order_json(order, query=signed.payload is None))

    def _challenge_json(self, challenge: Challenge) -> dict[str, Any]:
        body: dict[str, Any] = {"type": challenge.type, "url": self.url(f"chall/{challenge.id}"),
                                "status": challenge.status, "token": challenge.token}
        if challenge.type == "tkauth-01":
            body["tkauth-type"] = "atc"
            body["token-authority"] = self.config.token_authority_url
        if challenge.validated:
            body["validated"] = challenge.validated
        if challenge.error:
            body["error"] = challenge.error
        return body

    def _authz_json(self, authz: Authz) -> dict[str, Any]:
        return {"status": authz.status, "expires": authz.expires,
                "identifier": {"type": "dns", "value": authz.fqdn},
                "challenges": [self._challenge_json(self.state.challenges[c]) for c in authz.challenges]}

    async def _authz(self, request: Request, signed: Signed) -> Response:
        authz = self._lookup(self.state.authzs, request.path_params["id"])
        self._own(signed, self.state.orders[authz.order].account)
        return JSONResponse(self._authz_json(authz))

    @staticmethod
    def _lookup(table: dict[str, Any], key: str) -> Any:
        if key not in table:
            raise AcmeProblem("malformed", "no such resource", 404)
        return table[key]

    async def _challenge(self, request: Request, signed: Signed) -> Response:
        challenge = self._lookup(self.state.challenges, request.path_params["id"])
        authz = self.state.authzs[challenge.authz]
        order = self.state.orders[authz.order]
        self._own(signed, order.account)
        if signed.payload is not None and challenge.status == "pending" and authz.status == "pending":
            ok, detail = await self._validate(challenge, authz.fqdn, signed)
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            if ok:
                challenge.status, challenge.validated, authz.status = "valid", now, "valid"
            else:
                challenge.status, authz.status = "invalid", "invalid"
                if not self.has("acme-order-stays-pending"):  # the fault: the order never learns of it
                    order.status = "invalid"
                challenge.error = {"type": "urn:ietf:params:acme:error:incorrectResponse", "detail": detail}
            if all(self.state.authzs[a].status == "valid" for a in order.authzs):
                order.status = "ready"
        return JSONResponse(self._challenge_json(challenge),
                            headers={"Link": f'<{self.url("authz/" + authz.id)}>;rel="up"'})

    async def _validate(self, challenge: Challenge, fqdn: str, signed: Signed) -> tuple[bool, str]:
        if self.has("acme-skip-validation"):
            return True, "not validated"
        if challenge.type == "tls-alpn-01":
            key_auth = key_authorization(challenge.token, signed.jwk)
            return await run_in_threadpool(
                validation.probe_tls_alpn, self.config.alpn_host, self.config.alpn_port, fqdn, key_auth,
                self.config.validation_timeout, not self.has("acme-alpn-ignore-digest"))
        token = (signed.payload or {}).get("tkauth")
        if not isinstance(token, str):
            return False, "tkauth-01 response without a tkauth token"
        return validation.verify_authority_token(token, self.config.token_authority_jwk, fqdn, signed.jwk,
                                                 check_issuer=not self.has("acme-tkauth-any-issuer"))

    # ---------------------------------------------------------------- finalize, certificate, revocation

    def _csr(self, payload: dict[str, Any], order: Order) -> x509.CertificateSigningRequest:
        raw = payload.get("csr")
        if not isinstance(raw, str):
            raise AcmeProblem("malformed", "finalize needs a csr")
        try:
            csr = x509.load_der_x509_csr(jose.b64decode(raw))
        except (ValueError, TypeError) as exc:
            raise AcmeProblem("badCSR", f"CSR not decodable: {exc}") from exc
        if self.has("acme-skip-csr-check"):
            return csr
        if not csr.is_signature_valid:
            raise AcmeProblem("badCSR", "CSR self-signature does not verify")
        try:
            names = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound as exc:
            raise AcmeProblem("badCSR", "CSR has no subjectAltName") from exc
        wanted = sorted(i["value"] for i in order.identifiers)
        if sorted(n.lower() for n in names.get_values_for_type(x509.DNSName)) != wanted or len(list(names)) != len(wanted):
            raise AcmeProblem("badCSR", f"CSR names {names.get_values_for_type(x509.DNSName)} are not {wanted}")
        return csr

    async def _finalize(self, request: Request, signed: Signed) -> Response:
        order = self._lookup(self.state.orders, request.path_params["id"])
        account = self._own(signed, order.account)
        if order.status != "ready":
            if self.has("acme-finalize-not-ready-404"):  # the fault: the right problem type, the wrong status
                raise AcmeProblem("orderNotReady", f"order is {order.status}", int(HTTPStatus.NOT_FOUND))
            raise AcmeProblem("orderNotReady", f"order is {order.status}", 403)
        csr = self._csr(signed.payload or {}, order)
        registration = self.state.accounts.get(account.registration)
        if registration is not None and registration.attestation and not self.has("acme-skip-attestation"):
            ok, detail = validation.verify_attestation(csr, registration.attestation)
            if not ok:
                raise AcmeProblem("badCSR", f"key attestation: {detail}")
        if self.has("acme-cert-wrong-key"):
            csr = _rekeyed(csr)
        san = [i["value"] for i in order.identifiers]
        if self.has("acme-san-extra"):
            san.append(f"extra.{self.config.mano_domain}")
        try:
            issued = await self.ca.issue(csr.public_bytes(serialization.Encoding.PEM).decode(), MANO_CERT_TYPE,
                                         order.identifiers[0]["value"], self.config.validity_days, san=san)
        except CaError as exc:
            raise AcmeProblem("serverInternal", str(exc), 500) from exc
        chain = () if self.has("acme-no-chain") else issued.chain
        pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (issued.cert, *chain))
        record = CertRecord(new_id(), account.id, pem, issued.cert.serial_number,
                            issued.cert.public_bytes(serialization.Encoding.DER))
        self.state.certs[record.id] = record
        order.cert, order.status = record.id, "valid"
        return JSONResponse(self._order_json(order), headers={"Location": self.url(f"order/{order.id}")})

    async def _cert(self, request: Request, signed: Signed) -> Response:
        record = self._lookup(self.state.certs, request.path_params["id"])
        self._own(signed, record.account)
        if self.has("acme-cert-download-broken"):
            return Response(b"certificate temporarily unavailable", media_type=PEM_CHAIN)
        return Response(record.chain_pem, media_type=PEM_CHAIN)

    async def _revoke(self, request: Request, signed: Signed) -> Response:
        payload = signed.payload or {}
        try:
            der = jose.b64decode(str(payload.get("certificate", "")))
        except (ValueError, TypeError) as exc:
            raise AcmeProblem("malformed", f"certificate not base64url: {exc}") from exc
        record = next((r for r in self.state.certs.values() if r.der == der), None)
        if record is None:
            raise AcmeProblem("malformed", "certificate not issued here", 404)
        if signed.account is not None:
            if signed.account.id != record.account:
                if self.has("acme-revoke-other-account-402"):  # the fault: refused, but not as forbidden
                    raise AcmeProblem("unauthorized", "the certificate belongs to another account",
                                      int(HTTPStatus.PAYMENT_REQUIRED))
                raise AcmeProblem("unauthorized", "the certificate belongs to another account", 403)
        else:  # signed with the certificate's key (RFC 8555 7.6)
            cert_key = x509.load_der_x509_certificate(der).public_key()
            if jose.JWK.load(cert_key.public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)).thumbprint() \
                    != signed.jwk.thumbprint():
                raise AcmeProblem("unauthorized", "signed neither by the account nor by the certificate key", 403)
        if record.revoked:
            raise AcmeProblem("alreadyRevoked", "certificate already revoked")
        reason = payload.get("reason")
        if not self.has("acme-revoke-no-effect"):
            try:
                await self.ca.revoke(record.serial, reason if isinstance(reason, int) else None)
            except CaError as exc:
                raise AcmeProblem("serverInternal", str(exc), 500) from exc
            record.revoked = True
        return Response(status_code=200)


def _rekeyed(csr: x509.CertificateSigningRequest) -> x509.CertificateSigningRequest:
    """Fault acme-cert-wrong-key: the same request for a key the CMF made up."""
    builder = x509.CertificateSigningRequestBuilder().subject_name(csr.subject)
    for ext in csr.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    return builder.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())

