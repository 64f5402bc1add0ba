"""Hypothesis strategies for fuzzing the reference CMF's REST and ACME interfaces and the reference SM's listener
(issue 18 item 7), as wire/cmp/strategies.py does for CMP.

Every REST case is built so that a correct server must refuse it or merely read: a registration body is a valid
one for a VNFCI that is already registered (so that a mutation which happens to keep it valid still meets 409)
with at least one field broken; a subscription body points at 127.0.0.1 on a closed port (so its endpoint test
fails, 422) or is malformed. No generated URL names another host: callback URIs are 127.0.0.1 or not http(s).

An ACME case is a *plan* (:class:`JwsPlan`): which endpoint, which parts of the flattened JWS are broken and
what payload it carries; :func:`build_jws` turns it into bytes with a fresh nonce at send time. Every plan that
may reach a state-changing handler breaks the JWS itself or carries a payload the handler must refuse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import josepy as jose
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

JSON = Any
CERT_TYPES = ("VNFCI_certificate", "VNF_OAM_certificate")

# ------------------------------------------------------------------------------------------------ values


def _text(max_size: int = 24) -> SearchStrategy[str]:
    """Any text, lone surrogates and control characters included."""
    return st.text(st.characters(blacklist_categories=()), max_size=max_size)


def json_values(max_leaves: int = 6) -> SearchStrategy[JSON]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False,
                        allow_infinity=False), _text())
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text(8), inner,
                                                                                              max_size=3),
                        max_leaves=max_leaves)


def not_type(kind: type | tuple[type, ...]) -> SearchStrategy[JSON]:
    """A JSON value that is not of ``kind`` (bool counts as its own type)."""
    def ok(v: Any) -> bool:
        return not isinstance(v, kind) or (isinstance(v, bool) and bool not in (kind if isinstance(kind, tuple)
                                                                                 else (kind,)))
    return json_values().filter(ok)


def huge_text() -> SearchStrategy[str]:
    return st.integers(10_000, 200_000).map(lambda n: "x" * n)


def nested(depth: SearchStrategy[int] | None = None) -> SearchStrategy[str]:
    """Raw JSON text of deeply nested arrays or objects (parsers recurse)."""
    depth = depth or st.integers(50, 100_000)
    return st.tuples(depth, st.booleans()).map(lambda t: ("[" * t[0] + "]" * t[0]) if t[1]
                                               else ('{"a":' * t[0] + "1" + "}" * t[0]))


# ------------------------------------------------------------------------------------------------ REST bodies

@dataclass(frozen=True)
class RestCase:
    family: str
    method: str
    path: str
    query: str = ""  # raw query string (already encoded)
    body: bytes = b""
    content_type: str = "application/json"
    identity: str = "vnfm"  # "vnfm" (the fuzzing consumer) or "none" (no client certificate)


def _dump(body: JSON) -> bytes:
    return json.dumps(body).encode()  # ensure_ascii: lone surrogates become \\udxxx escapes


def registration_base(vnfci: str) -> dict[str, Any]:
    return {"certType": "VNFCI_certificate", "typeOfVnfcCertHandling": "delegation_mode",
            "subjectId": [{"subjectId": vnfci, "certificateData": [
                {"subjectName": {"commonName": "fuzz.vnf.nfvct.test"}, "subjectAlternateName": ["fuzz.vnf.nfvct.test"]}]}]}


_DELETE = object()


def _registration_breaks() -> dict[str, SearchStrategy[Any]]:
    """Field -> values that make a RegistrationRequest invalid (``_DELETE``: the field is left out)."""
    gone = st.just(_DELETE)
    return {
        "certType": gone | not_type(str) | _text().filter(lambda s: s not in CERT_TYPES) | huge_text()
                    | st.just("MANO_certificate"),
        "typeOfVnfcCertHandling": gone | not_type(str) | st.just("direct_mode") | _text().filter(
            lambda s: s != "delegation_mode"),
        "subjectId": gone | not_type(list) | st.just([]) | st.lists(not_type(dict), min_size=1, max_size=3),
        "subjectId/0/subjectId": gone | not_type(str) | st.just(""),
        "subjectId/0/certificateData": gone | not_type(list) | st.just([]) | st.lists(not_type(dict), min_size=1),
        "subjectId/0/certificateData/0/subjectAlternateName": gone | not_type(list) | st.just([])
            | st.lists(not_type(str), min_size=1, max_size=3) | st.just([""]) | st.just(["ok", 5]),
        "subjectId/0/certificateData/0/subjectName": not_type((dict, type(None))),
    }


def _set(body: Any, path: str, value: Any) -> None:
    *parents, last = path.split("/")
    node = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if value is _DELETE:
        del node[key]
    else:
        node[key] = value


@st.composite
def registration_bodies(draw: st.DrawFn, vnfci: str) -> JSON:
    """A RegistrationRequest with at least one field broken, maybe extra members, more entries, or not an object."""
    if draw(st.integers(0, 9)) == 0:
        return draw(not_type(dict))
    body = registration_base(vnfci)
    breaks = _registration_breaks()
    order = list(breaks)  # parents first: a broken parent replaces what its children would break
    chosen = sorted(set(draw(st.lists(st.sampled_from(order), min_size=1, max_size=3))), key=order.index)
    for field in chosen:
        try:
            _set(body, field, draw(breaks[field]))
        except (KeyError, IndexError, TypeError, ValueError):
            pass  # a parent already broken: still invalid
    if draw(st.booleans()):  # unknown members, which a server ignores: the body stays invalid
        target = draw(st.sampled_from(["", "subjectId/0", "subjectId/0/certificateData/0"]))
        extra = draw(st.dictionaries(_text(10), json_values(), min_size=1, max_size=3))
        try:
            node: Any = body
            for part in filter(None, target.split("/")):
                node = node[int(part)] if isinstance(node, list) else node[part]
            if isinstance(node, dict):
                node.update({k: v for k, v in extra.items() if k not in node})
        except (KeyError, IndexError, TypeError, ValueError):
            pass
    if draw(st.integers(0, 5)) == 0 and isinstance(body.get("subjectId"), list):  # many entries
        body["subjectId"] = body["subjectId"] * draw(st.integers(2, 2000))
    return body


def raw_bodies() -> SearchStrategy[bytes]:
    """Bodies that are not (well-formed, UTF-8) JSON."""
    return st.one_of(
        st.binary(max_size=64), nested().map(str.encode), st.just(b""), st.just(b"{"), st.just(b"\xff\xfe{}"),
        st.just(b'{"certType": NaN}'), st.just(b'{"a": 1e999999}'), st.just(b'{"\\ud800": "\\udfff"}'),
        st.integers(10_000, 400_000).map(lambda n: b'{"certType": "' + b"\\u00e9" * n + b'"}'),
        st.just(b"[" * 200_000), st.just(b'"\\u0000"'), st.just(b"1" * 5000),
    )


CONTENT_TYPES = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain",
                                 "application/problem+json", "", "multipart/form-data; boundary=x",
                                 "application/x-www-form-urlencoded", "application/json; charset=latin-1"])

# ------------------------------------------------------------------------------------------------ queries (SOL013)

OPS = ("eq", "neq", "gt", "lt", "gte", "lte", "cont", "ncont", "in", "nin")
ATTRS = ("id", "certType", "subjectId/subjectId", "subjectId/certificateData/subjectAlternateName",
         "subjectId/certificateData/subjectName/commonName", "_links/self/href", "callbackUri", "filter/certificateState",
         "verbosity", "nosuch", "subjectId//subjectId", "/id", "id/", "", "a" * 300, "subjectId/0")


@st.composite
def filter_expressions(draw: st.DrawFn) -> str:
    """SOL013 5.2 filter expressions: well-formed, slightly broken, or random."""
    def value() -> str:
        return draw(st.one_of(
            st.sampled_from(["VNFCI_certificate", "x", "'a,b'", "'it''s'", "'", "''", "'unterminated", "1", "-1e9",
                             "2026-01-01T00:00:00Z", "(", ")", ",", ";", "a,b,c", "%", "\\", "\x00", "é"]),
            _text(12)))

    def simple() -> str:
        op = draw(st.sampled_from(OPS) | _text(5) | st.just("EQ"))
        attr = draw(st.sampled_from(ATTRS) | _text(10))
        values = ",".join(value() for _ in range(draw(st.integers(0, 4))))
        shape = draw(st.integers(0, 9))
        if shape == 0:
            return f"({op},{attr}"  # unbalanced
        if shape == 1:
            return f"{op},{attr},{values})"
        if shape == 2:
            return f"({op}{attr}{values})"
        return f"({op},{attr},{values})" if values else f"({op},{attr})"

    if draw(st.integers(0, 6)) == 0:
        return draw(_text(40))
    sep = draw(st.sampled_from([";", ";;", ",", " ; ", ""]))
    return sep.join(simple() for _ in range(draw(st.integers(1, 4))))


def _qs(pairs: list[tuple[str, str]]) -> str:
    from urllib.parse import quote
    return "&".join(f"{quote(k.encode('utf-8', 'surrogatepass'), safe='')}="
                    f"{quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in pairs)  # keys may hold surrogates


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    """filter and the attribute selectors (SOL013 5.3), alone or combined, repeated, broken."""
    selector_values = st.sampled_from(["", "id", "certType,subjectId", "subjectId/certificateData", "nosuch",
                                       "_links", ",", "id,,id", "subjectId/", "true", "1"]) | _text(12)
    names = st.sampled_from(["filter", "all_fields", "fields", "exclude_fields", "exclude_default", "nextpage_opaque_marker",
                             "FILTER", "fields[]"]) | _text(8)
    pairs: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(names)
        pairs.append((name, draw(filter_expressions()) if name == "filter" else draw(selector_values)))
    if draw(st.integers(0, 9)) == 0:  # raw, not even percent-encoded correctly
        return draw(st.sampled_from(["filter=%", "filter=%zz", "&&&", "=", "filter", "filter=%ED%A0%80",
                                     "fields=%FF", "a=b=c", "filter=(eq,id,%27)"]))
    return _qs(pairs)


# ------------------------------------------------------------------------------------------------ subscriptions

def subscription_base(callback: str) -> dict[str, Any]:
    return {"callbackUri": callback, "authentication": {"authType": ["TLS_CERT"]}, "verbosity": "FULL",
            "filter": {"certificateState": ["REVOKED"], "certificationType": ["VNFCI_certificate"]}}


def local_uris(dead_port: int) -> SearchStrategy[str]:
    """http(s) URIs on 127.0.0.1 only (nothing listens on ``dead_port``), some unparseable."""
    path = st.text(st.characters(blacklist_characters="@\\?#", blacklist_categories=("Cs",)), max_size=20)
    port = st.sampled_from([str(dead_port), "99999", "0", "abc", "", "-1"])
    return st.builds(lambda s, p, t: f"{s}://127.0.0.1{':' + p if p != '' else ':' + str(dead_port)}/{t}",
                     st.sampled_from(["https", "http"]), port, path)


@st.composite
def subscription_bodies(draw: st.DrawFn, dead_port: int) -> JSON:
    if draw(st.integers(0, 9)) == 0:
        return draw(not_type(dict))
    body = subscription_base(f"https://127.0.0.1:{dead_port}/notify")
    not_http = _text().filter(lambda s: not s.startswith(("http://", "https://")))
    breaks: dict[str, SearchStrategy[Any]] = {
        "callbackUri": st.just(_DELETE) | not_type(str) | not_http | local_uris(dead_port),
        "authentication": st.just(_DELETE) | not_type(dict) | st.just({}) | st.just({"authType": []})
                          | st.fixed_dictionaries({"authType": not_type(list)}),
        "verbosity": not_type(str) | _text().filter(lambda s: s not in ("FULL", "SHORT")),
        "filter": not_type((dict, type(None))) | st.fixed_dictionaries(
            {"certificateState": not_type(list) | st.lists(json_values(), min_size=1, max_size=3)}),
        "filter/certificationType": not_type(list) | st.lists(_text() | st.integers(), min_size=1, max_size=3),
    }
    order = list(breaks)
    for field in sorted(set(draw(st.lists(st.sampled_from(order), max_size=3))), key=order.index):
        try:
            _set(body, field, draw(breaks[field]))
        except (KeyError, IndexError, TypeError, ValueError):
            pass
    if draw(st.booleans()) and isinstance(body, dict):
        body.update({k: v for k, v in draw(st.dictionaries(_text(8), json_values(), max_size=2)).items()
                     if k not in body})
    return body


# ------------------------------------------------------------------------------------------------ any REST request

METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"])


def _segment() -> SearchStrategy[str]:
    from urllib.parse import quote
    return st.one_of(st.just(""), st.just(".."), st.just("%2e%2e"), st.just("a" * 3000),
                     _text(20).map(lambda s: quote(s.encode("utf-8", "surrogatepass"), safe="")))


@st.composite
def rest_cases(draw: st.DrawFn, *, vnfci: str, dead_port: int, own_subject: str, other_subject: str,
               other_subscription: str) -> RestCase:
    """One fuzzed request to the CMF's SOL023 5.6 and 7 resources (or beside them)."""
    family = draw(st.sampled_from(["register", "register-raw", "query", "subscribe", "subscribe-raw",
                                   "subscription-query", "method-path", "no-client-cert"]))
    subjects, subs = "/nfv-cert/v1/subjects", "/certnotify/v1/subscriptions"
    if family == "register":
        return RestCase(family, "POST", subjects, body=_dump(draw(registration_bodies(vnfci))),
                        content_type=draw(CONTENT_TYPES))
    if family in ("register-raw", "subscribe-raw"):
        return RestCase(family, "POST", subjects if family == "register-raw" else subs, body=draw(raw_bodies()),
                        content_type=draw(CONTENT_TYPES))
    if family == "query":
        return RestCase(family, "GET", draw(st.sampled_from([subjects, f"{subjects}/{own_subject}"])),
                        query=draw(query_strings()))
    if family == "subscription-query":
        return RestCase(family, "GET", subs, query=draw(query_strings()))
    if family == "subscribe":
        return RestCase(family, "POST", subs, body=_dump(draw(subscription_bodies(dead_port))),
                        content_type=draw(CONTENT_TYPES))
    method = draw(METHODS)
    ids = [other_subject, draw(_segment())] + ([own_subject] if method != "DELETE" else [])
    path = draw(st.sampled_from([
        subjects, f"{subjects}/{draw(st.sampled_from(ids))}", subs, f"{subs}/{other_subscription}",
        f"{subs}/{draw(_segment())}", "/nfv-cert/v1/api_versions", "/nfv-cert/api_versions",
        "/certnotify/v1/api_versions", f"/nfv-cert/v1/{draw(_segment())}", f"/{draw(_segment())}",
        f"{subjects}/{draw(_segment())}/{draw(_segment())}"]))
    if method == "POST" and path in (subjects, subs):
        method = "PUT"  # a POST on a collection is a registration or a subscription: the families above
    body = draw(st.one_of(st.just(b""), raw_bodies(), json_values().map(_dump)))
    return RestCase("no-client-cert" if family == "no-client-cert" else family, method, path,
                    query=draw(st.just("") | query_strings()), body=body, content_type=draw(CONTENT_TYPES),
                    identity="none" if family == "no-client-cert" else "vnfm")


