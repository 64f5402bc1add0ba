"""CMP codec, part 2: CRMF ir/cr/kur, genm/genp, MAC protection (PBM, PBMAC1), and interop with
OpenSSL 3's ``openssl cmp`` through its in-process mock server (``-use_mock_srv``, no sockets).

OpenSSL 3.0 has no PBMAC1 for CMP message protection (it came with 3.4), so PBMAC1 is checked
by round trip and against an independent computation (hashlib PBKDF2 + hmac) only.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1_alt_modules import rfc8018, rfc9810

import wire.cmp as cmp
from wire.cmp import PkiMessageView, parse_message
from simulators.pki import Issued, make_entity, make_intermediate, make_root

SECRET = b"S3cret-for-tests"
WRONG = b"not-the-secret"
CA_CERTS = "1.3.6.1.5.5.7.4.17"  # id-it-caCerts
HMAC_SHA256 = "1.2.840.113549.2.9"
SUBJECT = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vnfc-1")])


@dataclass(frozen=True)
class Pki:
    root: Issued
    ca: Issued
    vnfm: Issued
    cmf: Issued
    key: ec.EllipticCurvePrivateKey  # the enrolled (new) key
    leaf: x509.Certificate  # issued for ``key``; OpenSSL's mock returns it for every request


@pytest.fixture(scope="module")
def pki() -> Pki:
    root = make_root("CMP Test Root 2")
    ca = make_intermediate(root, "CMP Test CA 2")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc)
    leaf = (
        x509.CertificateBuilder().subject_name(SUBJECT).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(0x4321)
        .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(days=1))
        .sign(ca.key, hashes.SHA256())
    )
    return Pki(root, ca, make_entity(ca, "vnfm-1"), make_entity(ca, "cmf-1"), key, leaf)


def sig_kw(pki: Pki) -> dict[str, Any]:
    return {"sender": pki.vnfm.name, "recipient": pki.cmf.name, "signer_key": pki.vnfm.key,
            "signer_cert": pki.vnfm.cert, "extra_certs": (pki.ca.cert,)}


def mac_kw(pki: Pki, alg: str = "pbm") -> dict[str, Any]:
    return {"sender": pki.vnfm.name, "recipient": pki.cmf.name, "signer_key": None, "signer_cert": None,
            "mac_secret": SECRET, "mac_alg": alg, "sender_kid": b"client1"}


def kur_kw(pki: Pki) -> dict[str, Any]:
    """kur is signed with the key of the certificate being updated (RFC 9483 4.1.3)."""
    return {"sender": pki.leaf.subject, "recipient": pki.cmf.name, "signer_key": pki.key,
            "signer_cert": pki.leaf, "extra_certs": (pki.ca.cert,), "old_cert": pki.leaf}


def assert_mac(view: PkiMessageView, alg: str) -> None:
    assert cmp.verify_mac_protection(view, SECRET)
    assert not cmp.verify_mac_protection(view, WRONG)
    assert cmp.verify_pbm_protection(view, SECRET) is (alg == "pbm")
    assert cmp.verify_pbmac1_protection(view, SECRET) is (alg == "pbmac1")
    assert view.protection_alg == (cmp.PASSWORD_BASED_MAC if alg == "pbm" else cmp.PBMAC1)


# -- CRMF builders and the template view ----------------------------------------------------------


@pytest.mark.parametrize("build", [cmp.build_ir, cmp.build_cr])
def test_ir_cr_template_and_popo(pki: Pki, build: Callable[..., bytes]) -> None:
    sans = [x509.DNSName("vnfc-1.example"), x509.IPAddress(ipaddress.ip_address("192.0.2.7")),
            x509.UniformResourceIdentifier("urn:vnfc:1")]
    eku = x509.Extension(x509.ExtendedKeyUsage.oid, True,
                         x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]))
    view = parse_message(build(new_key=pki.key, subject=SUBJECT, subject_alt_names=sans, extensions=[eku],
                               implicit_confirm=True, **sig_kw(pki)))
    assert view.body_type == build.__name__.removeprefix("build_")
    assert cmp.verify_signature_protection(view, pki.vnfm.cert) and view.implicit_confirm
    (tpl,) = view.cert_templates
    assert (tpl.cert_req_id, tpl.subject, tpl.popo, tpl.popo_verified) == (0, SUBJECT, "signature", True)
    assert tpl.popo_alg == "1.2.840.10045.4.3.2"
    assert tpl.public_key == pki.key.public_key()
    assert tpl.subject_alt_names == tuple(sans)
    assert [(oid, crit) for oid, crit, _ in tpl.extensions] == [("2.5.29.37", True), ("2.5.29.17", False)]
    assert tpl.old_cert_serial is None


def test_popo_variants_and_rsa(pki: Pki) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    wrong = parse_message(cmp.build_ir(new_key=pki.key, subject=SUBJECT, popo_key=other, **sig_kw(pki)))
    assert wrong.cert_templates[0].popo_verified is False
    ra = parse_message(cmp.build_cr(new_key=pki.key, subject=None, popo="raVerified", **sig_kw(pki)))
    assert (ra.cert_templates[0].popo, ra.cert_templates[0].popo_verified, ra.cert_templates[0].subject) == (
        "raVerified", None, None)
    none = parse_message(cmp.build_cr(new_key=pki.key, subject=SUBJECT, popo="none", cert_req_id=5, **sig_kw(pki)))
    assert (none.cert_templates[0].popo, none.cert_templates[0].cert_req_id) == (None, 5)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signed = parse_message(cmp.build_ir(new_key=rsa_key, subject=SUBJECT, **sig_kw(pki)))
    assert signed.cert_templates[0].popo_verified and signed.cert_templates[0].popo_alg == "1.2.840.113549.1.1.11"


def test_kur_old_cert_id(pki: Pki) -> None:
    new_key = ec.generate_private_key(ec.SECP256R1())
    view = parse_message(cmp.build_kur(new_key=new_key, subject=SUBJECT, **kur_kw(pki)))
    assert view.body_type == "kur" and cmp.verify_signature_protection(view, pki.leaf)
    (tpl,) = view.cert_templates
    assert (tpl.old_cert_serial, tpl.old_cert_issuer) == (pki.leaf.serial_number, pki.ca.name)
    assert tpl.public_key == new_key.public_key() and tpl.popo_verified


def test_genm_genp(pki: Pki) -> None:
    genm = parse_message(cmp.build_genm(info_types=[CA_CERTS, "1.3.6.1.5.5.7.4.16"], **sig_kw(pki)))
    assert genm.body_type == "genm" and genm.gen_info_raw == ((CA_CERTS, None), ("1.3.6.1.5.5.7.4.16", None))
    assert cmp.verify_signature_protection(genm, pki.vnfm.cert)
    value = bytes.fromhex("0500")  # any DER value, passed through as is
    genp = parse_message(cmp.build_genp(request=genm, items=[(CA_CERTS, None), ("1.2.3.4", value)],
                                        signer_key=pki.cmf.key, signer_cert=pki.cmf.cert))
    assert genp.body_type == "genp" and genp.gen_info_raw == ((CA_CERTS, None), ("1.2.3.4", value))
    assert genp.transaction_id == genm.transaction_id and genp.recip_nonce == genm.sender_nonce
    assert cmp.verify_signature_protection(genp, pki.cmf.cert)


# -- MAC protection ------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["pbm", "pbmac1"])
def test_mac_protection_all_builders(pki: Pki, alg: str) -> None:
    kw = mac_kw(pki, alg)
    ir = parse_message(cmp.build_ir(new_key=pki.key, subject=SUBJECT, **kw))
    assert ir.sender_kid == b"client1" and not cmp.verify_signature_protection(ir, pki.vnfm.cert)
    assert ir.cert_templates[0].popo_verified
    requests = [
        ir,
        parse_message(cmp.build_cr(new_key=pki.key, subject=SUBJECT, **kw)),
        parse_message(cmp.build_kur(new_key=pki.key, subject=SUBJECT, **kw)),
        parse_message(cmp.build_genm(info_types=[CA_CERTS], **kw)),
        parse_message(cmp.build_rr(serial=1, issuer=pki.ca.name, reason=0, **kw)),
        parse_message(cmp.build_poll_req(transaction_id=ir.transaction_id or b"", recip_nonce=b"n" * 16, **kw)),
        parse_message(cmp.build_cert_conf(cert=pki.leaf, transaction_id=b"t" * 16, recip_nonce=b"n" * 16, **kw)),
    ]
    srv = {"signer_key": None, "signer_cert": None, "mac_secret": SECRET, "mac_alg": alg, "sender_kid": b"mocksrv",
           "request": ir}
    responses = [
        parse_message(cmp.build_ip(status=0, cert=pki.leaf, **srv)),
        parse_message(cmp.build_kup(status=0, cert=pki.leaf, **srv)),
        parse_message(cmp.build_cp(status=0, cert=pki.leaf, **srv)),
        parse_message(cmp.build_genp(items=[(CA_CERTS, None)], **srv)),
        parse_message(cmp.build_rp(status=0, **srv)),
        parse_message(cmp.build_poll_rep(check_after=1, **srv)),
        parse_message(cmp.build_error(fail_info=["badRequest"], **srv)),
        parse_message(cmp.build_pki_conf(**srv)),
    ]
    for view in requests + responses:
        assert_mac(view, alg)
    assert [r.body_type for r in responses] == ["ip", "kup", "cp", "genp", "rp", "pollRep", "error", "pkiconf"]
    assert all(r.sender_kid == b"mocksrv" and r.recip_nonce == ir.sender_nonce for r in responses)
    tampered = bytearray(ir.raw)
    tampered[ir.raw.index(ir.sender_nonce or b"")] ^= 1
    assert not cmp.verify_mac_protection(parse_message(bytes(tampered)), SECRET)


def test_mac_parameters_match_rfcs(pki: Pki) -> None:
    pbm = parse_message(cmp.build_genm(info_types=[CA_CERTS], **mac_kw(pki, "pbm")))
    params, _ = der_decode(pbm.protection_alg_params or b"", asn1Spec=rfc9810.PBMParameter())
    assert (str(params["owf"]["algorithm"]), str(params["mac"]["algorithm"])) == ("2.16.840.1.101.3.4.2.1", HMAC_SHA256)
    assert int(params["iterationCount"]) == 10_000 and len(bytes(params["salt"])) == 16
    # independent PBM computation (RFC 4211 4.4)
    key = SECRET + bytes(params["salt"])
    for _ in range(10_000):
        key = hashlib.sha256(key).digest()
    assert hmac.new(key, pbm.protected_part_der, "sha256").digest() == pbm.protection

    view = parse_message(cmp.build_genm(info_types=[CA_CERTS], mac_iterations=2048, **mac_kw(pki, "pbmac1")))
    assert view.protection_alg == "1.2.840.113549.1.5.14"
    outer, _ = der_decode(view.protection_alg_params or b"", asn1Spec=rfc8018.PBMAC1_params())
    assert str(outer["keyDerivationFunc"]["algorithm"]) == "1.2.840.113549.1.5.12"
    assert str(outer["messageAuthScheme"]["algorithm"]) == HMAC_SHA256
    kdf, _ = der_decode(bytes(outer["keyDerivationFunc"]["parameters"]), asn1Spec=rfc8018.PBKDF2_params())
    salt = bytes(kdf["salt"]["specified"])
    assert (int(kdf["iterationCount"]), int(kdf["keyLength"]), str(kdf["prf"]["algorithm"])) == (2048, 32, HMAC_SHA256)
    # independent PBMAC1 computation (RFC 9481 6.1.1): PBKDF2-HMAC-SHA256, then HMAC-SHA256
    mac_key = hashlib.pbkdf2_hmac("sha256", SECRET, salt, 2048, 32)
    assert hmac.new(mac_key, view.protected_part_der, "sha256").digest() == view.protection
    assert "S3cret" not in repr(cmp.MacProtection(SECRET))


def test_mac_verification_rejects_junk(pki: Pki) -> None:
    signed = parse_message(cmp.build_genm(info_types=[CA_CERTS], **sig_kw(pki)))
    assert not cmp.verify_mac_protection(signed, SECRET)
    with pytest.raises(ValueError):
        cmp.build_genm(info_types=[], mac_alg="hmac", **{k: v for k, v in mac_kw(pki).items() if k != "mac_alg"})
    with pytest.raises(ValueError):
        cmp.build_genm(info_types=[], mac_iterations=0, **mac_kw(pki))


# -- interop with OpenSSL 3 `openssl cmp` (in-process mock server, no sockets) ----------------------


def _openssl_cmp() -> bool:
    probe = shutil.which("openssl") and subprocess.run(["openssl", "cmp", "-help"], capture_output=True, text=True)
    return bool(probe) and "-use_mock_srv" in probe.stdout + probe.stderr  # type: ignore[union-attr]


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None or not _openssl_cmp(),
                                   reason="openssl with the cmp app not available")


@pytest.fixture()
def files(pki: Pki, tmp_path: Path) -> Path:
    leaf_key = pki.key.private_bytes(Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pem = {"root.crt": pki.root.cert_pem(), "ca.crt": pki.ca.cert_pem(), "vnfm.crt": pki.vnfm.cert_pem(),
           "vnfm.key": pki.vnfm.key_pem(), "cmf.crt": pki.cmf.cert_pem(), "cmf.key": pki.cmf.key_pem(),
           "leaf.crt": pki.leaf.public_bytes(Encoding.PEM), "leaf.key": leaf_key}
    for name, data in pem.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


# The mock server answers every enrollment with leaf.crt, genm with id-it-caCerts (the -srv_trusted
# certificates); it protects by signature (cmf.key) or, for a PBM request, PBM with -srv_secret.
_SERVER = ("-use_mock_srv", "-srv_cert", "cmf.crt", "-srv_key", "cmf.key", "-srv_trusted", "root.crt",
           "-srv_ref", "mocksrv", "-srv_secret", f"pass:{SECRET.decode()}", "-rsp_cert", "leaf.crt",
           "-rsp_capubs", "root.crt", "-grant_implicitconf")
_SIG_CLIENT = ("-cert", "vnfm.crt", "-key", "vnfm.key", "-extracerts", "ca.crt", "-srvcert", "cmf.crt")
_KUR_CLIENT = ("-cert", "leaf.crt", "-key", "leaf.key", "-extracerts", "ca.crt", "-srvcert", "cmf.crt")
_PBM_CLIENT = ("-ref", "client1", "-secret", f"pass:{SECRET.decode()}", "-recipient", "/CN=cmf-1")


def _openssl(cwd: Path, cmd: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", "cmp", "-config", "", "-cmd", cmd, *_SERVER, "-newkey", "leaf.key",
                           "-certout", "out.crt", "-infotype", "caCerts", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=20)


def _send(cwd: Path, cmd: str, request: bytes, client: tuple[str, ...]) -> PkiMessageView:
    """Send a codec-built request through OpenSSL's mock server; the parsed response."""
    (cwd / "ours.der").write_bytes(request)
    (cwd / "rsp.der").unlink(missing_ok=True)
    result = _openssl(cwd, cmd, "-reqin", "ours.der", "-rspout", "rsp.der", *client)
    assert result.returncode == 0, result.stderr
    return parse_message((cwd / "rsp.der").read_bytes())


