"""Decoding of PKIMessages into a flat, immutable :class:`PkiMessageView`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from cryptography import x509
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import char, namedtype, tagmap, univ, useful
from pyasn1_alt_modules import rfc5280, rfc9810

from .asn1util import (
    any_to_cert,
    asn1_name_to_x509,
    copy_fields,
    fail_info_names,
    free_text,
    parse_generalized_time,
)
from .certreq import CertTemplateView, cert_template_views
from .errors import CmpDecodeError
from .infotypes import IMPLICIT_CONFIRM, oid_urn

_INFO_TYPE_SPECS: Mapping[Any, Any] = rfc9810.cmpInfoTypeAndValueMap


def _replaced(spec: Any, **components: Any) -> Any:
    """``spec`` (a SEQUENCE or CHOICE schema, tags kept) with some components' types replaced."""
    types = [nt.__class__(nt.name, components.get(nt.name, nt.asn1Object)) for nt in spec.componentType.namedTypes]
    return spec.__class__(componentType=namedtype.NamedTypes(*types), tagSet=spec.tagSet, subtypeSpec=spec.subtypeSpec)


class _TaggedDer(univ.Any):
    """An [n] EXPLICIT value kept as its DER (open type) that, unlike a plain ``Any``, matches only its own tag
    as a CHOICE alternative (``Any``'s tag map takes every unknown tag)."""

    @property
    def tagMap(self) -> tagmap.TagMap:
        return tagmap.TagMap({self.tagSet: self})


def _tagged_der(spec: Any) -> _TaggedDer:
    return _TaggedDer(tagSet=univ.Any.tagSet.tagExplicitly(spec.tagSet[-1]))


def _type(spec: Any, name: str) -> Any:
    return spec.componentType[name].asn1Object


def _der_certs(spec: univ.SequenceOf) -> univ.SequenceOf:
    """A SEQUENCE OF CMPCertificate whose certificates stay undecoded (open type ``Any``, their DER as received)."""
    return univ.SequenceOf(componentType=univ.Any(), tagSet=spec.tagSet, subtypeSpec=spec.subtypeSpec)


def _message_spec() -> rfc9810.PKIMessage:
    """rfc9810.PKIMessage with every certificate (extraCerts, caPubs, certOrEncCert.certificate) and the header's
    generalInfo items left undecoded (open types): the same structure and tags; each certificate is then decoded
    as before but once per distinct DER (:func:`any_to_cert`), not in every message (the largest share of a CMP
    message's decoding time)."""
    pair = rfc9810.CertifiedKeyPair()
    choice = _type(pair, "certOrEncCert")
    lazy_choice = _replaced(choice, certificate=_tagged_der(_type(choice, "certificate")))
    response = _replaced(rfc9810.CertResponse(), certifiedKeyPair=_replaced(pair, certOrEncCert=lazy_choice))
    body = rfc9810.PKIBody()
    reps = {}
    for name in ("ip", "cp", "kup", "ccp"):
        rep = _type(body, name)
        responses = _type(rep, "response")
        reps[name] = _replaced(rep, caPubs=_der_certs(_type(rep, "caPubs")), response=univ.SequenceOf(
            componentType=response, tagSet=responses.tagSet, subtypeSpec=responses.subtypeSpec))
    message = rfc9810.PKIMessage()
    header = _type(message, "header")
    # the header's generalInfo items are decoded one by one (_info_items): the SOL023 binding's infoType OIDs
    # (2.25.<UUID>) have arcs pyasn1-fasder cannot hold, so it never sees them
    items = _type(header, "generalInfo")
    lazy_items = univ.SequenceOf(componentType=univ.Any(), tagSet=items.tagSet, subtypeSpec=items.subtypeSpec)
    return _replaced(message, header=_replaced(header, generalInfo=lazy_items), body=_replaced(body, **reps),
                     extraCerts=_der_certs(_type(message, "extraCerts")))


_INFO_ITEM = _type(_type(rfc9810.PKIMessage(), "header"), "generalInfo").componentType
_MESSAGE_SPEC = _message_spec()


