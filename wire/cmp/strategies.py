"""Hypothesis strategies for hostile CMP input (issue 3 item 6): malformed and adversarial
PKIMessages derived from valid DER requests.

Structure is built with pyasn1 and the codec; the only hand-made bytes are mutations of valid
encodings (cuts, tag and length octets, XOR flips). Factories take keyword-only arguments and
never return a ``valid`` input unchanged (except :func:`replayed_messages`). Given a
:class:`Signer`, a factory re-protects what it changed with the legitimate key, so that the
change itself, not a broken signature, is what the server has to detect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import char, univ
from pyasn1_alt_modules import rfc9810

from .asn1util import cert_to_asn1, fill_status_info, name_to_asn1, set_directory_name
from .header import HeaderFields, SigningKey, finish_message, sign
from .parse import parse_message, raw_parts
from .requests import build_cert_conf, build_p10cr, build_poll_req, build_rr

Region = Literal["any", "protected", "extraCerts"]
BODY_KINDS = ("pollReq", "certConf", "rr", "p10cr", "genm", "ir", "pkiconf", "error")
# Replacement tags: context [0]..[9] primitive, [0]..[26] constructed (PKIBody), CMP's universal types.
_TAGS = (*range(0x80, 0x8A), *range(0xA0, 0xBB), 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x18, 0x30, 0x31)
_ALIEN_OIDS = ("1.2.840.113549.1.1.4", "1.2.840.113549.1.1.10", "1.3.101.112", "1.3.6.1.4.1.99999.1", "2.5.4.3")


@dataclass(frozen=True)
class Signer:
    """A requester's protection key and certificate (``chain``: issuer first, root last)."""

    key: SigningKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    def protection(self, header: bytes, body: bytes) -> bytes:
        """The [0] protection TLV over ProtectedPart {header, body}, both as they will be sent."""
        return _protection_tlv(sign(self.key, _sequence([header, body])))

    def codec_kwargs(self, recipient: x509.Name) -> dict[str, Any]:
        """Keyword arguments of the codec's request builders for a message to ``recipient``."""
        return {"sender": self.cert.subject, "recipient": recipient, "signer_key": self.key,
                "signer_cert": self.cert, "extra_certs": self.chain[:-1]}


# -- byte plumbing: pyasn1 encodes, these helpers only locate and splice TLVs ----------------
def _sequence(tlvs: Sequence[bytes]) -> bytes:
    seq = univ.SequenceOf(componentType=univ.Any())
    seq.extend([univ.Any(tlv) for tlv in tlvs])
    return bytes(der_encode(seq))


def _protection_tlv(signature: bytes) -> bytes:
    template = rfc9810.PKIMessage()["protection"]
    return bytes(der_encode(template.clone(hexValue=signature.hex()) if signature else template.clone(())))


def _split(der: bytes) -> tuple[bytes, bytes, bytes | None, bytes | None]:
    """(header, body, protection, extraCerts) TLVs of a valid PKIMessage."""
    parts = raw_parts(der)
    rest = {p[0]: p for p in parts[2:]}
    return parts[0], parts[1], rest.get(0xA0), rest.get(0xA1)


def _join(*parts: bytes | None) -> bytes:
    """A PKIMessage of the given (header, body, protection, extraCerts) TLVs, None ones left out."""
    return _sequence([p for p in parts if p is not None])


def _reprotect(der: bytes, signer: Signer | None, *, header: bytes | None = None, body: bytes | None = None) -> bytes:
    """``der`` with header/body replaced, re-protected by ``signer`` (else the old protection stays)."""
    old_header, old_body, protection, extra = _split(der)
    header, body = header or old_header, body or old_body
    return _join(header, body, signer.protection(header, body) if signer else protection, extra)


def _tl(data: bytes, pos: int) -> tuple[int, int] | None:
    """(tag + length octet count, content length) of the TLV at ``pos``, None if unparseable."""
    if pos + 2 > len(data) or data[pos] & 0x1F == 0x1F:
        return None
    if data[pos + 1] < 0x80:
        return 2, data[pos + 1]
    count = data[pos + 1] & 0x7F
    if not 0 < count <= 4 or pos + 2 + count > len(data):
        return None
    return 2 + count, int.from_bytes(data[pos + 2:pos + 2 + count], "big")


