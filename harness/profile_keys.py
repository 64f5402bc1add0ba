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
