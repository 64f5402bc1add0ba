"""Readable rendering of CMP messages for traces and reports."""

from __future__ import annotations

from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import base, char, univ
from pyasn1_alt_modules import rfc9810

# Decoding open types goes through pyasn1-alt-modules' global maps, which every module of it, once imported, extends:
# the harness imports these too (pkilint's validators, at the first lint of a run). Imported here, a message renders
# the same in every process (the report's render workers) and at every moment of a run.
from pyasn1_alt_modules import (  # noqa: F401,E402  (imported for their side effect on the maps)
    rfc2560, rfc3279, rfc3739, rfc4055, rfc4262, rfc5480, rfc5751, rfc6960, rfc6962, rfc8398, rfc8410,
)

from .infotypes import KNOWN_URNS, urn_oid
from .parse import raw_parts

_HEX_LIMIT = 4096


def hex_dump(data: bytes, limit: int = _HEX_LIMIT) -> str:
    """Classic 16-bytes-per-line hex dump (offset, hex, ASCII), cut after ``limit`` bytes."""
    lines: list[str] = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset : offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  {text}")
    if len(data) > limit:
        lines.append(f"... {len(data) - limit} more bytes")
    return "\n".join(lines)


class _PrettyBits(univ.BitString):
    """A BIT STRING printed as named bits, hex octets, or binary (pyasn1 prints an integer)."""

    def prettyOut(self, value: object) -> str:
        bits = list(self)
        if self.namedValues:
            names = [self.namedValues.getName(i) or f"bit{i}" for i, b in enumerate(bits) if b]
            return "{" + ", ".join(names) + "}"
        if len(bits) % 8 == 0:
            return "0x" + self.asOctets().hex()
        return "'" + "".join(str(b) for b in bits) + "'B"


def _readable_bits(value: object) -> None:
    """Swap every BIT STRING inside a decoded value for a :class:`_PrettyBits` in place. Constructed values are
    walked without asking their ``isValue`` (recursive in pyasn1: asked at every level, it was a quarter of the
    rendering time); an absent component is ``noValue`` or has no components to walk."""
    if isinstance(value, univ.Choice):
        try:
            name = value.getName()
        except Exception:  # nothing chosen (pyasn1 raises; its isValue would walk the whole value to say so)
            name = ""
        if name:
            _replace(value, value.componentType.getPositionByName(name))
    elif isinstance(value, (univ.Sequence, univ.Set)):
        for idx in range(len(value.componentType)):
            _replace(value, idx)
    elif isinstance(value, (univ.SequenceOf, univ.SetOf)):
        for idx in range(len(value)):
            _replace(value, idx)


def _replace(holder: univ.Sequence, idx: int) -> None:
    component = holder.getComponentByPosition(idx, instantiate=False)
    if component is univ.noValue:
        return
    if isinstance(component, univ.BitString):
        if not component.isValue:
            return
        bits = "".join(str(b) for b in component)
        holder.setComponentByPosition(
            idx,
            _PrettyBits(
                binValue=bits,
                tagSet=component.tagSet,
                subtypeSpec=component.subtypeSpec,
                namedValues=component.namedValues,
            ),
        )
    elif isinstance(component, base.ConstructedAsn1Type):  # SEQUENCE, SET, their OFs and CHOICE
        _readable_bits(component)


def _harness_open_types() -> dict[univ.ObjectIdentifier, char.UTF8String]:
    """Decode the SOL023 URN info types (harness binding) as UTF8String in the printout."""
    return {univ.ObjectIdentifier(urn_oid(urn)): char.UTF8String() for urn in KNOWN_URNS}


def _urn_legend(text: str) -> list[str]:
    return [f"-- {urn_oid(urn)} = {urn}" for urn in KNOWN_URNS if urn_oid(urn) in text]


def to_value_notation(der: bytes) -> str:
    """pyasn1 value notation of a DER PKIMessage, open types decoded where known.

    Undecodable input yields a note and a hex dump instead of an exception.
    """
    data = bytes(der)
    try:
        raw_parts(data)  # cheap structural check before the (slow to fail) full decode
        message, rest = der_decode(
            data,
            asn1Spec=rfc9810.PKIMessage(),
            decodeOpenTypes=True,
            openTypes=_harness_open_types(),
        )
        if rest:
            raise ValueError(f"{len(rest)} trailing bytes")
        der_encode(message)  # a value that cannot be re-encoded is not a sane message
        _readable_bits(message)
        printed = message.prettyPrint()
    except Exception as exc:  # any decoding failure: fall back to bytes
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return (
            f"-- not a decodable PKIMessage ({type(exc).__name__}: {reason}); "
            f"{len(data)} bytes:\n{hex_dump(data)}"
        )
    body = message["body"].getName()
    lines = [line for line in printed.splitlines() if line.strip()]
    header = [f"-- PKIMessage, body {body}, {len(data)} bytes"] + _urn_legend(printed)
    return "\n".join(header + lines)
