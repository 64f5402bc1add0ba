"""wire.asn1_import_speed changes no tag map and no error of pyasn1 (only when the error text is made)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from pyasn1 import error
from pyasn1.type import namedtype

import wire  # noqa: F401  (installs the method)
from wire import asn1_import_speed

MODULES = ("rfc9810", "rfc4210", "rfc4211", "rfc5652", "rfc5280", "rfc6402", "rfc2986")


def _schemas() -> list[namedtype.NamedTypes]:
    found: list[namedtype.NamedTypes] = []
    for name in MODULES:
        module = importlib.import_module(f"pyasn1_alt_modules.{name}")
        for value in vars(module).values():
            component = getattr(value, "componentType", None)
            if isinstance(component, namedtype.NamedTypes):
                found.append(component)
    return found


def _outcome(result: Any) -> tuple[str, Any]:
    if isinstance(result, namedtype.NamedTypes.PostponedError):
        with pytest.raises(error.PyAsn1Error) as raised:
            result[None]
        return "error", str(raised.value)
    return "map", (dict(result.presentTypes), dict(result.skipTypes), result.defaultType)


def test_installed_in_every_process_that_imports_wire() -> None:
    assert getattr(namedtype.NamedTypes, "_NamedTypes__computeTagMaps") is asn1_import_speed._compute_tag_maps


def test_same_tag_maps_and_errors_as_pyasn1() -> None:
    original = asn1_import_speed.original()
    assert original is not None
    schemas = _schemas()
    assert len(schemas) > 200
    errors = 0
    for schema in schemas:
        for unique in (True, False):
            ours = _outcome(asn1_import_speed._compute_tag_maps(schema, unique))
            theirs = _outcome(original(schema, unique))
            assert ours == theirs
            errors += ours[0] == "error"
    assert errors > 10  # the deferred path is exercised, not only the plain maps


def test_the_deferred_error_still_raises_where_pyasn1_would() -> None:
    from pyasn1.type import univ
    ambiguous = namedtype.NamedTypes(namedtype.NamedType("a", univ.Integer()), namedtype.NamedType("b", univ.Integer()))
    with pytest.raises(error.PyAsn1Error, match="Non-unique tagSet"):
        ambiguous.tagMapUnique[univ.Integer.tagSet]