def _decode(data: bytes) -> tuple[Any, bytes]:
    """The PKIMessage by pyasn1-fasder (Rust, returns pyasn1 objects; pkilint's decoder), else by pyasn1:
    whatever fasder refuses, pyasn1 decides. On 3,014 valid and hostile messages (1,807 malformed) the views and
    errors were those of pyasn1 alone; it saves 15-20% of a message's parse time (the certificates and the
    generalInfo items, whose 2.25.<UUID> OIDs fasder cannot hold, are left to _MESSAGE_SPEC's open types)."""
    if _fasder is not None:
        try:
            return _fasder(data, asn1Spec=_MESSAGE_SPEC)
        except Exception:  # noqa: BLE001 - pyasn1 decides, and says why
            pass
    return der_decode(data, asn1Spec=_MESSAGE_SPEC)


try:
    from pyasn1_fasder import decode_der as _fasder
except ImportError:  # pragma: no cover - an optional speed-up (installed with pkilint)
    _fasder = None


@dataclass(frozen=True)
class StatusView:
    """A PKIStatusInfo."""

    status: int
    fail_info: frozenset[str] = frozenset()
    status_string: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertResponseView:
    """One CertResponse of a cp/ip/kup/ccp."""

    cert_req_id: int
    status: int
    fail_info: frozenset[str]
    status_string: tuple[str, ...]
    certificate: x509.Certificate | None
    encrypted_cert: bool = False


@dataclass(frozen=True)
class RevDetailsView:
    """One RevDetails of an rr (``reason`` from the crlEntryDetails reasonCode), or one CertId
    of an rp's revCerts (``reason`` None)."""

    serial: int | None
    issuer: x509.Name | None
    reason: int | None = None


class PollRepView(NamedTuple):
    cert_req_id: int
    check_after: int
    reason: str | None


class CertConfirmView(NamedTuple):
    cert_hash: bytes
    cert_req_id: int
    status: StatusView | None
    hash_alg: str | None = None  # dotted OID of hashAlg (cmp2021) when present


@dataclass(frozen=True)
class PkiMessageView:
    """Everything the harness needs from one PKIMessage. Absent fields are None / empty."""

    body_type: str
    pvno: int
    sender: x509.Name | None
    recipient: x509.Name | None
    sender_raw: bytes | None  # DER of the sender GeneralName, whatever its choice
    recipient_raw: bytes | None
    message_time: datetime | None
    message_time_raw: str | None
    protection_alg: str | None
    protection_alg_params: bytes | None  # DER of AlgorithmIdentifier.parameters
    sender_kid: bytes | None
    recip_kid: bytes | None
    transaction_id: bytes | None
    sender_nonce: bytes | None
    recip_nonce: bytes | None
    free_text: tuple[str, ...]
    general_info: tuple[tuple[str, object], ...]
    implicit_confirm: bool
    extra_certs: tuple[x509.Certificate, ...]
    protection: bytes | None
    protected_part_der: bytes
    raw: bytes
    csr_der: bytes | None = None
    responses: tuple[CertResponseView, ...] = ()
    ca_pubs: tuple[x509.Certificate, ...] = ()
    rev_details: tuple[RevDetailsView, ...] = ()
    rev_statuses: tuple[StatusView, ...] = ()
    rev_certs: tuple[RevDetailsView, ...] = ()
    poll_reps: tuple[PollRepView, ...] = ()
    poll_req_ids: tuple[int, ...] = ()
    cert_confirms: tuple[CertConfirmView, ...] = ()
    error_status: StatusView | None = None
    error_code: int | None = None
    error_details: tuple[str, ...] = ()
    gen_info: tuple[tuple[str, object], ...] = ()  # genm/genp content, decoded as general_info
    cert_templates: tuple[CertTemplateView, ...] = ()  # ir/cr/kur CertReqMessages
    gen_info_raw: tuple[tuple[str, bytes | None], ...] = ()  # genm/genp: (OID, infoValue DER)

    def info(self, urn_or_oid: str) -> object | None:
        """The generalInfo value for a URN (harness binding) or OID, or None."""
        for key, value in self.general_info:
            if key == urn_or_oid:
                return value
        return None


def _opt_bytes(value: univ.OctetString) -> bytes | None:
    return bytes(value) if value.isValue else None


