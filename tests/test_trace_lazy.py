"""Issue 15 item 5: the trace records message bodies raw and renders them (ASN.1 value notation, JSON, redaction)
only when read, i.e. at report time; the VNFM does not decode the CMP requests it built itself. No network."""

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
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

import harness.trace as trace_module
from harness.profile import Identity
from harness.redact import REDACTED_KEY
from harness.trace import RAW_KEEP_BYTES, TRACE_BODY_CHARS, Trace, capped, decode_body, trace_hooks
from reports.html import event_view
from simulators.pki import new_key
from simulators.vnfm import SentRequest, VnfmClient, make_csr
from wire import cmp

PKIXCMP = "application/pkixcmp"
PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----"


@pytest.fixture(scope="module")
def signer() -> tuple[Any, x509.Certificate]:
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vnfm.lazy.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return key, cert


@pytest.fixture(scope="module")
def p10cr(signer: tuple[Any, x509.Certificate]) -> bytes:
    key, cert = signer
    _, csr = make_csr({"commonName": "vnfc.lazy.test"}, ["vnfc.lazy.test"])
    return cmp.build_p10cr(csr_der=csr, sender=cert.subject, recipient=x509.Name([]), signer_key=key,
                           signer_cert=cert)


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"decode_body": 0, "cmp_summary": 0}
    for name in calls:
        real = getattr(trace_module, name)

        def wrapper(*args: Any, _real: Any = real, _name: str = name) -> Any:
            calls[_name] += 1
            return _real(*args)
        monkeypatch.setattr(trace_module, name, wrapper)
    return calls


def test_record_decodes_nothing_and_report_renders_as_before(monkeypatch: pytest.MonkeyPatch, p10cr: bytes) -> None:
    calls = _counting(monkeypatch)
    trace = Trace()
    trace.record("VNFM", "CMF", "http-response", "200 OK", body=p10cr, content_type=PKIXCMP + "; x=y",
                 cmp_label=True)
    assert calls == {"decode_body": 0, "cmp_summary": 0}
    event = trace.events()[0]
    expected = capped(trace_module.redact(decode_body(PKIXCMP, p10cr)))
    assert event.body_text == expected and "PKIMessage, body p10cr" in expected
    assert event.summary == "200 OK · p10cr"
    event.body_text, event.summary  # noqa: B018 - read again: rendered once, kept
    assert calls == {"decode_body": 1, "cmp_summary": 1}
    view = event_view(event)
    assert view["summary"] == "200 OK · p10cr" and "PKIMessage, body p10cr" in view["body"]


def test_redaction_and_cap_apply_to_raw_bodies() -> None:
    trace = Trace()
    secret = json.dumps({"privateKey": PEM_KEY, "client_secret": "s3cr3t", "pad": "x" * (TRACE_BODY_CHARS + 10)})
    trace.record("CMF", "VNFM", "http-response", "200 OK", body=secret.encode(), content_type="application/json")
    trace.record("CMF", "VNFM", "http-response", "200 OK", body=PEM_KEY.encode(), content_type="text/plain")
    trace.record("CMF", "VNFM", "note", "given as text", body_text=f"password: hunter2\n{PEM_KEY}")
    shown = [e.body_text for e in trace.events()]
    assert all("MIGHAgEA" not in t and "s3cr3t" not in t and "hunter2" not in t for t in shown)
    assert REDACTED_KEY in shown[1] and "bytes not recorded" in shown[0] and len(shown[0]) < TRACE_BODY_CHARS + 100


def test_a_body_beyond_the_raw_bound_is_rendered_at_once(p10cr: bytes) -> None:
    trace = Trace()
    big = b"\x00" * (RAW_KEEP_BYTES + 1)
    trace.record("CMF", "VNFM", "http-response", "200 OK", body=big, content_type=PKIXCMP, cmp_label=True)
    trace.record("CMF", "VNFM", "note", "long", body_text="y" * (RAW_KEEP_BYTES + 1))
    large, long = trace.events()
    assert large.raw is None and long.raw is None  # type: ignore[attr-defined] # nothing kept raw past the bound
    assert large.summary == "200 OK · undecodable PKIMessage" and len(long.body_text) < TRACE_BODY_CHARS + 100


def test_a_copy_keeps_the_rendered_texts(p10cr: bytes) -> None:
    trace = Trace()
    trace.record("VNFM", "CMF", "http-request", "POST /p", body=p10cr, content_type=PKIXCMP, cmp_label=True)
    event = trace.events()[0]
    copy = dataclasses.replace(event, summary=event.summary + " (shown)")
    assert copy.summary == "POST /p · p10cr (shown)" and copy.body_text == event.body_text
    assert copy.raw is None  # type: ignore[attr-defined] # final: the label is not added twice


def test_hooks_record_an_exchange_raw(monkeypatch: pytest.MonkeyPatch, p10cr: bytes) -> None:
    calls = _counting(monkeypatch)
    trace = Trace()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=request.content,
                                                                   headers={"content-type": PKIXCMP}))
    with httpx.Client(transport=transport, event_hooks=trace_hooks(trace, "VNFM", "CMF", "test")) as client:
        client.post("http://127.0.0.1/p", content=p10cr, headers={"content-type": PKIXCMP})
    assert calls == {"decode_body": 0, "cmp_summary": 0}
    request, response = trace.events()
    assert request.summary == "POST /p" and response.summary == "200 OK · p10cr"
    assert "PKIMessage, body p10cr" in request.body_text and request.body_text == response.body_text