def _assert_enrolled(rsp: PkiMessageView, req: PkiMessageView, body: str, pki: Pki) -> None:
    assert rsp.body_type == body and rsp.transaction_id == req.transaction_id
    assert rsp.recip_nonce == req.sender_nonce and rsp.implicit_confirm
    (response,) = rsp.responses
    assert (response.cert_req_id, response.status, response.certificate) == (0, 0, pki.leaf)


@needs_openssl
def test_openssl_mock_accepts_signed_crmf_and_genm(pki: Pki, files: Path) -> None:
    for build, cmd, body in ((cmp.build_ir, "ir", "ip"), (cmp.build_cr, "cr", "cp")):
        der = build(new_key=pki.key, subject=SUBJECT, subject_alt_names=[x509.DNSName("vnfc-1.example")],
                    implicit_confirm=True, **sig_kw(pki))
        rsp = _send(files, cmd, der, _SIG_CLIENT)
        _assert_enrolled(rsp, parse_message(der), body, pki)
        assert cmp.verify_signature_protection(rsp, pki.cmf.cert) and cmp.protection_signer(rsp) == pki.cmf.cert
    kur = cmp.build_kur(new_key=pki.key, subject=SUBJECT, implicit_confirm=True, **kur_kw(pki))
    rsp = _send(files, "kur", kur, _KUR_CLIENT)
    _assert_enrolled(rsp, parse_message(kur), "kup", pki)
    assert cmp.verify_signature_protection(rsp, pki.cmf.cert)
    genp = _send(files, "genm", cmp.build_genm(info_types=[CA_CERTS], **sig_kw(pki)), _SIG_CLIENT)
    assert genp.body_type == "genp" and cmp.verify_signature_protection(genp, pki.cmf.cert)
    assert [oid for oid, _ in genp.gen_info_raw] == [CA_CERTS]


