"""CMP codec (wire.cmp): builders, parser, protection, pretty printer, OpenSSL interop."""

from __future__ import annotations

import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Literal

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wire.cmp as cmp
from wire.cmp import CmpDecodeError, PkiMessageView, parse_message
from wire.cmp.parse import raw_parts
from simulators.pki import Issued, make_entity, make_intermediate, make_root

ECDSA_SHA256 = "1.2.840.10045.4.3.2"


@dataclass(frozen=True)
class Pki:
    root: Issued
    ca: Issued
    vnfm: Issued  # client (VNFM) CMP signer
    cmf: Issued  # server (CMF) CMP signer
    csr_der: bytes
    leaf: x509.Certificate  # issued for the CSR's key


@pytest.fixture(scope="module")
def pki() -> Pki:
    root = make_root("CMP Test Root")
    ca = make_intermediate(root, "CMP Test CA")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vnfc-1")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    now = datetime.now(timezone.utc)
    leaf = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(0x1234)
        .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(days=1))
        .sign(ca.key, hashes.SHA256())
    )
    return Pki(root, ca, make_entity(ca, "vnfm-1"), make_entity(ca, "cmf-1"),
               csr.public_bytes(Encoding.DER), leaf)


def client_kw(pki: Pki) -> dict[str, Any]:
    return {"sender": pki.vnfm.name, "recipient": pki.cmf.name,
            "signer_key": pki.vnfm.key, "signer_cert": pki.vnfm.cert}


def server_kw(pki: Pki) -> dict[str, Any]:
    return {"signer_key": pki.cmf.key, "signer_cert": pki.cmf.cert}


def ski(cert: x509.Certificate) -> bytes:
    return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest


GENERAL_INFO = [(cmp.CERT_TYPE, cmp.CERT_TYPE_VNFC), (cmp.HANDLING, cmp.HANDLING_DELEGATION),
                (cmp.CERT_CHAIN_REQUEST, "true")]


@pytest.fixture(scope="module")
def p10cr(pki: Pki) -> bytes:
    return cmp.build_p10cr(csr_der=pki.csr_der, extra_certs=(pki.ca.cert,), general_info=GENERAL_INFO,
                           implicit_confirm=True, **client_kw(pki))


def assert_response_header(rsp: PkiMessageView, req: PkiMessageView, pki: Pki) -> None:
    assert rsp.pvno == 2
    assert rsp.transaction_id == req.transaction_id
    assert rsp.recip_nonce == req.sender_nonce
    assert rsp.sender_nonce is not None and len(rsp.sender_nonce) == 16
    assert rsp.sender_nonce != req.sender_nonce
    assert rsp.sender == pki.cmf.name and rsp.recipient == req.sender
    assert rsp.sender_kid == ski(pki.cmf.cert)
    assert cmp.verify_signature_protection(rsp, pki.cmf.cert)


# -- infotypes ---------------------------------------------------------------------------------


def test_infotype_binding() -> None:
    oid = cmp.urn_oid(cmp.CERT_TYPE)
    assert oid == f"2.25.{uuid.uuid5(uuid.NAMESPACE_URL, cmp.CERT_TYPE).int}"
    assert oid == cmp.urn_oid(cmp.CERT_TYPE) != cmp.urn_oid(cmp.HANDLING)
    for urn in cmp.KNOWN_URNS:
        assert cmp.oid_urn(cmp.urn_oid(urn)) == urn
    assert cmp.oid_urn("1.2.3.4") is None
    assert cmp.info_type_oid(cmp.HANDLING) == cmp.urn_oid(cmp.HANDLING)
    assert cmp.info_type_oid(cmp.HANDLING, {cmp.HANDLING: "1.2.3.4"}) == "1.2.3.4"
    assert cmp.oid_urn("1.2.3.4", {cmp.HANDLING: "1.2.3.4"}) == cmp.HANDLING
    assert cmp.info_type_oid("1.3.6.1.4.1.99") == "1.3.6.1.4.1.99"
    assert cmp.IMPLICIT_CONFIRM == "1.3.6.1.5.5.7.4.13"
    with pytest.raises(ValueError):
        cmp.info_type_oid(cmp.HANDLING, {cmp.HANDLING: "not-an-oid"})