def _python_value(value: Any) -> object:
    """A decoded infoValue as a plain Python value where there is an obvious one."""
    if isinstance(value, univ.Null):
        return None
    if isinstance(value, char.AbstractCharacterString):
        return str(value)
    if isinstance(value, useful.GeneralizedTime):
        return parse_generalized_time(value)
    if isinstance(value, univ.ObjectIdentifier):
        return str(value)
    if isinstance(value, univ.Integer):
        return int(value)
    if isinstance(value, univ.OctetString) and not isinstance(value, univ.Any):
        return bytes(value)
    if isinstance(value, univ.SequenceOf) and all(
        isinstance(v, (char.AbstractCharacterString, univ.ObjectIdentifier)) for v in value
    ):
        return tuple(str(v) for v in value)
    if isinstance(value, univ.Any):
        return bytes(value)
    return der_encode(value)


_ITEMS: dict[bytes, tuple[str, bytes | None]] = {}  # InfoTypeAndValue DER -> (infoType, infoValue DER | None)
_TEXTS: dict[bytes, object] = {}  # infoValue DER -> its UTF8String text, or the DER itself when it is not one
_MEMO_MAX = 4096


def _remember(memo: dict[bytes, Any], key: bytes, value: Any) -> Any:
    if len(memo) >= _MEMO_MAX:
        memo.clear()  # bounded; clear() is atomic where popping the oldest could race another thread
    memo[key] = value
    return value


def _info_item(der: bytes) -> tuple[str, bytes | None]:
    """(infoType, infoValue DER or None) of one generalInfo item, decoded once per distinct DER (a client's
    items mostly repeat from message to message); a malformed one raises every time."""
    known = _ITEMS.get(der)
    if known is not None:
        return known
    itav, rest = der_decode(der, asn1Spec=_INFO_ITEM)
    if rest:
        raise CmpDecodeError("trailing bytes after an InfoTypeAndValue")
    value = bytes(itav["infoValue"]) if itav["infoValue"].isValue else None
    return _remember(_ITEMS, der, (str(itav["infoType"]), value))  # type: ignore[no-any-return]


def _utf8_or_raw(raw: bytes) -> object:
    """A binding infoValue: the text of its UTF8String, else the bytes for the caller to judge (once per DER)."""
    if raw in _TEXTS:
        return _TEXTS[raw]
    value: object = raw
    try:
        text, rest = der_decode(raw, asn1Spec=char.UTF8String())
        if not rest:
            value = str(text)
    except Exception:  # not a UTF8String: keep the bytes for the caller to judge
        value = raw
    return _remember(_TEXTS, raw, value)


def _info_items(
    items: univ.SequenceOf, overrides: Mapping[str, str] | None
) -> tuple[tuple[tuple[str, object], ...], bool]:
    result: list[tuple[str, object]] = []
    implicit = False
    for itav in items:
        if isinstance(itav, univ.Any):  # a header's generalInfo item, left undecoded by _MESSAGE_SPEC
            oid, raw = _info_item(bytes(itav))
        else:
            oid = str(itav["infoType"])
            raw = bytes(itav["infoValue"]) if itav["infoValue"].isValue else None
        if oid == IMPLICIT_CONFIRM:
            implicit = True
            result.append((oid, None))
            continue
        urn = oid_urn(oid, overrides)
        if urn is not None:
            result.append((urn, raw if raw is None else _utf8_or_raw(raw)))
            continue
        spec = _INFO_TYPE_SPECS.get(univ.ObjectIdentifier(oid))
        if raw is not None and spec is not None:
            decoded, rest = der_decode(raw, asn1Spec=spec)
            if rest:
                raise CmpDecodeError(f"trailing bytes in infoValue of {oid}")
            result.append((oid, _python_value(decoded)))
        else:
            result.append((oid, raw))
    return tuple(result), implicit


def _directory_name(general_name: univ.Choice) -> x509.Name | None:
    if general_name.getName() != "directoryName":
        return None
    return asn1_name_to_x509(general_name.getComponent())


def _status(info: univ.Sequence) -> StatusView:
    fail = info["failInfo"]
    return StatusView(
        status=int(info["status"]),
        fail_info=fail_info_names(fail) if fail.isValue else frozenset(),
        status_string=free_text(info["statusString"]),
    )