@needs_openssl
def test_openssl_mock_accepts_pbm_requests(pki: Pki, files: Path) -> None:
    for build, cmd, body in ((cmp.build_ir, "ir", "ip"), (cmp.build_cr, "cr", "cp")):
        der = build(new_key=pki.key, subject=SUBJECT, implicit_confirm=True, **mac_kw(pki))
        rsp = _send(files, cmd, der, _PBM_CLIENT)
        _assert_enrolled(rsp, parse_message(der), body, pki)
        assert rsp.sender_kid == b"mocksrv" and rsp.protection_alg == cmp.PASSWORD_BASED_MAC
        assert cmp.verify_mac_protection(rsp, SECRET) and not cmp.verify_mac_protection(rsp, WRONG)
    genp = _send(files, "genm", cmp.build_genm(info_types=[CA_CERTS], **mac_kw(pki)), _PBM_CLIENT)
    assert genp.body_type == "genp" and cmp.verify_pbm_protection(genp, SECRET)
    # a wrong secret on our side: OpenSSL's mock server refuses the request
    (files / "ours.der").write_bytes(cmp.build_genm(info_types=[CA_CERTS], **(mac_kw(pki) | {"mac_secret": WRONG})))
    assert _openssl(files, "genm", "-reqin", "ours.der", "-rspout", "rsp.der", *_PBM_CLIENT).returncode != 0
    error = parse_message((files / "rsp.der").read_bytes())
    assert error.body_type == "error" and cmp.verify_pbm_protection(error, SECRET)