# -- requests ----------------------------------------------------------------------------------


def test_p10cr_header_rules(pki: Pki, p10cr: bytes) -> None:
    view = parse_message(p10cr)
    assert view.body_type == "p10cr" and view.pvno == 2
    assert view.sender == pki.vnfm.name and view.recipient == pki.cmf.name
    assert view.message_time is not None and view.message_time.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - view.message_time) < timedelta(minutes=1)
    assert view.protection_alg == ECDSA_SHA256
    assert view.sender_kid == ski(pki.vnfm.cert)
    assert view.transaction_id is not None and len(view.transaction_id) == 16
    assert view.sender_nonce is not None and len(view.sender_nonce) == 16
    assert view.recip_nonce is None
    assert view.general_info == (*GENERAL_INFO, (cmp.IMPLICIT_CONFIRM, None))
    assert view.info(cmp.CERT_TYPE) == cmp.CERT_TYPE_VNFC and view.implicit_confirm
    assert view.extra_certs == (pki.vnfm.cert, pki.ca.cert)
    assert view.csr_der == pki.csr_der
    assert cmp.verify_signature_protection(view, pki.vnfm.cert)
    assert not cmp.verify_signature_protection(view, pki.cmf.cert)
    assert cmp.protection_signer(view) == pki.vnfm.cert
    again = parse_message(cmp.build_p10cr(csr_der=pki.csr_der, **client_kw(pki)))  # fresh IDs each time
    assert again.transaction_id != view.transaction_id and again.sender_nonce != view.sender_nonce
    assert not again.implicit_confirm and again.general_info == ()
    fixed = parse_message(cmp.build_p10cr(csr_der=pki.csr_der, transaction_id=b"T" * 16, sender_nonce=b"N" * 16,
                                          **client_kw(pki)))
    assert (fixed.transaction_id, fixed.sender_nonce) == (b"T" * 16, b"N" * 16)


def test_tampering_breaks_signature(pki: Pki, p10cr: bytes) -> None:
    for marker in (pki.csr_der[-8:], parse_message(p10cr).sender_nonce or b""):
        tampered = bytearray(p10cr)
        tampered[p10cr.index(marker) + 3] ^= 0x01
        view = parse_message(bytes(tampered))
        assert not cmp.verify_signature_protection(view, pki.vnfm.cert)
        assert cmp.protection_signer(view) is None


def test_rsa_and_unprotected(pki: Pki) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_signer = make_entity(pki.ca, "rsa-vnfm")
    cert = (x509.CertificateBuilder().subject_name(rsa_signer.name).issuer_name(pki.ca.name)
            .public_key(key.public_key()).serial_number(7).not_valid_before(rsa_signer.cert.not_valid_before_utc)
            .not_valid_after(rsa_signer.cert.not_valid_after_utc).sign(pki.ca.key, hashes.SHA256()))
    view = parse_message(cmp.build_p10cr(csr_der=pki.csr_der, sender=cert.subject, recipient=pki.cmf.name,
                                         signer_key=key, signer_cert=cert))
    assert view.protection_alg == "1.2.840.113549.1.1.11" and view.sender_kid is None
    assert cmp.verify_signature_protection(view, cert) and not cmp.verify_signature_protection(view, pki.vnfm.cert)
    bare = parse_message(cmp.build_p10cr(csr_der=pki.csr_der, sender=pki.vnfm.name, recipient=pki.cmf.name,
                                         signer_key=None, signer_cert=None))
    assert bare.protection is None and bare.protection_alg is None and bare.extra_certs == ()
    assert not cmp.verify_signature_protection(bare, pki.vnfm.cert)