# ------------------------------------------------------------------------------------------------ SM listener

@st.composite
def sm_cases(draw: st.DrawFn, binding: str) -> RestCase:
    """Approval requests (harness binding nfvct-sm-approval/1) and notification callbacks to the reference SM."""
    kind = draw(st.sampled_from(["approval", "approval-raw", "callback", "sm-method-path"]))
    name = binding if draw(st.integers(0, 4)) else draw(_segment().map(lambda s: s or "x"))
    if kind == "approval":
        base: dict[str, Any] = {"apiVersion": "nfvct-sm-approval/1", "approvalId": "a-1", "trustDomain": "core",
                                "operation": "INSTANTIATE", "vnfPkgId": "pkg-1",
                                "vnfInstance": {"id": "vnf-1", "metadata": {"securityPolicyRequired": True}}}
        body: Any = draw(not_type(dict)) if draw(st.integers(0, 5)) == 0 else base
        if isinstance(body, dict):
            for field in draw(st.lists(st.sampled_from(["approvalId", "vnfPkgId", "vnfInstance",
                                                         "vnfInstance/metadata"]), max_size=3)):
                try:
                    _set(body, field, draw(st.just(_DELETE) | json_values()))
                except (KeyError, IndexError, TypeError, ValueError):
                    pass
        return RestCase(kind, "POST", f"/sm/v1/{name}/approvals", body=_dump(body))
    if kind == "approval-raw":
        return RestCase(kind, "POST", f"/sm/v1/{name}/approvals", body=draw(raw_bodies()))
    if kind == "callback":
        body_bytes = draw(raw_bodies() | json_values().map(_dump))
        return RestCase(kind, "POST", f"/sm/v1/{name}/{draw(st.sampled_from(['lcm', 'alarms']) | _segment())}",
                        body=body_bytes)
    return RestCase(kind, draw(METHODS), draw(st.sampled_from([f"/sm/v1/{name}/approvals", f"/sm/v1/{name}/lcm",
                                                                f"/{draw(_segment())}", f"/sm/v1/{draw(_segment())}"])),
                    body=draw(st.just(b"") | raw_bodies()))


