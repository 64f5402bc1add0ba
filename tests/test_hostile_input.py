"""Hostile SUT input (issue 18 items 2 and 4): never a harness ERROR, never unescaped or unredacted in a report."""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1_alt_modules import rfc5280

from harness.checks.profile_checks import CHECKS as C6_CHECKS
from harness.checks.profile_checks import check_issued
from harness.checks.registry import Observation
from harness.context import IssuedCert
from harness.model import CheckOutcome, Evidence, ScenarioResult, TraceEvent, Verdict
from harness.recorder import Recorder
from harness.redact import REDACTED, redact
from harness.runner import run_scenario
from harness.sut_input import RFC5280_DUPLICATE, JsonTooDeep, SutInputError, checked_certificate, classify, \
    load_certificate, parse_json
from harness.trace import Trace, decode_body, trace_hooks
from reports import write_reports
from scenarios import all_scenarios
from scenarios.common import json_body
from tests.test_reports import sample_result

DEEP = b"[" * 100_000 + b"]" * 100_000
URL = "http://127.0.0.1:9/nfv-cert/v1/subjects"
MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>')
PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49hostileKEY\n-----END PRIVATE KEY-----\n"
SECRETS = ("hostileKEY", "hunter2", "sutBearerTok3n", "cookieSess10n", "apiK3yValue")
SECRET_BODY = (f"{PEM_KEY}password: hunter2\n" + json.dumps({"nested": {"password": "hunter2"}})
               + "\nAuthorization: Bearer sutBearerTok3n\nSet-Cookie: sid=cookieSess10n\nX-Api-Key: apiK3yValue\n")
SECRET_HEADERS = {"Authorization": "Bearer sutBearerTok3n", "Set-Cookie": "sid=cookieSess10n; HttpOnly",
                  "X-Api-Key": "apiK3yValue", "X-Debug": "password: hunter2"}


def _response(body: bytes, ctype: str = "application/json", status: int = 201,
              headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": ctype, **(headers or {})}, content=body,
                          request=httpx.Request("POST", URL))


def _recorder() -> Recorder:
    return Recorder("hostile", (), Trace())


# -- classification and parsers --------------------------------------------------------------------------------------

def test_parse_json_bounds_nesting() -> None:
    with pytest.raises(JsonTooDeep, match="nested 100000 levels"):
        parse_json(DEEP, "body")
    with pytest.raises(SutInputError, match="not valid JSON"):
        parse_json(b"\xff\xfe{", "body")
    assert parse_json(b'{"a": "[[[[[["}', "body") == {"a": "[[[[[["}  # brackets in strings do not count
    assert parse_json(b"[" * 150 + b"]" * 150, "body")


def test_classification_rule() -> None:
    too_deep = classify(JsonTooDeep("x", violation="body is not a usable JSON document"))
    assert too_deep is not None and too_deep.verdict is Verdict.FAIL
    unparsed = classify(RecursionError("deep"))
    assert unparsed is not None and unparsed.verdict is Verdict.INCONCLUSIVE
    assert "could not be parsed" in unparsed.reason
    assert classify(KeyError("x")) is None and classify(ValueError("x")) is None  # harness bugs stay ERROR


@pytest.mark.parametrize("ctype", ["application/json", "text/plain"])
def test_deep_json_is_a_fail_of_the_check_not_an_error(ctype: str) -> None:
    rec = _recorder()
    result = rec.check("register-created", Observation(response=_response(DEEP, ctype)))
    assert result.verdict is Verdict.FAIL, result
    if ctype == "application/json":
        assert "nested 100000 levels" in result.reason


def test_json_body_in_a_scenario_is_inconclusive_not_error() -> None:
    with pytest.raises(SutInputError):
        json_body(_response(DEEP))
    assert json_body(_response(b"\xff\xfe not json")) == {}

    def body(ctx: Any, rec: Recorder) -> None:
        json_body(_response(DEEP))

    scenario = dataclasses.replace(all_scenarios()[0], body=body, applicable=lambda ctx: None)
    ctx = SimpleNamespace(trace=Trace(), issued=[], rng=None, seed=None, uses=None)
    result = run_scenario(scenario, ctx, lambda event: None)  # type: ignore[arg-type]
    verdicts = {c.verdict for c in result.checks}
    assert Verdict.ERROR not in verdicts and Verdict.INCONCLUSIVE in verdicts
    assert "the SUT's answer broke the scenario" in result.checks[0].reason


# -- certificates ----------------------------------------------------------------------------------------------------

def _duplicate_extension_cert() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "hostile")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    decoded, _ = der_decode(cert.public_bytes(Encoding.DER),
                            asn1Spec=rfc5280.Certificate())
    extensions = decoded["tbsCertificate"]["extensions"]
    extensions.append(extensions[0])  # the same extension twice; the signature no longer matters for parsing
    return x509.load_der_x509_certificate(der_encode(decoded))


def test_duplicate_extension_is_an_rfc5280_fail() -> None:
    cert = _duplicate_extension_cert()
    with pytest.raises(SutInputError) as caught:
        checked_certificate(cert, "the SUT's certificate")
    assert caught.value.violation == RFC5280_DUPLICATE
    with pytest.raises(SutInputError):
        load_certificate(cert.public_bytes(Encoding.PEM), "issuer")
    with pytest.raises(SutInputError, match="not a parseable X.509"):
        load_certificate(b"\x30\x03\x02\x01\x01", "issuer")

    rec = _recorder()  # a check that reads the extensions lazily: FAIL, not "check raised"
    result = rec.check("c6-key-usage", Observation(facts={"cert": cert, "profile": {}}))
    assert result.verdict is Verdict.FAIL and "MUST NOT include more than one instance" in result.reason

    rec = _recorder()
    ctx = SimpleNamespace(profile=SimpleNamespace(pixit=SimpleNamespace(cert_profile=None)))
    check_issued(ctx, rec, [IssuedCert("hostile", "VNFCI", cert, (), None, None, (1,))])  # type: ignore[arg-type]
    outcomes = [o for _, o in rec.outcomes]
    assert [o.check for o in outcomes] == list(C6_CHECKS)
    assert all(o.verdict is Verdict.FAIL and o.reason == RFC5280_DUPLICATE for o in outcomes)


