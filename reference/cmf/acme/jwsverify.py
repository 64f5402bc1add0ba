"""Server-side checks of an ACME request's JWS (RFC 8555 6.2-6.5; SOL023 tables 5.5.2a.x-1), with josepy.

Order of the checks: content type, JWS syntax (a nonce that is not base64url is malformed, SOL023 5.5.2a.2),
algorithm (never "none" or a MAC, SOL023 5.5.2a.2), exactly one of jwk/kid (SOL023 5.5.2a.3 NOTE), nonce
unused (badNonce), url equals the request URL (unauthorized), the account behind kid, the signature.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import josepy as jose
from acme import jws as acme_jws

from reference.cmf.acme.problems import AcmeProblem
from reference.cmf.acme.state import Account, AcmeState

MAC_ALGS = frozenset({"HS256", "HS384", "HS512"})
B64URL = re.compile(r"[A-Za-z0-9_-]+")
B64URL_OR_EMPTY = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Signed:
    payload: dict[str, Any] | None  # None: POST-as-GET (empty payload)
    jwk: jose.JWK
    account: Account | None  # the account named by kid (None when the request carried a jwk)
    url: str


def verify_request(
    state: AcmeState, body: bytes, content_type: str, url: str, *, account_url: Callable[[str], str],
    key_style: str = "kid", has: Callable[[str], bool] = lambda fault: False,
) -> Signed:
    """``key_style``: "jwk" (newAccount), "kid" (everything else) or "either" (revokeCert)."""
    if content_type.split(";")[0].strip().lower() != "application/jose+json":
        raise AcmeProblem("malformed", f"Content-Type must be application/jose+json, not {content_type!r}", 415)
    if has("acme-non-json-500"):  # the fault: a body that is not JSON breaks the parser (HTTP 500, no problem)
        json.loads(body)
    _precheck(body)
    try:
        parsed = acme_jws.JWS.json_loads(body)
    except (jose.DeserializationError, ValueError, TypeError, KeyError, AttributeError) as exc:
        if "nonce" in str(exc).lower() and has("acme-nonce-encoding-badnonce"):
            raise AcmeProblem("badNonce", f"nonce rejected: {exc}") from exc
        raise AcmeProblem("malformed", f"not a valid flattened JWS: {exc}") from exc
    if len(parsed.signatures) != 1:
        raise AcmeProblem("malformed", "exactly one signature is required")
    sig = parsed.signature
    header = sig.combined  # protected (and unprotected, which ACME requests never have) header fields
    if not sig.protected or sig.header.to_partial_json():
        raise AcmeProblem("malformed", "header fields must be in the protected header only")
    alg = header.alg.name if header.alg is not None else "none"
    if alg in MAC_ALGS and not has("acme-accept-mac-alg"):
        raise AcmeProblem("badSignatureAlgorithm", f"alg {alg} is a MAC algorithm")
    if header.jwk is not None and header.kid is not None and not has("acme-accept-jwk-and-kid"):
        raise AcmeProblem("malformed", "jwk and kid are mutually exclusive")
    if header.jwk is None and header.kid is None:
        raise AcmeProblem("malformed", "neither jwk nor kid in the protected header")
    if key_style == "jwk" and header.jwk is None:
        raise AcmeProblem("malformed", "newAccount must be signed with a jwk, not a kid")
    by_jwk = key_style == "kid" and header.kid is None and has("acme-account-by-jwk")  # the fault: found by key
    if key_style == "kid" and header.kid is None and not by_jwk:
        raise AcmeProblem("malformed", "this request must identify its account by kid")
    raw_nonce = json.loads(sig.protected).get("nonce")  # josepy keeps the protected header as decoded JSON
    if header.nonce is None or not isinstance(raw_nonce, str):
        raise AcmeProblem("badNonce", "no nonce in the protected header")
    if not B64URL.fullmatch(raw_nonce):  # josepy's decoder is lenient: check the encoding itself (RFC 8555 6.5.1)
        if has("acme-nonce-encoding-badnonce"):
            raise AcmeProblem("badNonce", "nonce unknown")
        raise AcmeProblem("malformed", "nonce is not base64url")
    nonce = jose.b64encode(header.nonce).decode()
    if not state.use_nonce(nonce) and not has("acme-accept-replayed-nonce"):
        raise AcmeProblem("badNonce", "nonce unknown or already used")
    if header.url != url and not has("acme-ignore-url"):
        raise AcmeProblem("unauthorized", f"url header {header.url!r} is not the request URL {url!r}")
    account = None
    if header.kid is not None:
        account = state.accounts.get(header.kid.rpartition("/")[2])  # kid = the account URL, ending in its id
        if account is None or account_url(account.id) != header.kid:
            raise AcmeProblem("accountDoesNotExist", f"no account {header.kid}")
        if account.status != "valid":
            raise AcmeProblem("unauthorized", f"account is {account.status}")
        key = account.jwk
    else:
        key = header.jwk
        if by_jwk:
            account = state.account_by_key(header.jwk)
    if alg not in MAC_ALGS and not parsed.verify(key):
        raise AcmeProblem("malformed", "JWS signature does not verify")
    if not parsed.payload:
        return Signed(None, key, account, url)
    try:
        payload = json.loads(parsed.payload)
    except ValueError as exc:
        raise AcmeProblem("malformed", f"payload is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise AcmeProblem("malformed", "payload is not a JSON object")
    return Signed(payload, key, account, url)


def _precheck(body: bytes) -> None:
    """What josepy would choke on (or decode leniently): the flattened JSON syntax, strict base64url (RFC 7515 2,
    no padding), a protected header that is a JSON object with a known algorithm and string kid/url/nonce."""
    try:
        jobj = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise AcmeProblem("malformed", f"not a valid flattened JWS: {exc}") from exc
    if not isinstance(jobj, dict):
        raise AcmeProblem("malformed", "not a valid flattened JWS: not a JSON object")
    for name in ("protected", "payload", "signature"):
        value = jobj.get(name)
        if value is not None and (not isinstance(value, str) or not B64URL_OR_EMPTY.fullmatch(value)):
            raise AcmeProblem("malformed", f"{name} is not base64url")
    if not isinstance(jobj.get("protected"), str):
        return  # general serialization or no protected header: josepy and verify_request refuse it
    try:
        header = json.loads(jose.b64decode(jobj["protected"]))
    except (ValueError, RecursionError) as exc:
        raise AcmeProblem("malformed", f"protected header is not JSON: {exc}") from exc
    if not isinstance(header, dict):
        raise AcmeProblem("malformed", "protected header is not a JSON object")
    alg = header.get("alg")
    if "alg" in header and (not isinstance(alg, str) or alg not in jose.JWASignature.SIGNATURES):
        raise AcmeProblem("badSignatureAlgorithm", f"alg {alg!r} is not supported")
    if "nonce" in header and not isinstance(header["nonce"], str):
        raise AcmeProblem("badNonce", "nonce is not a string")
    for name in ("kid", "url"):
        if name in header and not isinstance(header[name], str):
            raise AcmeProblem("malformed", f"{name} is not a string")