def test_rr_rp(pki: Pki) -> None:
    rr = parse_message(cmp.build_rr(serial=0x1234, issuer=pki.ca.name, reason=1, **client_kw(pki)))
    assert rr.body_type == "rr" and cmp.verify_signature_protection(rr, pki.vnfm.cert)
    assert rr.rev_details == (cmp.RevDetailsView(0x1234, pki.ca.name, 1),)
    assert parse_message(cmp.build_rr(serial=5, issuer=pki.ca.name, **client_kw(pki))).rev_details[0].reason is None
    rp = parse_message(cmp.build_rp(request=rr, status=2, fail_info=["badCertId"], status_string="unknown",
                                    **server_kw(pki)))
    assert rp.body_type == "rp"
    assert rp.rev_statuses == (cmp.StatusView(2, frozenset({"badCertId"}), ("unknown",)),)
    assert_response_header(rp, rr, pki)


def test_poll(pki: Pki) -> None:
    req = parse_message(cmp.build_poll_req(transaction_id=b"t" * 16, recip_nonce=b"r" * 16, **client_kw(pki)))
    assert req.body_type == "pollReq" and req.poll_req_ids == (0,) and req.recip_nonce == b"r" * 16
    rep = parse_message(cmp.build_poll_rep(request=req, check_after=7, reason="CA busy", **server_kw(pki)))
    assert rep.poll_reps == (cmp.PollRepView(0, 7, "CA busy"),)
    assert_response_header(rep, req, pki)


def test_cert_conf_and_pkiconf(pki: Pki) -> None:
    kw = {"cert": pki.leaf, "transaction_id": b"t" * 16, "recip_nonce": b"r" * 16, **client_kw(pki)}
    conf = parse_message(cmp.build_cert_conf(**kw))
    digest = hashes.Hash(hashes.SHA256())
    digest.update(pki.leaf.public_bytes(Encoding.DER))
    assert conf.body_type == "certConf" and conf.pvno == 2
    assert conf.cert_confirms == (cmp.CertConfirmView(digest.finalize(), 0, None, None),)
    conf3 = parse_message(cmp.build_cert_conf(hash_alg=hashes.SHA384(), status=2, fail_info=["badCertTemplate"], **kw))
    (entry,) = conf3.cert_confirms
    assert conf3.pvno == 3 and entry.hash_alg == "2.16.840.1.101.3.4.2.2"
    assert entry.cert_hash == cmp.cert_hash(pki.leaf, entry.hash_alg)
    assert entry.status == cmp.StatusView(2, frozenset({"badCertTemplate"}))
    pkiconf = parse_message(cmp.build_pki_conf(request=conf, **server_kw(pki)))
    assert pkiconf.body_type == "pkiconf"
    assert_response_header(pkiconf, conf, pki)


# -- responses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["cp", "ip"])
def test_cp_with_certificate(pki: Pki, p10cr: bytes, body: Literal["cp", "ip"]) -> None:
    req = parse_message(p10cr)
    rsp = parse_message(cmp.build_cp(request=req, status=0, cert=pki.leaf, ca_pubs=(pki.root.cert,),
                                     extra_certs=(pki.ca.cert,), implicit_confirm_granted=True, body=body,
                                     **server_kw(pki)))
    assert rsp.body_type == body and rsp.implicit_confirm
    assert rsp.responses == (cmp.CertResponseView(0, 0, frozenset(), (), pki.leaf),)
    assert rsp.ca_pubs == (pki.root.cert,) and rsp.extra_certs == (pki.cmf.cert, pki.ca.cert)
    assert_response_header(rsp, req, pki)
    assert cmp.protection_signer(rsp) == pki.cmf.cert


def test_cp_waiting_and_rejection(pki: Pki, p10cr: bytes) -> None:
    req = parse_message(p10cr)
    waiting = parse_message(cmp.build_cp(request=req, status=3, cert=None, **server_kw(pki)))
    assert waiting.responses == (cmp.CertResponseView(0, 3, frozenset(), (), None),)
    assert not waiting.implicit_confirm
    with pytest.raises(ValueError):
        cmp.build_cp(request=req, status=3, cert=pki.leaf, **server_kw(pki))
    rejected = parse_message(cmp.build_cp(request=req, status=2, cert=None, fail_info=["badCertTemplate"],
                                          status_string="bad SAN", cert_req_id=-1, **server_kw(pki)))
    assert rejected.responses == (cmp.CertResponseView(-1, 2, frozenset({"badCertTemplate"}), ("bad SAN",), None),)
    with pytest.raises(ValueError):
        cmp.build_cp(request=req, status=2, cert=None, fail_info=["noSuchBit"], **server_kw(pki))


