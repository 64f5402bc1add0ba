"""The harness's ACME client (OSS, NFVO, VNFM, VIM): requests signed with certbot's acme.jws / josepy, sent
with httpx and recorded in the trace. Probes (a MAC algorithm, a nonce that is not base64url, a replayed nonce,
a wrong url header, jwk and kid together) are built with the same libraries, never by hand.

A request whose keep-alive connection the server closed without sending any answer (httpx.RemoteProtocolError
before a status line, e.g. after an earlier request broke the server) is sent once more on a new connection, a
POST re-signed with a fresh nonce; both attempts and the reason are in the trace. Nothing else is retried."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from typing import Any, Callable

import httpx
import josepy as jose
from acme import jws as acme_jws
from acme import messages

from harness.bounds import bounded
from harness.endpoints import guarded
from harness.trace import Trace, trace_hooks

JOSE_JSON = "application/jose+json"
CM_MANO = "Cm-Mano / Cm-Oss (ACME over HTTPS)"


class RawNonceHeader(jose.Header):
    """An ACME header whose nonce is sent as given (to probe the server's base64url check)."""

    nonce: str | None = jose.field("nonce", omitempty=True)
    kid: str | None = jose.field("kid", omitempty=True)
    url: str | None = jose.field("url", omitempty=True)


class RawNonceSignature(jose.Signature):
    __slots__ = jose.Signature._orig_slots  # type: ignore[attr-defined]
    header_cls = RawNonceHeader
    header: RawNonceHeader = jose.field("header", omitempty=True, default=header_cls(),
                                        decoder=header_cls.from_json)


class RawNonceJWS(jose.JWS):
    signature_cls = RawNonceSignature
    __slots__ = jose.JWS._orig_slots  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Probe:
    """How to bend one request: the probes of the JWS checks."""

    alg_mac: bool = False  # sign with HS256 (a MAC) instead of the account key
    raw_nonce: str | None = None  # send this nonce string verbatim
    replay_nonce: bool = False  # reuse the previous request's nonce
    url: str | None = None  # url header other than the request URL
    jwk_and_kid: bool = False  # both jwk and kid in the protected header
    neither: bool = False  # neither jwk nor kid in the protected header


def alg_for(key: jose.JWK) -> jose.JWASignature:
    if isinstance(key, jose.JWKEC):
        return jose.ES256
    return jose.RS256


class AcmeClient:
    def __init__(self, name: str, directory_url: str, server_ca: str, trace: Trace, *, timeout: float = 10.0,
                 receiver: str = "CMF") -> None:
        self.name, self.directory_url, self.trace, self.receiver = name, directory_url, trace, receiver
        context = ssl.create_default_context(cafile=server_ca)
        hooks = guarded(trace, trace_hooks(trace, name, receiver, CM_MANO))
        hooks["response"] = [self._answered, *hooks.get("response", [])]  # first: a status line arrived
        self.http = httpx.Client(verify=context, timeout=timeout, transport=bounded(trace, context), event_hooks=hooks)
        self._answer_seen = False
        self.retries = 0  # requests sent a second time (no answer to the first)
        self._directory: dict[str, Any] | None = None
        self._nonce: str | None = None
        self.last_nonce: str | None = None  # the nonce of the last accepted request
        self.responses: list[httpx.Response] = []  # every answer to a signed POST, for the message-rule checks

    def close(self) -> None:
        self.http.close()

    def _answered(self, response: httpx.Response) -> None:
        self._answer_seen = True

    def _once_more(self, what: str, send: Callable[[], httpx.Response], *, repeatable: bool = True) -> httpx.Response:
        """``send()``; when the server closed the connection without any answer, ``send()`` once more: one retry
        per request, never for an error a nested request (the nonce) already retried, and a request that got a
        status line only when ``repeatable``."""
        try:
            return send()
        except httpx.RemoteProtocolError as exc:
            if getattr(exc, "nfvct_final", False) or (self._answer_seen and not repeatable):
                exc.nfvct_final = True  # type: ignore[attr-defined]  # an enclosing request must not repeat it
                raise
            self.retries += 1
            self.trace.record(self.name, self.receiver, "note", f"no answer to {what}: {type(exc).__name__}; sent "
                              "once more on a new connection" + (", with a fresh nonce" if what.startswith("POST")
                                                                 else ""), channel=CM_MANO, body_text=str(exc))
        try:
            return send()
        except httpx.RemoteProtocolError as again:
            again.nfvct_final = True  # type: ignore[attr-defined]
            raise

    def directory(self) -> dict[str, Any]:
        if self._directory is None:
            response = self._once_more(f"GET {self.directory_url}", lambda: self.http.get(self.directory_url))
            response.raise_for_status()
            self._directory = response.json()
        return self._directory

    def _take_nonce(self) -> str:
        if self._nonce is None:
            url = self.directory()["newNonce"]
            response = self._once_more(f"HEAD {url}", lambda: self.http.head(url))
            self._nonce = response.headers.get("replay-nonce")
            if not self._nonce:
                raise RuntimeError(f"newNonce answered {response.status_code} without Replay-Nonce")
        nonce, self._nonce = self._nonce, None
        return nonce

    def post(self, url: str, payload: dict[str, Any] | None, key: jose.JWK, *, kid: str | None = None,
             probe: Probe = Probe()) -> httpx.Response:
        """A JWS-signed POST (payload None: POST-as-GET); the Replay-Nonce of the answer is kept for the next.
        Unanswered (the connection closed before a status line): signed again with a fresh nonce and sent once
        more; a POST-as-GET also when its answer broke off (it changes nothing on the server)."""
        used: list[str] = []

        def send() -> httpx.Response:
            nonce = self.last_nonce if probe.replay_nonce and self.last_nonce else self._take_nonce()
            used.append(nonce)
            jws = self._sign(url, payload, key, kid, probe, nonce)
            self._answer_seen = False  # set by the first response hook once a status line arrives
            return self.http.post(url, content=jws.json_dumps().encode(), headers={"Content-Type": JOSE_JSON})

        response = self._once_more(f"POST {url}", send, repeatable=payload is None)
        self._nonce = response.headers.get("replay-nonce") or None
        self.responses.append(response)
        if response.status_code < 400:
            self.last_nonce = used[-1]  # accepted, so certainly consumed: the one to replay
        return response

    @staticmethod
    def _sign(url: str, payload: dict[str, Any] | None, key: jose.JWK, kid: str | None, probe: Probe,
              nonce: str) -> jose.JWS:
        body = b"" if payload is None else json.dumps(payload).encode()
        target = probe.url or url
        if probe.raw_nonce is not None:
            jws = RawNonceJWS.sign(body, key=key, alg=alg_for(key), protect=frozenset(["nonce", "url", "kid", "alg"]),
                                   nonce=probe.raw_nonce, url=target, kid=kid, include_jwk=False)
        elif probe.alg_mac:
            mac = jose.JWKOct(key=jose.b64decode(jose.b64encode(b"probe-mac-key-not-an-account-key!")))
            jws = acme_jws.JWS.sign(body, key=mac, alg=jose.HS256, nonce=jose.b64decode(nonce), url=target, kid=kid)
        elif probe.neither:
            jws = super(acme_jws.JWS, acme_jws.JWS).sign(  # josepy's own sign: no key identification at all
                body, key=key, alg=alg_for(key), include_jwk=False, protect=frozenset(["nonce", "url", "alg"]),
                nonce=jose.b64decode(nonce), url=target)
        elif probe.jwk_and_kid:
            jws = super(acme_jws.JWS, acme_jws.JWS).sign(  # josepy's own sign: jwk and kid both protected
                body, key=key, alg=alg_for(key), include_jwk=True,
                protect=frozenset(["nonce", "url", "kid", "jwk", "alg"]), nonce=jose.b64decode(nonce), url=target,
                kid=kid)
        else:
            jws = acme_jws.JWS.sign(body, key=key, alg=alg_for(key), nonce=jose.b64decode(nonce), url=target, kid=kid)
        return jws

    def eab(self, account_key: jose.JWK, kid: str, mac_key_b64: str) -> dict[str, Any]:
        """RFC 8555 7.3.4 externalAccountBinding, made by certbot's acme.messages.ExternalAccountBinding."""
        directory = messages.Directory.from_json(self.directory())
        return messages.ExternalAccountBinding.from_data(account_key.public_key(), kid, mac_key_b64, directory)


def body_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def problem_type(response: httpx.Response) -> str:
    """'badNonce' for urn:ietf:params:acme:error:badNonce; '' when the body is no problem document."""
    kind = str(body_of(response).get("type", ""))
    return kind.rpartition(":")[2] if kind.startswith("urn:ietf:params:acme:error:") else ""