# ------------------------------------------------------------------------------------------------ ACME JWS

ENDPOINTS = ("new-account", "new-order", "finalize", "chall", "revoke-cert", "acct", "order", "authz", "cert",
             "acct-orders")
PAYLOAD_REFUSED = ("new-account", "new-order", "finalize", "revoke-cert")  # a bad payload alone is refused
BREAKS = ("alg-none", "alg-hs256", "alg-unknown", "alg-missing", "alg-not-string", "nonce-missing", "nonce-replayed",
          "nonce-unknown", "nonce-not-b64", "nonce-not-string", "url-wrong", "url-missing", "url-not-string",
          "jwk-and-kid", "neither-jwk-nor-kid", "kid-unknown", "kid-other-host", "kid-not-string", "jwk-junk",
          "wrong-key-style", "protected-not-b64", "protected-not-json", "protected-not-object", "unprotected-header",
          "payload-not-b64", "payload-not-b64-resigned", "sig-flipped", "sig-empty", "sig-not-b64", "sig-other-key",
          "body-not-json", "body-not-object", "body-missing-field", "body-general-two-sigs", "content-type",
          "unknown-resource")


@dataclass(frozen=True)
class JwsPlan:
    endpoint: str
    breaks: tuple[str, ...]
    payload: JSON  # None: POST-as-GET (empty payload)
    content_type: str = "application/jose+json"


