"""Strict profile tables: an unknown key is an error naming the nearest valid key (a typo such as
``delegaton_mode`` must never silently test the defaults)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class ProfileError(ValueError):
    pass


def check_keys(table: dict[str, Any], allowed: Iterable[str], where: str) -> None:
    allowed = tuple(allowed)
    for key in table:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {where}.{near[0]}?" if near else f" (valid: {', '.join(sorted(allowed))})"
            raise ProfileError(f"{where}.{key}: unknown key{hint}")


def get_value(table: dict[str, Any], key: str, kind: type, where: str, default: Any = ...) -> Any:
    """``table[key]`` checked to be a ``kind`` (an int is a float; a bool is never a number); ``default`` when
    absent, a ProfileError naming ``where.key`` when absent and required."""
    if key not in table:
        if default is ...:
            raise ProfileError(f"{where}.{key}: missing (required)")
        return default
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
        raise ProfileError(f"{where}.{key}: expected {kind.__name__}, got {type(value).__name__} {value!r}")
    return value