def test_error(pki: Pki, p10cr: bytes) -> None:
    req = parse_message(p10cr)
    err = parse_message(cmp.build_error(request=req, fail_info=["badPOP", "notAuthorized"], status_string="no",
                                        error_code=42, error_details=["detail"], **server_kw(pki)))
    assert err.body_type == "error"
    assert err.error_status == cmp.StatusView(2, frozenset({"badPOP", "notAuthorized"}), ("no",))
    assert (err.error_code, err.error_details) == (42, ("detail",))
    assert_response_header(err, req, pki)
    blind = parse_message(cmp.build_error(request=None, fail_info=["badDataFormat"], **server_kw(pki)))
    assert blind.recipient == x509.Name([]) and blind.recip_nonce is None
    assert blind.transaction_id is not None and len(blind.transaction_id) == 16


# -- malformed input and pretty printing -------------------------------------------------------


def test_malformed_inputs(p10cr: bytes) -> None:
    for cut in range(0, len(p10cr), 11):
        with pytest.raises(CmpDecodeError):
            parse_message(p10cr[:cut])
    with pytest.raises(CmpDecodeError, match="trailing"):
        parse_message(p10cr + b"\x00\x01")
    with pytest.raises(CmpDecodeError):
        parse_message(b"\x31" + p10cr[1:])  # SET instead of SEQUENCE
    parts = raw_parts(p10cr)  # header, body, protection, extraCerts TLVs
    body_tag = len(p10cr) - sum(len(p) for p in parts) + len(parts[0])
    assert p10cr[body_tag] == 0xA4  # [4] p10cr
    wrong = bytearray(p10cr)
    wrong[body_tag:body_tag + 1] = b"\xbf"  # high-tag-number form: no PKIBody alternative
    with pytest.raises(CmpDecodeError):
        parse_message(bytes(wrong))
    with pytest.raises(CmpDecodeError):
        parse_message("not bytes")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_random_bytes_only_raise_decode_error(data: bytes) -> None:
    try:
        parse_message(data)
    except CmpDecodeError:
        pass
    assert cmp.to_value_notation(data)  # never raises either


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
def test_mutated_message_only_raises_decode_error(pki: Pki, p10cr: bytes, data: st.DataObject) -> None:
    mutated = bytearray(p10cr)
    position = data.draw(st.integers(0, len(p10cr) - 1))
    mutated[position] ^= data.draw(st.integers(1, 255))
    try:
        view = parse_message(bytes(mutated))
    except CmpDecodeError:
        return
    cmp.verify_signature_protection(view, pki.vnfm.cert)  # must not raise


def test_pretty(p10cr: bytes) -> None:
    text = cmp.to_value_notation(p10cr)
    assert "p10cr=CertificationRequest" in text and cmp.HANDLING_DELEGATION in text
    assert f"-- {cmp.urn_oid(cmp.CERT_TYPE)} = {cmp.CERT_TYPE}" in text
    broken = cmp.to_value_notation(p10cr[:40])
    assert broken.startswith("-- not a decodable PKIMessage") and "00000000  30 82" in broken


# -- interop with OpenSSL 3 `openssl cmp` ------------------------------------------------------


def _openssl_cmp() -> bool:
    probe = shutil.which("openssl") and subprocess.run(["openssl", "cmp", "-help"], capture_output=True, text=True)
    return bool(probe) and "-use_mock_srv" in probe.stdout + probe.stderr  # type: ignore[union-attr]


needs_openssl = pytest.mark.skipif(not _openssl_cmp(), reason="openssl with the cmp app not available")