def _eab_junk() -> SearchStrategy[JSON]:
    fake = st.fixed_dictionaries({"protected": _text(20), "payload": _text(20), "signature": _text(20)})
    return not_type(dict) | fake | st.just({}) | st.fixed_dictionaries(
        {"protected": st.just(jose.b64encode(b'{"alg":"HS256","kid":"oss-unknown","url":"x"}').decode()),
         "payload": st.just(jose.b64encode(b"{}").decode()), "signature": st.just("AAAA")})


def bad_payloads(endpoint: str) -> SearchStrategy[JSON]:
    """Payloads the endpoint must refuse (for endpoints in PAYLOAD_REFUSED)."""
    non_object = not_type(dict)
    if endpoint == "new-account":
        return non_object | st.fixed_dictionaries({}, optional={
            "contact": json_values(), "termsOfServiceAgreed": json_values(),
            "externalAccountBinding": _eab_junk()}) | st.just({"onlyReturnExisting": True})
    if endpoint == "new-order":
        ident = st.fixed_dictionaries({"type": json_values(), "value": json_values()})
        return non_object | st.fixed_dictionaries({"identifiers": not_type(list) | st.just([])
                                                   | st.lists(ident | not_type(dict), min_size=1, max_size=3)})
    if endpoint == "finalize":
        return non_object | st.fixed_dictionaries({}, optional={"csr": json_values() | _text(40)})
    return non_object | st.fixed_dictionaries({}, optional={"certificate": json_values() | _text(40),
                                                            "reason": json_values()})