def _client(tmp_path: Path, signer: tuple[Any, x509.Certificate], trace: Trace,
            seen: list[bytes]) -> VnfmClient:
    key, cert = signer
    (tmp_path / "vnfm.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "vnfm.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    vnfm = VnfmClient(name="VNFM", identity=Identity(tmp_path / "vnfm.crt", tmp_path / "vnfm.key"),
                      api_root="http://127.0.0.1", cmp_base="http://127.0.0.1/cmp",
                      server_ca=str(tmp_path / "vnfm.crt"), trace=trace)
    vnfm.http.close()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, content=b"not a PKIMessage", headers={"content-type": PKIXCMP})
    vnfm.http = httpx.Client(transport=httpx.MockTransport(answer),
                             event_hooks=trace_hooks(trace, "VNFM", "CMF", "test"))
    return vnfm


def test_the_vnfm_does_not_decode_its_own_requests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   signer: tuple[Any, x509.Certificate]) -> None:
    trace, seen = Trace(), []
    vnfm = _client(tmp_path, signer, trace, seen)
    parsed: list[bytes] = []
    real = cmp.parse_message

    def counting(der: bytes, **kwargs: Any) -> cmp.PkiMessageView:
        parsed.append(der)
        return real(der, **kwargs)
    monkeypatch.setattr(cmp, "parse_message", counting)
    _, csr = make_csr({"commonName": "vnfc.lazy.test"}, ["vnfc.lazy.test"])
    first = vnfm.p10cr("VNFCI_certificate", csr, vnfci_id="v1", chain_request=False)
    previous = dataclasses.replace(first, message=SimpleNamespace(sender_nonce=b"r" * 16, responses=()))
    poll = vnfm.poll("VNFCI_certificate", previous)  # type: ignore[arg-type]
    conf = vnfm.cert_conf("VNFCI_certificate", previous, signer[1])  # type: ignore[arg-type]
    revoke = vnfm.rr("VNFCI_certificate", signer[1])
    vnfm.close()
    exchanges = (first, poll, conf, revoke)
    assert parsed == [b"not a PKIMessage"] * 4 and all(e.message is None for e in exchanges)  # the answers only
    for exchange, sent in zip(exchanges, seen):
        request = exchange.request
        assert isinstance(request, SentRequest) and request.raw == sent
        view = real(sent)
        assert (request.body_type, request.transaction_id, request.sender_nonce, request.recip_nonce) == \
            (view.body_type, view.transaction_id, view.sender_nonce, view.recip_nonce)
        assert len(request.sender_nonce) == 16
        assert request.extra_certs == view.extra_certs  # any other field: decoded on first use
    assert [e.request.body_type for e in exchanges] == ["p10cr", "pollReq", "certConf", "rr"]
    assert poll.request.transaction_id == conf.request.transaction_id == first.request.transaction_id
    assert len({e.request.sender_nonce for e in exchanges}) == 4


def test_render_ahead_and_prerender_give_what_reading_gives(p10cr: bytes) -> None:
    """A run that writes a report renders ahead in a worker process, a report renders the rest on every core:
    either way each event's texts are exactly what rendering it on first read gives, secrets redacted. (Fresh
    interpreters render as this one does only because wire/cmp/pretty.py imports the pyasn1-alt-modules that
    pkilint would add to the open-type maps later; without that the suite's worker, which has linted, differed.)"""
    from pkilint.pkix import certificate  # noqa: F401  (the state of a process that has linted a certificate)

    ahead, lazy = Trace(), Trace()
    with ahead.render_ahead():
        for t in (ahead, lazy):
            t.record("VNFM", "CMF", "http-request", "POST /p", body=p10cr, content_type=PKIXCMP, cmp_label=True)
            t.record("CMF", "VNFM", "http-response", "200 OK", body=json.dumps({"key": PEM_KEY}).encode(),
                     content_type="application/json")
    done = ahead.events()
    assert all("_ahead" in e.__dict__ for e in done)  # submitted while recording, not decoded in this process
    trace_module.prerender(done)
    assert all("_shown_body_text" in e.__dict__ and "_ahead" not in e.__dict__ for e in done)
    import difflib

    for got, want in zip(done, lazy.events()):  # the worker is another interpreter: same code, same text
        assert got.summary == want.summary
        assert got.body_text == want.body_text, "\n".join(difflib.unified_diff(
            want.body_text.splitlines(), got.body_text.splitlines(), "read", "ahead", lineterm="", n=1))
    assert "utf8String=vnfm.lazy.test" in done[0].body_text and "p10cr" in done[0].summary
    assert PEM_KEY not in done[1].body_text and REDACTED_KEY in done[1].body_text
    many = Trace()
    for _ in range(trace_module.PARALLEL_FROM):
        many.record("VNFM", "CMF", "http-request", "POST /p", body=p10cr, content_type=PKIXCMP, cmp_label=True)
    assert trace_module.prerender(many.events(), workers=2) == trace_module.PARALLEL_FROM
    assert {e.body_text for e in many.events()} == {lazy.events()[0].body_text}