@pytest.fixture()
def files(pki: Pki, tmp_path: Path) -> dict[str, str]:
    pem = {"root.crt": pki.root.cert_pem(), "ca.crt": pki.ca.cert_pem(), "vnfm.crt": pki.vnfm.cert_pem(),
           "vnfm.key": pki.vnfm.key_pem(), "cmf.crt": pki.cmf.cert_pem(), "cmf.key": pki.cmf.key_pem(),
           "leaf.crt": pki.leaf.public_bytes(Encoding.PEM), "csr.der": pki.csr_der}
    for name, data in pem.items():
        (tmp_path / name).write_bytes(data)
    return {name: str(tmp_path / name) for name in (*pem, "out.crt")} | {"dir": str(tmp_path)}


def _openssl(files: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", "cmp", "-config", "", *args], capture_output=True, text=True,
                          cwd=files["dir"], timeout=20)


class _StubCmf:
    """Loopback CMP server made of the codec: answers p10cr (optionally via waiting + polling),
    pollReq, certConf and rr; records every parsed request."""

    def __init__(self, pki: Pki, *, poll: bool = False) -> None:
        self.pki, self.poll, self.polls = pki, poll, 0
        self.requests: list[PkiMessageView] = []

    def answer(self, req: PkiMessageView) -> bytes:
        kw = {"request": req, **server_kw(self.pki)}
        if req.body_type == "p10cr" and self.poll:
            return cmp.build_cp(status=3, cert=None, **kw)
        if req.body_type == "p10cr" or (req.body_type == "pollReq" and self.polls > 0):
            first = req if req.body_type == "p10cr" else self.requests[0]  # implicitConfirm asked in p10cr
            granted = first.implicit_confirm
            return cmp.build_cp(status=0, cert=self.pki.leaf, implicit_confirm_granted=granted,
                                ca_pubs=(self.pki.root.cert,), **kw)
        if req.body_type == "pollReq":
            self.polls += 1
            return cmp.build_poll_rep(check_after=0, reason="issuing", **kw)
        if req.body_type == "certConf":
            return cmp.build_pki_conf(**kw)
        if req.body_type == "rr":
            return cmp.build_rp(status=0, **kw)
        return cmp.build_error(fail_info=["badRequest"], **kw)

    @contextmanager
    def serve(self) -> Iterator[str]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                request = parse_message(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(request)
                body = stub.answer(request)
                self.send_response(200)
                self.send_header("Content-Type", "application/pkixcmp")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        try:
            yield f"127.0.0.1:{server.server_address[1]}/pkix/"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


def _client(files: dict[str, str], server: str, *args: str) -> subprocess.CompletedProcess[str]:
    return _openssl(files, "-server", server, "-srvcert", files["cmf.crt"], "-csr", files["csr.der"],
                    "-certout", files["out.crt"], *args)


@needs_openssl
@pytest.mark.parametrize("mode", ["implicit", "certConf", "poll"])
def test_openssl_client_enrolls_against_codec(pki: Pki, files: dict[str, str], mode: str) -> None:
    stub = _StubCmf(pki, poll=mode == "poll")
    with stub.serve() as server:
        result = _client(files, server, "-cmd", "p10cr", "-cert", files["vnfm.crt"], "-key", files["vnfm.key"],
                         "-extracerts", files["ca.crt"], "-reqout", "req1.der,req2.der,req3.der",
                         *(["-implicit_confirm"] if mode != "certConf" else []))
    assert result.returncode == 0, result.stderr
    assert x509.load_pem_x509_certificate(Path(files["out.crt"]).read_bytes()) == pki.leaf
    req = parse_message((Path(files["dir"]) / "req1.der").read_bytes())
    assert req == stub.requests[0]
    assert req.body_type == "p10cr" and req.pvno == 2 and req.csr_der == pki.csr_der
    assert req.sender == pki.vnfm.name and req.recipient == pki.cmf.name
    assert req.transaction_id is not None and len(req.transaction_id) == 16
    assert req.sender_kid == ski(pki.vnfm.cert) and req.implicit_confirm is (mode != "certConf")
    assert cmp.verify_signature_protection(req, pki.vnfm.cert)
    assert cmp.protection_signer(req) == pki.vnfm.cert
    assert "p10cr=CertificationRequest" in cmp.to_value_notation(req.raw)
    expected = {"implicit": ["p10cr"], "certConf": ["p10cr", "certConf"], "poll": ["p10cr", "pollReq", "pollReq"]}
    assert [r.body_type for r in stub.requests] == expected[mode]
    if mode == "certConf":
        conf = stub.requests[1]
        assert conf.transaction_id == req.transaction_id and conf.recip_nonce is not None
        assert conf.cert_confirms[0].cert_hash == cmp.cert_hash(pki.leaf)
        assert cmp.verify_signature_protection(conf, pki.vnfm.cert)
    if mode == "poll":
        assert stub.requests[1].poll_req_ids == (0,)


@needs_openssl
def test_openssl_client_rr_and_pbm_against_codec(pki: Pki, files: dict[str, str]) -> None:
    stub = _StubCmf(pki)
    with stub.serve() as server:
        revoked = _openssl(files, "-server", server, "-srvcert", files["cmf.crt"], "-cmd", "rr", "-revreason", "1",
                           "-oldcert", files["leaf.crt"], "-cert", files["vnfm.crt"], "-key", files["vnfm.key"])
        pbm = _client(files, server, "-cmd", "p10cr", "-ref", "client1", "-secret", "pass:S3cret",
                      "-recipient", "/CN=cmf-1", "-implicit_confirm")
    assert revoked.returncode == 0 and pbm.returncode == 0, revoked.stderr + pbm.stderr
    rr, req = stub.requests
    assert rr.rev_details == (cmp.RevDetailsView(pki.leaf.serial_number, pki.ca.name, 1),)
    assert req.sender_kid == b"client1" and req.protection_alg == "1.2.840.113533.7.66.13"
    assert cmp.verify_pbm_protection(req, b"S3cret") and not cmp.verify_pbm_protection(req, b"wrong")
    assert not cmp.verify_signature_protection(req, pki.vnfm.cert)


def _mock_server(files: dict[str, str], cmd: str, request: bytes) -> subprocess.CompletedProcess[str]:
    """Send a codec-built request to OpenSSL's in-process mock server (-use_mock_srv, no sockets)."""
    (Path(files["dir"]) / "ours.der").write_bytes(request)
    return _openssl(files, "-cmd", cmd, "-use_mock_srv", "-reqin", "ours.der", "-rspout", "rsp.der",
                    "-srv_cert", files["cmf.crt"], "-srv_key", files["cmf.key"], "-srv_trusted", files["root.crt"],
                    "-rsp_cert", files["leaf.crt"], "-rsp_capubs", files["root.crt"], "-grant_implicitconf",
                    "-cert", files["vnfm.crt"], "-key", files["vnfm.key"], "-srvcert", files["cmf.crt"],
                    "-csr", files["csr.der"], "-oldcert", files["leaf.crt"], "-certout", files["out.crt"])


@needs_openssl
def test_openssl_mock_server_accepts_codec_requests(pki: Pki, files: dict[str, str], p10cr: bytes) -> None:
    result = _mock_server(files, "p10cr", p10cr)
    assert result.returncode == 0, result.stderr
    req, rsp = parse_message(p10cr), parse_message((Path(files["dir"]) / "rsp.der").read_bytes())
    assert rsp.body_type == "cp" and rsp.implicit_confirm
    (response,) = rsp.responses
    assert (response.status, response.certificate, response.cert_req_id) == (0, pki.leaf, -1)  # RFC 9483: -1
    assert_response_header(rsp, req, pki)
    rr = cmp.build_rr(serial=pki.leaf.serial_number, issuer=pki.ca.name, reason=0, extra_certs=(pki.ca.cert,),
                      **client_kw(pki))
    assert _mock_server(files, "rr", rr).returncode == 0
    rp = parse_message((Path(files["dir"]) / "rsp.der").read_bytes())
    assert rp.body_type == "rp" and rp.rev_statuses[0].status == 0
    tampered = bytearray(p10cr)
    tampered[p10cr.index(req.protection or b"") + 10] ^= 1
    assert _mock_server(files, "p10cr", bytes(tampered)).returncode != 0
    error = parse_message((Path(files["dir"]) / "rsp.der").read_bytes())
    assert error.body_type == "error" and error.error_status is not None
    assert error.error_status.fail_info == {"badRequest"}
