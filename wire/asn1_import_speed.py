"""pyasn1's schema construction without the eager error text: about 2 s off every process that imports the CMP
modules (issue 15, item 6).

``pyasn1.type.namedtype.NamedTypes.__init__`` computes a unique tag map for every SEQUENCE / CHOICE schema. Where
tags repeat (common in pyasn1-alt-modules' CMP, CMS and CRMF schemas, and harmless: the unique map is used only
for SET and CHOICE decoding), pyasn1 keeps the failure as a ``PostponedError`` whose message it formats at once,
with ``repr`` of the whole schema tree: megabytes of text per PKIMessage variant, never read unless the map is
used. Measured: ``import harness.runner`` 3.2 s, 2.1 s of it in those ``repr`` calls.

:func:`install` replaces that one private method by the same algorithm returning a ``PostponedError`` whose
message is formatted when (if ever) it is raised: the tag maps, the errors and their texts are unchanged
(tests/test_asn1_import_speed.py compares both on every schema of seven pyasn1-alt-modules modules). It must run before the schemas are
built, so ``wire/__init__.py`` calls it; a pyasn1 without the method is left alone (correct, only slower).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyasn1 import error
from pyasn1.type import namedtype, tagmap

_METHOD = "_NamedTypes__computeTagMaps"
_ORIGINAL: Callable[..., Any] | None = getattr(namedtype.NamedTypes, _METHOD, None)


class LazyPostponedError(namedtype.NamedTypes.PostponedError):  # type: ignore[misc]
    """A PostponedError whose message is made only when it is raised."""

    def __init__(self, message: Callable[[], str]) -> None:
        self._message = message

    def __getitem__(self, item: object) -> Any:
        raise error.PyAsn1Error(self._message())


def _compute_tag_maps(self: namedtype.NamedTypes, unique: bool) -> Any:
    """pyasn1 0.6 ``NamedTypes.__computeTagMaps``, the error text deferred."""
    present: dict[Any, Any] = {}
    skip: dict[Any, Any] = {}
    default = None
    for named in self.namedTypes:
        tag_map = named.asn1Object.tagMap
        if isinstance(tag_map, namedtype.NamedTypes.PostponedError):
            return tag_map
        for tag_set in tag_map:
            if unique and tag_set in present:
                return LazyPostponedError(
                    lambda t=tag_set, n=named: "Non-unique tagSet %s of %s at %s" % (t, n, self))
            present[tag_set] = named.asn1Object
        skip.update(tag_map.skipTypes)
        if default is None:
            default = tag_map.defaultType
        elif tag_map.defaultType is not None:
            return LazyPostponedError(lambda: "Duplicate default ASN.1 type at %s" % (self,))
    return tagmap.TagMap(present, skip, default)


def install() -> bool:
    """Swap the method in (idempotent); False when this pyasn1 has no such method (nothing changed)."""
    if _ORIGINAL is None:
        return False
    setattr(namedtype.NamedTypes, _METHOD, _compute_tag_maps)
    return True


def original() -> Callable[..., Any] | None:
    """pyasn1's own method (for the equivalence test)."""
    return _ORIGINAL