def _offsets(data: bytes, start: int = 0, end: int | None = None, depth: int = 0) -> list[int]:
    """Offsets of every TLV in ``data[start:end]``, recursing into constructed encodings."""
    end, out, pos = len(data) if end is None else end, [], start
    while pos < end and depth < 24:
        tl = _tl(data, pos)
        if tl is None or pos + tl[0] + tl[1] > end:
            break
        out.append(pos)
        if data[pos] & 0x20:
            out += _offsets(data, pos + tl[0], pos + tl[0] + tl[1], depth + 1)
        pos += tl[0] + tl[1]
    return out


def _span(der: bytes, region: Region) -> tuple[int, int]:
    """Byte range of ``region``: everything, all but extraCerts, or the extraCerts TLV."""
    extra = _split(der)[3]
    cut = len(der) - len(extra) if extra else len(der)
    return {"any": (0, len(der)), "protected": (0, cut), "extraCerts": (cut, len(der))}[region]


def _blob(draw: DrawFn, low: int, high: int) -> bytes:
    """``low``..``high`` bytes repeating a short drawn pattern (keeps Hypothesis' buffer small)."""
    size, pattern = draw(st.integers(low, high)), draw(st.binary(min_size=1, max_size=16))
    return (pattern * (size // len(pattern) + 1))[:size]


def _flip(draw: DrawFn, data: bytes, low: int, high: int, max_flips: int) -> bytes:
    """``data`` with 1..``max_flips`` bytes in ``[low, high)`` XORed with a non-zero mask."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, max_flips))):
        out[draw(st.integers(low, high - 1))] ^= draw(st.integers(1, 255))
    return bytes(out)


def _retag(draw: DrawFn, data: bytes, low: int, high: int) -> bytes:
    """``data`` with the tag octet of one TLV starting in ``[low, high)`` replaced."""
    pos = draw(st.sampled_from([p for p in _offsets(data) if low <= p < high]))
    tag = draw(st.one_of(st.sampled_from(_TAGS), st.integers(0, 255)).filter(lambda t: t != data[pos]))
    return data[:pos] + bytes([tag]) + data[pos + 1:]


def _pick(items: Sequence[Any]) -> SearchStrategy[Any]:
    """``sampled_from`` without the items in the strategy's repr (messages are kilobytes)."""
    return st.integers(0, len(items) - 1).map(tuple(items).__getitem__)


def _fresh(valid: Sequence[bytes], strategy: SearchStrategy[bytes]) -> SearchStrategy[bytes]:
    return strategy.filter(lambda der, known=frozenset(valid): der not in known)


def _in_region(valid: Sequence[bytes], region: Region) -> SearchStrategy[bytes]:
    return _pick([der for der in valid if _span(der, region)[0] < _span(der, region)[1]])


# -- the families ----------------------------------------------------------------------------
def truncated_messages(*, valid: Sequence[bytes], max_cut: int = 64) -> SearchStrategy[bytes]:
    """A valid message missing its last 1..``max_cut`` bytes, or cut anywhere."""
    def cut(der: bytes) -> SearchStrategy[bytes]:
        size = st.one_of(st.integers(1, min(max_cut, len(der) - 1)), st.integers(1, len(der) - 1))
        return size.map(lambda n: der[:-n])
    return _fresh(valid, _pick(valid).flatmap(cut))


def wrong_tag_messages(*, valid: Sequence[bytes], region: Region = "any") -> SearchStrategy[bytes]:
    """One tag octet in ``region`` replaced: the outer SEQUENCE's, a PKIMessage field's, or any
    nested TLV's."""
    @st.composite
    def build(draw: DrawFn) -> bytes:
        der = draw(_in_region(valid, region))
        return _retag(draw, der, *_span(der, region))
    return _fresh(valid, build())


def byte_flipped_messages(
    *, valid: Sequence[bytes], max_flips: int = 4, region: Region = "any"
) -> SearchStrategy[bytes]:
    """1..``max_flips`` bytes in ``region`` XORed with a non-zero mask."""
    @st.composite
    def build(draw: DrawFn) -> bytes:
        der = draw(_in_region(valid, region))
        return _flip(draw, der, *_span(der, region), max_flips)
    return _fresh(valid, build())


def oversize_length_messages(*, valid: Sequence[bytes]) -> SearchStrategy[bytes]:
    """One TLV's length octets claim more than there is (4-, 8- or 126-octet long form, up to
    2**64 - 1), or are BER's indefinite form."""
    @st.composite
    def build(draw: DrawFn) -> bytes:
        der = draw(_pick(valid))
        pos = draw(st.sampled_from(_offsets(der)))
        width, tl = draw(st.sampled_from([0, 4, 8, 126])), _tl(der, pos)
        assert tl is not None
        claim = draw(st.integers(len(der) - pos, 2 ** min(8 * width, 64) - 1)) if width else 0
        return der[:pos + 1] + bytes([0x80 | width]) + claim.to_bytes(width, "big") + der[pos + tl[0]:]
    return _fresh(valid, build())


def oversize_field_messages(
    *, valid: Sequence[bytes], signer: Signer | None = None, max_size: int = 65536, max_items: int = 64
) -> SearchStrategy[bytes]:
    """Built with pyasn1: a huge transactionID, senderNonce, recipNonce or senderKID (RFC 9483
    3.1: 128 bits for the first three) and, without ``signer``, also many long freeText strings,
    many generalInfo entries or many extraCerts lacking the protection certificate."""
    @st.composite
    def build(draw: DrawFn) -> bytes:
        der = draw(_pick(valid))
        message, _ = der_decode(der, asn1Spec=rfc9810.PKIMessage())
        header, others = message["header"], parse_message(der).extra_certs[1:]
        lists = ["freeText", "generalInfo", *(["extraCerts"] if others else [])] if signer is None else []
        field = draw(st.sampled_from(["transactionID", "senderNonce", "recipNonce", "senderKID", *lists]))
        if field == "extraCerts":
            extra = rfc9810.PKIMessage()["extraCerts"]
            for _ in range(draw(st.integers(2, max_items))):
                extra.append(cert_to_asn1(draw(st.sampled_from(others))))
            return _join(*_split(der)[:3], bytes(der_encode(extra)))
        if field not in ("freeText", "generalInfo"):
            header[field] = header[field].clone(_blob(draw, 17, max_size))
        for index in range(draw(st.integers(1, max_items)) if field in ("freeText", "generalInfo") else 0):
            blob = _blob(draw, 1, max_size // max_items)
            if field == "freeText":
                header["freeText"].append(char.UTF8String(blob.hex()))
                continue
            itav = header["generalInfo"].componentType.clone()
            itav["infoType"] = univ.ObjectIdentifier(f"1.3.6.1.4.1.99999.{index}")
            itav["infoValue"] = univ.Any(der_encode(univ.OctetString(blob)))
            header["generalInfo"].append(itav)
        return _reprotect(der, signer, header=bytes(der_encode(header)))
    return _fresh(valid, build())


def replayed_messages(*, sent: Sequence[bytes], signer: Signer | None = None) -> SearchStrategy[bytes]:
    """Messages the server has processed already: byte for byte or (with ``signer``) the same
    header (transactionID, senderNonce) and body under a fresh signature."""
    exact = _pick(sent)
    return exact if signer is None else st.one_of(exact, exact.map(lambda der: _reprotect(der, signer)))


def wrong_recipient_messages(*, valid: Sequence[bytes], signer: Signer | None = None) -> SearchStrategy[bytes]:
    """The recipient replaced by another directoryName (the sender, its CA, or random)."""
    text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF), min_size=1, max_size=64)
    names = text.map(lambda cn: x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
    if signer is not None:
        names = st.one_of(names, st.sampled_from([signer.cert.subject, signer.cert.issuer]))

    @st.composite
    def build(draw: DrawFn) -> bytes:
        der = draw(_pick(valid))
        message, _ = der_decode(der, asn1Spec=rfc9810.PKIMessage())
        recipient = parse_message(der).recipient
        set_directory_name(message["header"]["recipient"], draw(names.filter(lambda n: n != recipient)))
        return _reprotect(der, signer, header=bytes(der_encode(message["header"])))
    return _fresh(valid, build())


def swapped_protection_messages(*, valid: Sequence[bytes]) -> SearchStrategy[bytes]:
    """A valid message carrying the (valid) protection of another valid message."""
    pairs = st.lists(_pick(valid), min_size=2, max_size=2, unique=True)
    return _fresh(valid, pairs.map(lambda p: _join(*_split(p[0])[:2], _split(p[1])[2], _split(p[0])[3])))


def unprotected_messages(*, valid: Sequence[bytes]) -> SearchStrategy[bytes]:
    """Protection absent, empty or zeroed, or absent with protectionAlg; extraCerts kept or not."""
    @st.composite
    def build(draw: DrawFn) -> bytes:
        header, body, protection, extra = _split(draw(_pick(valid)))
        how = draw(st.sampled_from(["absent", "empty", "zeros", "no-alg"]))
        if how == "no-alg":
            decoded, _ = der_decode(header, asn1Spec=rfc9810.PKIHeader())
            header = bytes(der_encode(decoded.setComponentByName("protectionAlg", univ.noValue)))
        kept = {"empty": _protection_tlv(b""), "zeros": _protection_tlv(bytes(len(protection or b"") or 64))}.get(how)
        return _join(header, body, kept, extra if draw(st.booleans()) else None)
    return _fresh(valid, build())


def unsupported_body_messages(
    *, signer: Signer, cert: x509.Certificate, recipient: x509.Name, kinds: Sequence[str] = BODY_KINDS
) -> SearchStrategy[bytes]:
    """Correctly protected requests neither CMP endpoint may act on (``kinds`` of them): pollReq
    and certConf for an unknown transactionID, rr for an unknown serial of ``cert``'s issuer,
    p10cr for an unregistered name, and genm, ir, pkiconf and error bodies from a client."""
    kw, octets = signer.codec_kwargs(recipient), st.binary(min_size=16, max_size=16)

    def other(kind: str, txid: bytes) -> bytes:
        body = rfc9810.PKIBody()
        if kind == "genm":
            itav = body["genm"].componentType.clone()
            itav["infoType"] = univ.ObjectIdentifier("1.3.6.1.5.5.7.4.17")  # id-it-caCerts
            body["genm"].append(itav)
        elif kind == "ir":
            msg = body["ir"].componentType.clone()
            msg["certReq"]["certReqId"] = 0
            subject = name_to_asn1(cert.subject).getComponent()
            msg["certReq"]["certTemplate"]["subject"].setComponentByPosition(0, subject)
            body["ir"].append(msg)
        elif kind == "pkiconf":
            body["pkiconf"] = body["pkiconf"].clone("")
        else:
            fill_status_info(body["error"]["pKIStatusInfo"], 2, ("badRequest",), "client-side error")
        return finish_message(HeaderFields(transaction_id=txid, **kw), body)

    def p10cr(cn: str) -> bytes:
        csr = x509.CertificateSigningRequestBuilder().subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])).sign(signer.key, hashes.SHA256())
        return build_p10cr(csr_der=csr.public_bytes(Encoding.DER), **kw)

    options: dict[str, SearchStrategy[bytes]] = {
        "pollReq": st.builds(lambda t, n, i: build_poll_req(cert_req_id=i, transaction_id=t, recip_nonce=n, **kw),
                             octets, octets, st.integers(-1, 3)),
        "certConf": st.builds(lambda t, n: build_cert_conf(cert=cert, transaction_id=t, recip_nonce=n, **kw),
                              octets, octets),
        "rr": st.integers(1, 2 ** 159).map(lambda s: build_rr(serial=s, issuer=cert.issuer, reason=0, **kw)),
        "p10cr": st.text(st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=1, max_size=32).map(p10cr),
        **{k: octets.map(lambda t, k=k: other(k, t)) for k in ("genm", "ir", "pkiconf", "error")},
    }
    return st.one_of(*(options[kind] for kind in kinds))


