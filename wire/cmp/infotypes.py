"""SOL023 clause 5.7 generalInfo binding: URN-named info types carried in CMP InfoTypeAndValue.

CMP's ``InfoTypeAndValue.infoType`` is an OBJECT IDENTIFIER, but SOL023 names its info types
(and their values) by URN. The harness binding, registration-free and deterministic:

* ``infoType``  = ``2.25.<uuid5(NAMESPACE_URL, urn).int>`` (the ITU-T X.667 UUID arc), and
* ``infoValue`` = UTF8String holding the URN of the value.

A deployment that uses other OIDs can pass ``overrides`` (URN -> dotted OID) wherever an info
type is resolved.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

CERT_TYPE = "urn:etsi:nfv:cert-type"
CERT_TYPE_VNFC = "urn:etsi:nfv:cert-type:vnfc-cert"
CERT_TYPE_VNFOAM = "urn:etsi:nfv:cert-type:vnfoam-cert"
HANDLING = "urn:etsi:nfv:cert-type:handling"
HANDLING_DELEGATION = "urn:etsi:nfv:cert-type:handling:delegation"
HANDLING_DIRECT = "urn:etsi:nfv:cert-type:handling:direct"
# Harness-own: IFA033 certChainRequest has no CMP correspondence (SOL023 annex A.2.4).
# Its value is the string "true" or "false".
CERT_CHAIN_REQUEST = "urn:nfvct:binding:cert-chain-request"
# Harness-own: IFA033 CSR input vnfciId (no CMP correspondence); value = the VNFCI identifier.
VNFCI_ID = "urn:nfvct:binding:vnfci-id"

# id-it-implicitConfirm (RFC 9810 clause 5.1.1.1); its infoValue is NULL.
IMPLICIT_CONFIRM = "1.3.6.1.5.5.7.4.13"

KNOWN_URNS: tuple[str, ...] = (
    CERT_TYPE,
    CERT_TYPE_VNFC,
    CERT_TYPE_VNFOAM,
    HANDLING,
    HANDLING_DELEGATION,
    HANDLING_DIRECT,
    CERT_CHAIN_REQUEST,
    VNFCI_ID,
)

_DOTTED_OID = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")


def is_dotted_oid(text: str) -> bool:
    """True if ``text`` is a dotted-decimal OBJECT IDENTIFIER (e.g. ``1.3.6.1``)."""
    return bool(_DOTTED_OID.match(text))


def urn_oid(urn: str) -> str:
    """The harness OID of a URN: ``2.25.<uuid5(NAMESPACE_URL, urn) as integer>``."""
    if not urn:
        raise ValueError("empty URN")
    return f"2.25.{uuid.uuid5(uuid.NAMESPACE_URL, urn).int}"


def info_type_oid(urn: str, overrides: Mapping[str, str] | None = None) -> str:
    """The infoType OID for ``urn``, from ``overrides`` if it names one, else :func:`urn_oid`.

    A dotted OID passed as ``urn`` is returned unchanged, so callers may name any info type.
    """
    if overrides and urn in overrides:
        oid = overrides[urn]
        if not is_dotted_oid(oid):
            raise ValueError(f"override for {urn!r} is not a dotted OID: {oid!r}")
        return oid
    if is_dotted_oid(urn):
        return urn
    return urn_oid(urn)


_REVERSE: dict[str, str] = {urn_oid(u): u for u in KNOWN_URNS}


def oid_urn(oid: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """The URN an infoType OID stands for (known harness URNs and ``overrides``), else None."""
    if overrides:
        for urn, o in overrides.items():
            if o == oid:
                return urn
    return _REVERSE.get(oid)