def any_payloads(endpoint: str) -> SearchStrategy[JSON]:
    if endpoint in PAYLOAD_REFUSED:
        return bad_payloads(endpoint) | st.none()
    if endpoint == "acct":
        return st.none() | st.just({"status": "deactivated"}) | json_values()
    if endpoint == "chall":
        return st.none() | st.just({}) | st.fixed_dictionaries({"tkauth": json_values()})
    return st.none() | json_values()


@st.composite
def jws_plans(draw: st.DrawFn, breaks: tuple[str, ...] = BREAKS) -> JwsPlan:
    endpoint = draw(st.sampled_from(ENDPOINTS))
    chosen = tuple(sorted(set(draw(st.lists(st.sampled_from(breaks), max_size=3)))))
    if not chosen and endpoint not in PAYLOAD_REFUSED:
        chosen = (draw(st.sampled_from(breaks)),)
    payload = draw(bad_payloads(endpoint) if not chosen else any_payloads(endpoint))
    content_type = draw(CONTENT_TYPES) if "content-type" in chosen else "application/jose+json"
    return JwsPlan(endpoint, chosen, payload, content_type)


def _b64(data: bytes) -> str:
    return jose.b64encode(data).decode()


@dataclass(frozen=True)
class JwsKeys:
    account: jose.JWKEC  # the fuzzing entity's account key
    account_url: str  # its kid
    stranger: jose.JWKEC  # a key with no account (newAccount cases)
    other: jose.JWKEC  # neither


