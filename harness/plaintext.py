"""Values as a reader writes them, for the evidence texts checks produce and the reports show: never a Python
repr. Shared by the checks and the renderers (reports.text re-exports them)."""

from __future__ import annotations

__all__ = ["plain", "shorten"]


def shorten(text: str, limit: int) -> str:
    """One line, at most ``limit`` characters, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: max(limit - 1, 1)].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def plain(value: object, limit: int = 0) -> str:
    """A value as a reader writes it, never as a Python repr: ``a, b`` for a list, ``key=value, key=value``
    for a mapping (nested ones in ``[...]`` / ``{...}``), ``true``/``false`` (JSON's words), ``none`` for
    None or an empty collection. ``limit`` > 0 cuts the result with an ellipsis (see :func:`shorten`)."""
    text = _plain(value, nested=False)
    return shorten(text, limit) if limit > 0 else text


def _plain(value: object, nested: bool) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        inner = ", ".join(f"{_plain(k, True)}={_plain(v, True)}" for k, v in value.items())
        return (f"{{{inner}}}" if nested else inner) if value else "none"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        inner = ", ".join(_plain(v, True) for v in items)
        return (f"[{inner}]" if nested else inner) if value else "none"
    return str(value)