# -- trace and reports -----------------------------------------------------------------------------------------------

def test_trace_decoding_never_raises() -> None:
    assert "nested 100000 levels" in decode_body("application/json", DEEP)
    assert decode_body("text/plain", DEEP).startswith("[[[")
    assert "not valid UTF-8" in decode_body("application/json", b"\xff\xfe{") or \
        "not shown" in decode_body("application/json", b"\xff\xfe{")
    assert decode_body("application/jose+json", DEEP)
    assert decode_body("application/pkixcmp", b"\x30\x80" * 50_000)

    trace = Trace()
    hooks = trace_hooks(trace, "VNFM", "CMF", "Cm-Vnfm")
    for body, ctype in ((DEEP, "application/json"), (DEEP, "text/plain"), (b"\xc3\x28\xff", "text/plain")):
        response = _response(body, ctype)
        hooks["request"][0](response.request)
        hooks["response"][0](response)
    assert len(trace.events()) == 6


def _event(seq: int, body: str, headers: dict[str, str], summary: str, scenario: str) -> TraceEvent:
    return TraceEvent(seq=seq, at=datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.timezone.utc),
                      sender="CMF", receiver="VNFM", kind="http-response", summary=summary, channel="Cm-Vnfm",
                      headers=headers, body_text=body, step="2", scenario=scenario)


def _hostile_result() -> Any:
    """The sample run plus SUT-controlled events: deep JSON, markup everywhere, secrets in bodies and headers."""
    base = sample_result()
    scenario = base.scenarios[0]
    markup = " ".join(MARKUP)
    trace = Trace()  # what the SUT sends goes through the real recording path (decode + redaction)
    headers = {f"X-{MARKUP[0]}": markup, "Location": f"/subjects/{markup}", **SECRET_HEADERS}
    for body, ctype in ((DEEP, "application/json"), (DEEP, "text/plain"), (b"\xc3\x28\xff", "text/plain"),
                        (f"{markup}\n{SECRET_BODY}".encode(), "text/plain"),
                        (json.dumps({"detail": markup, "password": "hunter2", "key": PEM_KEY}).encode(),
                         "application/problem+json")):
        trace.record("CMF", "VNFM", "http-response", f"201 {markup}", channel="Cm-Vnfm",
                     headers={"content-type": ctype, **headers}, body_text=decode_body(ctype, body))
    start = len(base.trace)
    events = [dataclasses.replace(e, seq=start + i + 1, scenario=scenario.id) for i, e in enumerate(trace.events())]
    events.append(_event(start + len(events) + 1, DEEP.decode(), {}, "raw deep body", scenario.id))
    events.append(_event(start + len(events) + 1, f"{markup}\n{SECRET_BODY}", {**headers, markup: markup},
                         f"200 {markup} {SECRET_BODY}", scenario.id))
    observed = f"HTTP 201: {markup} {SECRET_BODY}"
    check = CheckOutcome(check="register-created", requirements=scenario.checks[0].requirements,
                         verdict=Verdict.FAIL, scenario=scenario.id,
                         evidence=Evidence(markup, observed, (start + 1,)), reason=f"{markup} {SECRET_BODY}")
    hostile = ScenarioResult(scenario.id, scenario.use_case, scenario.title, scenario.source, Verdict.FAIL,
                             scenario.steps, (*scenario.checks, check), {"sut": markup},
                             f"{markup} {SECRET_BODY}")
    return dataclasses.replace(base, scenarios=(hostile, *base.scenarios[1:]), trace=(*base.trace, *events))


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    paths = write_reports(_hostile_result(), tmp_path_factory.mktemp("hostile"))
    return {kind: Path(path).read_text(encoding="utf-8") for kind, path in paths.items()}


def test_reports_written_for_hostile_bodies(hostile_reports: dict[str, str]) -> None:
    assert "</html>" in hostile_reports["html"]
    json.loads(hostile_reports["json"])
    assert "nested 100000 levels" in hostile_reports["html"]


def test_markup_from_the_sut_is_escaped(hostile_reports: dict[str, str]) -> None:
    html = hostile_reports["html"]
    for markup in MARKUP:
        assert markup not in html
    assert "<img" not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("kind", ["html", "json", "junit"])
def test_sut_secrets_are_redacted(hostile_reports: dict[str, str], kind: str) -> None:
    text = hostile_reports[kind]
    for secret in SECRETS:
        assert secret not in text, (kind, secret)
    assert REDACTED in text


@pytest.mark.parametrize("text", [PEM_KEY, "password: hunter2", '{"a": {"password": "hunter2"}}',
                                  "Authorization: Bearer sutBearerTok3n", "Set-Cookie: sid=cookieSess10n",
                                  "X-Api-Key: apiK3yValue", "<password>hunter2</password>",
                                  'note: "password: hunter2"', "<p>token: sutBearerTok3n</p>"])
def test_redact_plain_forms_idempotent(text: str) -> None:
    once = redact(text)
    assert not any(s in once for s in SECRETS), once
    assert redact(once) == once


def test_redact_leaves_prose_alone() -> None:
    for text in ("plain text, nothing secret: 201 Created", "Content-Type: application/json"):
        assert redact(text) == text