def new_keys(account: jose.JWKEC, account_url: str) -> JwsKeys:
    return JwsKeys(account, account_url, jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1())),
                   jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1())))


def build_jws(plan: JwsPlan, keys: JwsKeys, *, url: str, nonce: str, used_nonce: str) -> bytes:
    """The flattened JWS JSON serialization (RFC 7515 7.2.2) of ``plan``, as ``bytes``."""
    b = set(plan.breaks)
    jwk_style = plan.endpoint in ("new-account",) or (plan.endpoint == "revoke-cert" and "jwk-and-kid" not in b
                                                      and "wrong-key-style" in b)
    if "wrong-key-style" in b and plan.endpoint not in ("revoke-cert",):
        jwk_style = not jwk_style
    signer = keys.stranger if plan.endpoint == "new-account" else keys.account
    header: dict[str, Any] = {"alg": "ES256", "nonce": nonce, "url": url}
    if jwk_style:
        header["jwk"] = signer.public_key().to_partial_json()
    else:
        header["kid"] = keys.account_url
    for name, key, value in (
            ("alg-none", "alg", "none"), ("alg-hs256", "alg", "HS256"), ("alg-unknown", "alg", "XS999"),
            ("alg-not-string", "alg", 256), ("nonce-replayed", "nonce", used_nonce),
            ("nonce-unknown", "nonce", _b64(b"never issued by the server")), ("nonce-not-b64", "nonce", "n*o=n+c/e"),
            ("nonce-not-string", "nonce", 12345), ("url-wrong", "url", url.rsplit("/", 1)[0] + "/elsewhere"),
            ("url-not-string", "url", ["x"]), ("kid-unknown", "kid", keys.account_url.rsplit("/", 1)[0] + "/nosuch"),
            ("kid-other-host", "kid", "https://192.0.2.1/acme/acct/" + keys.account_url.rsplit("/", 1)[1]),
            ("kid-not-string", "kid", {"a": 1}), ("jwk-junk", "jwk", {"kty": "EC", "crv": "P-256", "x": "AA"})):
        if name in b:
            header[key] = value
    for name, key in (("alg-missing", "alg"), ("nonce-missing", "nonce"), ("url-missing", "url")):
        if name in b:
            header.pop(key, None)
    if "jwk-and-kid" in b:
        header["jwk"], header["kid"] = signer.public_key().to_partial_json(), keys.account_url
    if "neither-jwk-nor-kid" in b:
        header.pop("jwk", None)
        header.pop("kid", None)
    protected = _b64(json.dumps(header).encode())
    if "protected-not-b64" in b:
        protected = protected[:5] + "!*" + protected[5:]
    if "protected-not-json" in b:
        protected = _b64(b"{not json")
    if "protected-not-object" in b:
        protected = _b64(b'["alg","ES256"]')
    payload = "" if plan.payload is None else _b64(json.dumps(plan.payload).encode())
    if "payload-not-b64" in b or "payload-not-b64-resigned" in b:
        payload = (payload or "e30") + "=="  # padding is not base64url (RFC 7515 2)
    signing_input = f"{protected}.{payload}".encode()
    if "payload-not-b64" in b:
        signing_input = f"{protected}.{payload[:-2]}".encode()  # signed before the padding was added
    sig_key = keys.other if "sig-other-key" in b else signer
    if header.get("alg") == "HS256":
        signature = jose.HS256.sign(b"k" * 32, signing_input)
    else:
        signature = jose.ES256.sign(sig_key.key, signing_input)
    if "sig-flipped" in b:
        signature = bytes([signature[0] ^ 1]) + signature[1:]
    sig = "" if "sig-empty" in b else _b64(signature)
    if "sig-not-b64" in b:
        sig = sig + "+/="
    body: dict[str, Any] = {"protected": protected, "payload": payload, "signature": sig}
    if "unprotected-header" in b:
        body["header"] = {"kid": keys.account_url}
    if "body-missing-field" in b:
        body.pop("protected")
    if "body-general-two-sigs" in b:
        body = {"payload": payload, "signatures": [{"protected": protected, "signature": sig}] * 2}
    if "body-not-object" in b:
        return json.dumps([body]).encode()
    raw = json.dumps(body).encode()
    if "body-not-json" in b:
        raw = raw[: len(raw) // 2]
    return raw