def resigned_body_messages(
    *, valid: Sequence[bytes], signer: Signer, max_flips: int = 3, max_items: int = 64
) -> SearchStrategy[bytes]:
    """p10cr/rr bodies damaged, then correctly re-protected: XOR flips, a replaced tag, or (with
    pyasn1) an alien CSR signature algorithm or garbage CSR signature; an rr without serial or
    issuer, with an absurd serial, or with zero or ``max_items`` RevDetails."""
    bases = [der for der in valid if parse_message(der).body_type in ("p10cr", "rr")]
    base_bodies = frozenset(_split(der)[1] for der in bases)

    @st.composite
    def build(draw: DrawFn) -> bytes:
        der = draw(_pick(bases))
        (header, body, _, _), view = _split(der), parse_message(der)
        how = draw(st.sampled_from(["flip", "tag", "struct"]))
        if how == "flip":
            data = _flip(draw, body, 0, len(body), max_flips)
        elif how == "tag":
            data = _retag(draw, body, 0, len(body))
        elif view.body_type == "p10cr":
            decoded, _ = der_decode(body, asn1Spec=rfc9810.PKIBody())
            csr = decoded["p10cr"]
            if draw(st.booleans()):
                csr["signatureAlgorithm"]["algorithm"] = univ.ObjectIdentifier(draw(st.sampled_from(_ALIEN_OIDS)))
            else:
                csr["signature"] = csr["signature"].clone(hexValue=_blob(draw, 1, 600).hex())
            data = bytes(der_encode(decoded))
        else:
            detail, decoded = view.rev_details[0], rfc9810.PKIBody()
            serial = draw(st.one_of(st.none(), st.just(detail.serial), st.integers(-(2 ** 64), 0),
                                    st.integers(2 ** 160, 2 ** 4096)))
            issuer = draw(st.sampled_from([None, detail.issuer]))
            whole = serial == detail.serial and issuer is not None
            for _ in range(draw(st.sampled_from([0, max_items])) if whole else 1):
                item = decoded["rr"].componentType.clone()
                if serial is not None:
                    item["certDetails"]["serialNumber"] = serial
                if issuer is not None:
                    item["certDetails"]["issuer"].setComponentByPosition(0, name_to_asn1(issuer).getComponent())
                decoded["rr"].append(item)
            data = bytes(der_encode(decoded))
        assume(data not in base_bodies)
        return _reprotect(der, signer, header=header, body=data)
    return build()