def _cert_rep(rep: univ.Sequence) -> tuple[tuple[CertResponseView, ...], tuple[x509.Certificate, ...]]:
    ca_pubs = tuple(any_to_cert(c) for c in rep["caPubs"]) if rep["caPubs"].isValue else ()
    responses: list[CertResponseView] = []
    for response in rep["response"]:
        status = _status(response["status"])
        certificate = None
        encrypted = False
        pair = response["certifiedKeyPair"]
        if pair.isValue:
            coec = pair["certOrEncCert"]
            if coec.getName() == "certificate":
                certificate = any_to_cert(coec.getComponent())  # the DER inside the [0] EXPLICIT tag
            else:
                encrypted = True
        responses.append(
            CertResponseView(
                cert_req_id=int(response["certReqId"]),
                status=status.status,
                fail_info=status.fail_info,
                status_string=status.status_string,
                certificate=certificate,
                encrypted_cert=encrypted,
            )
        )
    return tuple(responses), ca_pubs


def _reason_code(extensions: univ.SequenceOf) -> int | None:
    if not extensions.isValue:
        return None
    for extension in extensions:
        if extension["extnID"] == rfc5280.id_ce_cRLReasons:
            reason, rest = der_decode(bytes(extension["extnValue"]), asn1Spec=rfc5280.CRLReason())
            if rest:
                raise CmpDecodeError("trailing bytes in reasonCode")
            return int(reason)
    return None


def _rev_details(content: univ.SequenceOf) -> tuple[RevDetailsView, ...]:
    views: list[RevDetailsView] = []
    for details in content:
        template = details["certDetails"]
        serial = int(template["serialNumber"]) if template["serialNumber"].isValue else None
        issuer = asn1_name_to_x509(template["issuer"]) if template["issuer"].isValue else None
        views.append(RevDetailsView(serial, issuer, _reason_code(details["crlEntryDetails"])))
    return tuple(views)


def _body_fields(body: univ.Choice, overrides: Mapping[str, str] | None) -> dict[str, Any]:
    kind = body.getName()
    content = body.getComponent()
    if kind == "p10cr":
        plain = copy_fields(content, rfc9810.CertificationRequest())
        return {"csr_der": der_encode(plain)}
    if kind in ("cp", "ip", "kup", "ccp"):
        responses, ca_pubs = _cert_rep(content)
        return {"responses": responses, "ca_pubs": ca_pubs}
    if kind == "rr":
        return {"rev_details": _rev_details(content)}
    if kind == "rp":
        certs: list[RevDetailsView] = []
        if content["revCerts"].isValue:
            for cert_id in content["revCerts"]:
                certs.append(
                    RevDetailsView(int(cert_id["serialNumber"]), _directory_name(cert_id["issuer"]))
                )
        return {
            "rev_statuses": tuple(_status(s) for s in content["status"]),
            "rev_certs": tuple(certs),
        }
    if kind == "pollRep":
        return {
            "poll_reps": tuple(
                PollRepView(
                    int(p["certReqId"]),
                    int(p["checkAfter"]),
                    "\n".join(free_text(p["reason"])) if p["reason"].isValue else None,
                )
                for p in content
            )
        }
    if kind == "pollReq":
        return {"poll_req_ids": tuple(int(p["certReqId"]) for p in content)}
    if kind == "certConf":
        return {
            "cert_confirms": tuple(
                CertConfirmView(
                    bytes(c["certHash"]),
                    int(c["certReqId"]),
                    _status(c["statusInfo"]) if c["statusInfo"].isValue else None,
                    str(c["hashAlg"]["algorithm"]) if c["hashAlg"].isValue else None,
                )
                for c in content
            )
        }
    if kind == "error":
        return {
            "error_status": _status(content["pKIStatusInfo"]),
            "error_code": int(content["errorCode"]) if content["errorCode"].isValue else None,
            "error_details": free_text(content["errorDetails"]),
        }
    if kind in ("genm", "genp"):
        return {
            "gen_info": _info_items(content, overrides)[0],
            "gen_info_raw": tuple(
                (str(i["infoType"]), bytes(i["infoValue"]) if i["infoValue"].isValue else None)
                for i in content
            ),
        }
    if kind in ("ir", "cr", "kur"):
        try:
            return {"cert_templates": cert_template_views(content)}
        except Exception:  # the body decoded; a template the view cannot express stays empty
            return {}
    return {}