@needs_openssl
@pytest.mark.parametrize(("cmd", "body", "client"), [
    ("ir", "ip", _SIG_CLIENT), ("cr", "cp", _SIG_CLIENT), ("kur", "kup", _KUR_CLIENT), ("genm", "genp", _SIG_CLIENT),
    ("ir", "ip", _PBM_CLIENT), ("cr", "cp", _PBM_CLIENT), ("genm", "genp", _PBM_CLIENT),
])
def test_openssl_client_requests_parse(pki: Pki, files: Path, cmd: str, body: str, client: tuple[str, ...]) -> None:
    extra = ("-subject", "/CN=vnfc-1", "-sans", "vnfc-1.example 192.0.2.7") if cmd in ("ir", "cr") else ()
    result = _openssl(files, cmd, "-reqout", "req.der", "-rspout", "rsp.der", "-implicit_confirm", *client, *extra)
    assert result.returncode == 0, result.stderr
    req, rsp = parse_message((files / "req.der").read_bytes()), parse_message((files / "rsp.der").read_bytes())
    assert (req.body_type, rsp.body_type) == (cmd, body)
    if client is _PBM_CLIENT:
        assert req.sender_kid == b"client1" and cmp.verify_mac_protection(req, SECRET)
        assert not cmp.verify_mac_protection(req, WRONG) and cmp.verify_mac_protection(rsp, SECRET)
    else:
        signer = pki.leaf if cmd == "kur" else pki.vnfm.cert
        assert cmp.verify_signature_protection(req, signer) and cmp.verify_signature_protection(rsp, pki.cmf.cert)
    if cmd == "genm":
        assert req.gen_info_raw == ((CA_CERTS, None),)
        return
    (tpl,) = req.cert_templates
    assert tpl.public_key == pki.key.public_key() and tpl.popo == "signature" and tpl.popo_verified
    assert tpl.subject == SUBJECT and tpl.cert_req_id == 0
    if cmd == "kur":
        assert (tpl.old_cert_serial, tpl.old_cert_issuer) == (pki.leaf.serial_number, pki.ca.name)
    else:
        assert tpl.subject_alt_names == (x509.DNSName("vnfc-1.example"), x509.IPAddress(ipaddress.ip_address("192.0.2.7")))


@needs_openssl
def test_openssl_30_has_no_pbmac1(pki: Pki, files: Path) -> None:
    """Documents the interop gap: OpenSSL before 3.4 refuses PBMAC1-protected messages."""
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.split()
    if len(version) > 1 and tuple(int(p) for p in version[1].split(".")[:2] if p.isdigit()) >= (3, 4):
        pytest.skip("OpenSSL 3.4+ may support PBMAC1")
    (files / "ours.der").write_bytes(cmp.build_genm(info_types=[CA_CERTS], **mac_kw(pki, "pbmac1")))
    assert _openssl(files, "genm", "-reqin", "ours.der", "-rspout", "rsp.der", *_PBM_CLIENT).returncode != 0