def any_hostile(*, families: Mapping[str, SearchStrategy[bytes]]) -> SearchStrategy[tuple[str, bytes]]:
    """A family name, then a message from that family: ``(family name, message)``."""
    return st.sampled_from(sorted(families)).flatmap(lambda name: families[name].map(lambda der: (name, der)))


def hostile_families(
    *, valid: Sequence[bytes], sent: Sequence[bytes], signer: Signer, cert: x509.Certificate, recipient: x509.Name
) -> dict[str, SearchStrategy[bytes]]:
    """Every family, from one corpus: ``valid`` requests of ``signer`` (``sent``: those the server
    has processed), ``cert`` one of its issued certificates, ``recipient`` the server's name."""
    return {
        "truncated": truncated_messages(valid=valid),
        "wrong-tag": wrong_tag_messages(valid=valid, region="protected"),
        "wrong-tag-extracerts": wrong_tag_messages(valid=valid, region="extraCerts"),
        "byte-flip": byte_flipped_messages(valid=valid, region="protected"),
        "byte-flip-extracerts": byte_flipped_messages(valid=valid, region="extraCerts"),
        "oversize-length": oversize_length_messages(valid=valid),
        "oversize-field": oversize_field_messages(valid=valid),
        "oversize-field-signed": oversize_field_messages(valid=valid, signer=signer),
        "replayed": replayed_messages(sent=sent, signer=signer),
        "wrong-recipient": wrong_recipient_messages(valid=valid, signer=signer),
        "swapped-protection": swapped_protection_messages(valid=valid),
        "unprotected": unprotected_messages(valid=valid),
        "unsupported-body": unsupported_body_messages(
            signer=signer, cert=cert, recipient=recipient, kinds=[k for k in BODY_KINDS if k != "certConf"]),
        "certconf-out-of-context": unsupported_body_messages(
            signer=signer, cert=cert, recipient=recipient, kinds=["certConf"]),
        "resigned-body": resigned_body_messages(valid=valid, signer=signer),
    }