def raw_parts(data: bytes) -> list[bytes]:
    """The TLVs of the PKIMessage SEQUENCE, undecoded (header, body, [protection], [extraCerts]).

    Raises CmpDecodeError if ``data`` is not exactly one DER SEQUENCE of TLVs."""
    try:
        parts, rest = der_decode(data, asn1Spec=univ.SequenceOf(componentType=univ.Any()))
    except Exception as exc:
        raise CmpDecodeError(f"not a DER SEQUENCE ({_short(exc)})") from exc
    if rest:
        raise CmpDecodeError(f"{len(rest)} trailing bytes after the PKIMessage")
    return [bytes(p) for p in parts]


def _protected_part(header_tlv: bytes, body_tlv: bytes) -> bytes:
    """ProtectedPart DER from the header and body exactly as received (RFC 9810 5.1.3)."""
    part = univ.SequenceOf(componentType=univ.Any())
    part.append(univ.Any(header_tlv))
    part.append(univ.Any(body_tlv))
    return bytes(der_encode(part))


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}"


def parse_message(der: bytes, *, info_type_overrides: Mapping[str, str] | None = None) -> PkiMessageView:
    """Decode one DER PKIMessage; raise :class:`CmpDecodeError` on anything malformed."""
    if not isinstance(der, (bytes, bytearray, memoryview)):
        raise CmpDecodeError(f"expected bytes, got {type(der).__name__}")
    data = bytes(der)
    if not data:
        raise CmpDecodeError("empty input")
    try:
        return _parse(data, info_type_overrides)
    except CmpDecodeError:
        raise
    except Exception as exc:  # pyasn1 / cryptography errors of every kind
        raise CmpDecodeError(f"malformed PKIMessage ({_short(exc)})") from exc


def _parse(data: bytes, overrides: Mapping[str, str] | None) -> PkiMessageView:
    # Cheap structural pass first: a failed full decode makes pyasn1 build an error message
    # holding the repr of the whole PKIMessage schema (megabytes, ~0.1 s per attempt).
    parts = raw_parts(data)
    if not 2 <= len(parts) <= 4:
        raise CmpDecodeError(f"PKIMessage SEQUENCE has {len(parts)} elements, expected 2 to 4")
    message, rest = _decode(data)
    if rest:
        raise CmpDecodeError(f"{len(rest)} trailing bytes after the PKIMessage")
    header = message["header"]
    body = message["body"]
    general_info: tuple[tuple[str, object], ...] = ()
    implicit = False
    if header["generalInfo"].isValue:
        general_info, implicit = _info_items(header["generalInfo"], overrides)
    alg = header["protectionAlg"]
    time_raw = str(header["messageTime"]) if header["messageTime"].isValue else None
    protection = message["protection"]
    extra = message["extraCerts"]
    return PkiMessageView(
        body_type=body.getName(),
        pvno=int(header["pvno"]),
        sender=_directory_name(header["sender"]),
        recipient=_directory_name(header["recipient"]),
        sender_raw=der_encode(header["sender"]),
        recipient_raw=der_encode(header["recipient"]),
        message_time=parse_generalized_time(header["messageTime"]) if time_raw else None,
        message_time_raw=time_raw,
        protection_alg=str(alg["algorithm"]) if alg.isValue else None,
        protection_alg_params=(
            bytes(alg["parameters"]) if alg.isValue and alg["parameters"].isValue else None
        ),
        sender_kid=_opt_bytes(header["senderKID"]),
        recip_kid=_opt_bytes(header["recipKID"]),
        transaction_id=_opt_bytes(header["transactionID"]),
        sender_nonce=_opt_bytes(header["senderNonce"]),
        recip_nonce=_opt_bytes(header["recipNonce"]),
        free_text=free_text(header["freeText"]),
        general_info=general_info,
        implicit_confirm=implicit,
        extra_certs=tuple(any_to_cert(c) for c in extra) if extra.isValue else (),
        protection=protection.asOctets() if protection.isValue else None,
        protected_part_der=_protected_part(parts[0], parts[1]),
        raw=data,
        **_body_fields(body, overrides),
    )
