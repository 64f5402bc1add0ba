"""SOL 013 conventions library: filtering, selectors, ProblemDetails, API versions."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from wire.sol013 import (  # fmt: skip
    OPERATORS, PROBLEM_MEDIA_TYPE, Filter, FilterError, ProblemError, ProblemException, SelectorError,
    SimpleFilter, api_versions_body, api_versions_routes, apply_selectors, bad_request, conflict,
    method_not_allowed, not_found, parse_filter, parse_problem, problem_exception_handlers, resource_route,
    to_response, unauthorized,
)

KNOWN = {
    "id", "certType", "typeOfVnfcCertHandling", "subjectId", "subjectId/subjectId",
    "subjectId/certificateData", "subjectId/certificateData/subjectName",
    "subjectId/certificateData/subjectName/commonName",
    "subjectId/certificateData/subjectAlternateName", "_links", "_links/self", "_links/self/href",
}  # fmt: skip


SAN = "subjectAlternateName"


def subject(sid: str, cn: str, sans: list[str], cert_type: str = "VNFCI_certificate") -> dict[str, Any]:
    return {
        "id": sid,
        "certType": cert_type,
        "typeOfVnfcCertHandling": "delegation_mode",
        "subjectId": [
            {"subjectId": f"vnfc-{sid}", "certificateData": [{"subjectName": {"commonName": cn}, SAN: sans}]},
            {"subjectId": "shared", "certificateData": [{"subjectName": {"commonName": "other.example"}, SAN: []}]},
        ],
        "_links": {"self": {"href": f"/nfv-cert/v1/subjects/{sid}"}},
    }


S1 = subject("s1", "a.example", ["a.example", "10.0.0.1"])
S2 = subject("s2", "b,c.example", ["b.example"], cert_type="VNF_OAM_certificate")


def ids(expr: str, objs: list[dict[str, Any]] | None = None) -> list[str]:
    f = parse_filter(expr, KNOWN)
    return [o["id"] for o in (objs or [S1, S2]) if f.matches(o)]


# ------------------------------------------------------------------ filter


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("(eq,id,s1)", ["s1"]),
        ("(neq,id,s1)", ["s2"]),
        ("(eq,subjectId/certificateData/subjectName/commonName,a.example)", ["s1"]),
        ("(eq,subjectId/subjectId,shared)", ["s1", "s2"]),  # any array element
        ("(eq,subjectId/certificateData/subjectAlternateName,10.0.0.1)", ["s1"]),  # array of strings
        ("(cont,subjectId/certificateData/subjectName/commonName,'b,')", ["s2"]),
        ("(ncont,certType,OAM)", ["s1"]),
        ("(in,certType,MANO_certificate,VNF_OAM_certificate)", ["s2"]),  # several values = OR
        ("(cont,subjectId/subjectId,s1,s2)", ["s1", "s2"]),
        ("(nin,id,s1,s3)", ["s2"]),
        ("(eq,typeOfVnfcCertHandling,delegation_mode);(eq,id,s2)", ["s2"]),  # ";" = AND
        ("(eq,typeOfVnfcCertHandling,delegation_mode);(eq,id,nope)", []),
        ("(eq,subjectId/certificateData/subjectName/commonName,'b,c.example')", ["s2"]),  # quoted comma
        ("(eq,_links/self/href,/nfv-cert/v1/subjects/s2)", ["s2"]),
    ],
)
def test_filter_matches(expr: str, expected: list[str]) -> None:
    assert ids(expr) == expected


def test_array_element_must_match_all_expressions_with_the_same_prefix() -> None:
    # s1's first element has subjectId vnfc-s1 and CN a.example; "shared" has other.example.
    same = "(eq,subjectId/subjectId,vnfc-s1);(eq,subjectId/certificateData/subjectName/commonName,a.example)"
    crossed = "(eq,subjectId/subjectId,shared);(eq,subjectId/certificateData/subjectName/commonName,a.example)"
    assert ids(same) == ["s1"]
    assert ids(crossed) == []


def test_filter_value_types_and_escaping() -> None:
    objs = [
        {"id": "n", "size": 10, "ok": True, "at": "2024-05-01T10:00:00Z", "name": "it's"},
        {"id": "m", "size": 2.5, "ok": False, "at": "2024-05-02T00:00:00+02:00", "extra": {"k1": 1}},
    ]
    assert [o["id"] for o in objs if parse_filter("(gt,size,3)").matches(o)] == ["n"]
    assert [o["id"] for o in objs if parse_filter("(lte,size,2.5)").matches(o)] == ["m"]
    assert [o["id"] for o in objs if parse_filter("(eq,ok,false)").matches(o)] == ["m"]
    assert [o["id"] for o in objs if parse_filter("(gte,at,2024-05-01T23:00:00Z)").matches(o)] == []
    assert [o["id"] for o in objs if parse_filter("(lt,at,2024-05-01T23:00:00Z)").matches(o)] == ["n", "m"]
    assert [o["id"] for o in objs if parse_filter("(eq,name,'it''s')").matches(o)] == ["n"]
    assert [o["id"] for o in objs if parse_filter("(eq,extra/@key,k1)").matches(o)] == ["m"]
    # absent attribute: positive operators never match, negated ones do
    assert [o["id"] for o in objs if parse_filter("(neq,name,x)").matches(o)] == ["n", "m"]
    assert [o["id"] for o in objs if parse_filter("(eq,name,x)").matches(o)] == []
    f = parse_filter("(in,a,'x,y','it''s',z,'a)b','')")
    assert f.expressions[0].values == ("x,y", "it's", "z", "a)b", "")
    assert parse_filter(str(f)) == f


@pytest.mark.parametrize(
    "expr",
    [
        "", "eq,id,s1", "(eq,id,s1", "(eq,id,s1))", "((eq,id,s1))", "(eq,id,s1)x", "(eq,id,s1);",
        ";(eq,id,s1)", "(eq,id,s1);;(eq,id,s2)", "(eq,id,s1) ", "(foo,id,s1)", "(EQ,id,s1)", "(,id,s1)",
        "(eq)", "(eq,id)", "(eq,id,)", "(in,id)", "(eq,,s1)", "(eq,/id,s1)", "(eq,id/,s1)", "(eq,a//b,s1)",
        "(eq,i d,s1)", "(eq,id,s1,s2)", "(gt,id,1,2)", "(eq,id,'s1)", "(eq,id,'s1'x)", "(eq,id,s'1)",
        "(in,id,s1,)", "()", "(", ")", "(eq,id,s1)(eq,id,s2)", "(eq,id,s1),(eq,id,s2)",
    ],
)  # fmt: skip
def test_invalid_filters(expr: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(expr)


def test_unknown_attribute_rejected_with_known_attributes() -> None:
    assert parse_filter("(eq,nope,1)")  # fine without a schema
    with pytest.raises(FilterError, match="unknown attribute 'nope'"):
        parse_filter("(eq,nope,1)", KNOWN)
    with pytest.raises(FilterError, match="subjectId/commonName"):
        parse_filter("(eq,id,s1);(eq,subjectId/commonName,x)", KNOWN)


_FILTER_ALPHABET = st.sampled_from(list("(),;'/ @") + ["eq", "neq", "in", "cont", "gt", "lte", "id", "a", "x"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_FILTER_ALPHABET, max_size=30).map("".join)))
def test_parse_filter_total(text: str) -> None:
    try:
        result = parse_filter(text)
    except FilterError:
        return
    assert isinstance(result, Filter)
    assert parse_filter(str(result)) == result
    assert isinstance(result.matches(S1), bool)


_segment = st.text(st.characters(blacklist_characters=",()';/", blacklist_categories=("Z", "C")), min_size=1)


@st.composite
def simple_filters(draw: st.DrawFn) -> SimpleFilter:
    op = draw(st.sampled_from(sorted(OPERATORS)))
    n = 1 if op in ("eq", "neq", "gt", "gte", "lt", "lte") else draw(st.integers(1, 3))
    attr = draw(st.lists(_segment, min_size=1, max_size=3))
    return SimpleFilter(op, tuple(attr), tuple(draw(st.lists(st.text(), min_size=n, max_size=n))))


@settings(max_examples=200, deadline=None)
@given(st.lists(simple_filters(), min_size=1, max_size=4))
def test_filter_round_trip(exprs: list[SimpleFilter]) -> None:
    f = Filter(tuple(exprs))
    assert parse_filter(str(f)) == f


# ------------------------------------------------------------------ selectors

SEL = {"complex_attributes": {"subjectId"}, "default_excluded": {"subjectId"}, "known_attributes": KNOWN}


def select(obj: dict[str, Any], **params: str) -> dict[str, Any]:
    return apply_selectors(obj, params=params, **SEL)


def test_selectors_default_and_flags() -> None:
    before = copy.deepcopy(S1)
    assert "subjectId" not in select(S1)  # none given = exclude_default
    assert "subjectId" not in select(S1, exclude_default="")
    assert select(S1, all_fields="") == S1
    assert select(S1, fields="subjectId") == S1
    assert "subjectId" not in select(S1, exclude_fields="subjectId")
    assert select(S1, exclude_default="", fields="subjectId") == S1
    assert select(S1, filter="(eq,id,s1)", nextpage_opaque_marker="x")["id"] == "s1"  # others ignored
    assert S1 == before  # never mutated


def test_selectors_nested_paths() -> None:
    nested = {
        "complex_attributes": {"subjectId", "subjectId/certificateData"},
        "default_excluded": {"subjectId/certificateData"},
        "known_attributes": KNOWN,
    }
    out = apply_selectors(S1, params={}, **nested)
    assert [sorted(e) for e in out["subjectId"]] == [["subjectId"], ["subjectId"]]
    kept = apply_selectors(S1, params={"fields": "subjectId/certificateData"}, **nested)
    assert kept == S1  # the listed path's parent stays
    assert "certificateData" in apply_selectors(S1, params={"fields": "subjectId"}, **nested)["subjectId"][0]


@pytest.mark.parametrize(
    "params",
    [
        {"all_fields": "", "fields": "subjectId"}, {"all_fields": "", "exclude_fields": "subjectId"},
        {"all_fields": "", "exclude_default": ""}, {"fields": "subjectId", "exclude_fields": "subjectId"},
        {"exclude_fields": "subjectId", "exclude_default": ""}, {"fields": "nope"}, {"exclude_fields": "nope"},
        {"fields": "id"},  # a simple attribute is not selectable
        {"fields": ""}, {"fields": "subjectId,"}, {"exclude_fields": "subjectId,,subjectId"},
    ],
)  # fmt: skip
def test_invalid_selectors(params: dict[str, str]) -> None:
    with pytest.raises(SelectorError):
        apply_selectors(S1, params=params, **SEL)


# ------------------------------------------------------------------ problems


def test_problem_rendering() -> None:
    r = to_response(method_not_allowed("PUT is not supported", ["GET", "post"]))
    assert r.status_code == 405
    assert r.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert r.headers["allow"] == "GET, POST"
    assert json.loads(bytes(r.body)) == {"status": 405, "detail": "PUT is not supported", "title": "Method Not Allowed"}
    parsed = parse_problem(bytes(r.body), http_status=405, content_type=r.headers["content-type"])
    assert parsed.detail == "PUT is not supported"
    assert to_response(unauthorized("no token")).headers["www-authenticate"] == "Bearer"
    for p, status in ((bad_request("x"), 400), (not_found("x"), 404), (conflict("x"), 409)):
        assert to_response(p).status_code == status == parse_problem(bytes(to_response(p).body)).status


@pytest.mark.parametrize(
    ("body", "kwargs"),
    [
        (b"\xff", {}),
        ("not json", {}),
        ("[]", {}),
        ('{"detail": "x"}', {}),
        ('{"status": "400", "detail": "x"}', {}),
        ('{"status": true, "detail": "x"}', {}),
        ('{"status": 400}', {}),
        ('{"status": 400, "detail": 7}', {}),
        ('{"status": 400, "detail": "x", "title": null}', {}),
        ('{"status": 400, "detail": "x", "type": "https://e.example/p"}', {}),
        ('{"status": 400, "detail": "x"}', {"http_status": 404}),
        ('{"status": 400, "detail": "x"}', {"content_type": "application/json"}),
    ],
)
def test_parse_problem_rejects(body: bytes | str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ProblemError):
        parse_problem(body, **kwargs)


# ------------------------------------------------------------------ routes


def call(app: ASGIApp, method: str, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://cmf") as client:
            return await client.request(method, path)

    return asyncio.run(go())


def test_api_versions_routes() -> None:
    routes = api_versions_routes("nfv-cert", {"v1": ["1.0.0"]})
    app = Starlette(routes=routes, exception_handlers=problem_exception_handlers())
    expected = {"uriPrefix": "/nfv-cert/v1", "apiVersions": [{"version": "1.0.0", "isDeprecated": False}]}
    for path in ("/nfv-cert/api_versions", "/nfv-cert/v1/api_versions"):
        r = call(app, "GET", path)
        assert r.status_code == 200 and r.json() == expected
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            r = call(app, method, path)
            assert r.status_code == 405 and r.headers["allow"] == "GET"
            assert parse_problem(r.content, http_status=405, content_type=r.headers["content-type"])
    r = call(app, "GET", "/nfv-cert/v2/api_versions")
    assert r.status_code == 404 and parse_problem(r.content, http_status=404, content_type=r.headers["content-type"])


def test_api_versions_body_and_validation() -> None:
    when = "2030-01-01T00:00:00Z"
    body = api_versions_body("/x/v2", ["2.0.0", "2.1.0"], deprecated={"2.0.0"}, retirement_dates={"2.0.0": when})
    assert body["apiVersions"][0] == {"version": "2.0.0", "isDeprecated": True, "retirementDate": when}
    app = Starlette(routes=api_versions_routes("x", {"v1": ["1.0.0"], "v2": ["2.0.0"]}))
    unversioned = call(app, "GET", "/x/api_versions").json()
    assert unversioned["uriPrefix"] == "/x"
    assert [v["version"] for v in unversioned["apiVersions"]] == ["1.0.0", "2.0.0"]
    assert call(app, "GET", "/x/v2/api_versions").json()["uriPrefix"] == "/x/v2"
    bads: list[dict[str, list[str]]] = [{"v1": ["2.0.0"]}, {"1": ["1.0.0"]}, {"v1": ["1.0"]}, {"v1": []}, {}]
    for bad in bads:
        with pytest.raises(ValueError):
            api_versions_routes("x", bad)


def test_resource_route_renders_problem_exceptions() -> None:
    async def get(request: Request) -> Response:
        raise ProblemException(conflict("busy"))

    app = Starlette(routes=[resource_route("/r", {"get": get, "delete": get})])
    r = call(app, "GET", "/r")
    assert r.status_code == 409 and parse_problem(r.content, http_status=409).detail == "busy"
    assert call(app, "PUT", "/r").headers["allow"] == "GET, DELETE"
