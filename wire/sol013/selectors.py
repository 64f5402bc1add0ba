"""Attribute selectors, ETSI GS NFV-SOL 013 clause 5.3.

URI query parameters ``all_fields``, ``fields=<list>``, ``exclude_fields=<list>`` and
``exclude_default`` (flags have no value). Valid combinations (table 5.3.2-2) and what the
response keeps:

* none                     -> same as ``exclude_default``
* ``all_fields``           -> everything
* ``fields=L``             -> everything except the selectable complex attributes not in L
* ``exclude_fields=L``     -> everything except the complex attributes in L
* ``exclude_default``      -> everything except the resource's default exclude set
* ``exclude_default`` and ``fields=L`` -> everything except the default exclude set minus L

Any other combination is an invalid attribute selector (400). Names in L are attribute paths
("a/b"); valid names are the resource's selectable complex attributes.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

ALL_FIELDS = "all_fields"
FIELDS = "fields"
EXCLUDE_FIELDS = "exclude_fields"
EXCLUDE_DEFAULT = "exclude_default"
SELECTOR_PARAMS = (ALL_FIELDS, FIELDS, EXCLUDE_FIELDS, EXCLUDE_DEFAULT)

_VALID_COMBINATIONS = frozenset(
    {
        frozenset(),
        frozenset({ALL_FIELDS}),
        frozenset({FIELDS}),
        frozenset({EXCLUDE_FIELDS}),
        frozenset({EXCLUDE_DEFAULT}),
        frozenset({EXCLUDE_DEFAULT, FIELDS}),
    }
)


class SelectorError(ValueError):
    """Invalid attribute selector (SOL 013: 400 Bad Request)."""


@dataclass(frozen=True)
class Selection:
    """The outcome of validating the selector parameters: the attribute paths to remove."""

    given: frozenset[str]
    excluded: frozenset[str]

    def apply(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        """Deep copy of ``obj`` without the excluded attributes; ``obj`` is untouched."""
        out: dict[str, Any] = copy.deepcopy(dict(obj))
        # Parents first: removing "a" makes removing "a/b" a no-op.
        for path in sorted(self.excluded, key=lambda p: (p.count("/"), p)):
            _remove(out, path.split("/"))
        return out


def _remove(node: Any, segments: list[str]) -> None:
    if isinstance(node, list):
        for element in node:
            _remove(element, segments)
        return
    if not isinstance(node, dict):
        return
    head, rest = segments[0], segments[1:]
    if not rest:
        node.pop(head, None)
    elif head in node:
        _remove(node[head], rest)


def _related(path: str, listed: Collection[str]) -> bool:
    """``path`` is listed, is an ancestor of a listed path, or lies inside a listed path."""
    for item in listed:
        if path == item or item.startswith(path + "/") or path.startswith(item + "/"):
            return True
    return False


def _parse_list(name: str, raw: str, *, selectable: frozenset[str], known: frozenset[str]) -> frozenset[str]:
    if raw == "":
        raise SelectorError(f"invalid attribute selector: {name!r} must list at least one attribute name")
    items = raw.split(",")
    for item in items:
        if item == "":
            raise SelectorError(f"invalid attribute selector: empty attribute name in {name}={raw!r}")
        if item not in known:
            raise SelectorError(f"invalid attribute selector: unknown attribute {item!r} in {name!r}")
        if item not in selectable:
            allowed = ", ".join(sorted(selectable)) or "none"
            raise SelectorError(
                f"invalid attribute selector: {item!r} in {name!r} is not a selectable complex attribute "
                f"(selectable: {allowed})"
            )
    return frozenset(items)


def parse_selectors(
    params: Mapping[str, str],
    *,
    complex_attributes: Collection[str],
    default_excluded: Collection[str],
    known_attributes: Collection[str],
) -> Selection:
    """Validate the selector parameters in ``params`` (other parameters are ignored).

    ``complex_attributes``: the paths that may appear in fields/exclude_fields (complex
    attributes with lower cardinality 0 and not conditionally mandatory, as the resource
    defines them); ``default_excluded``: the resource's default exclude set;
    ``known_attributes``: every attribute path of the representation (for precise errors).
    """
    given = frozenset(p for p in SELECTOR_PARAMS if p in params)
    if given not in _VALID_COMBINATIONS:
        combo = " + ".join(p for p in SELECTOR_PARAMS if p in given)
        raise SelectorError(f"invalid attribute selector: combination {combo} is not allowed by SOL 013 5.3.2")
    selectable = frozenset(complex_attributes)
    known = frozenset(known_attributes) | selectable
    default = frozenset(default_excluded)

    if ALL_FIELDS in given:
        excluded: frozenset[str] = frozenset()
    elif FIELDS in given:
        listed = _parse_list(FIELDS, params[FIELDS], selectable=selectable, known=known)
        pool = default if EXCLUDE_DEFAULT in given else selectable
        excluded = frozenset(p for p in pool if not _related(p, listed))
    elif EXCLUDE_FIELDS in given:
        excluded = _parse_list(EXCLUDE_FIELDS, params[EXCLUDE_FIELDS], selectable=selectable, known=known)
    else:  # exclude_default, or no selector at all
        excluded = default
    return Selection(given=given, excluded=excluded)


def apply_selectors(
    obj: Mapping[str, Any],
    *,
    params: Mapping[str, str],
    complex_attributes: Collection[str],
    default_excluded: Collection[str],
    known_attributes: Collection[str],
) -> dict[str, Any]:
    """Validate the selectors and return a transformed deep copy of ``obj``."""
    selection = parse_selectors(
        params,
        complex_attributes=complex_attributes,
        default_excluded=default_excluded,
        known_attributes=known_attributes,
    )
    return selection.apply(obj)
