"""Attribute-based filtering, ETSI GS NFV-SOL 013 clause 5.2.

Grammar (clause 5.2.2)::

    filterExpr            := simpleFilterExpr [";" simpleFilterExpr]*
    simpleFilterExpr      := "(" opOne "," attrName "," value ")"
                           | "(" opMulti "," attrName "," value ["," value]* ")"
    opOne                 := eq | neq | gt | lt | gte | lte
    opMulti               := in | nin | cont | ncont
    attrName              := name ["/" name]*        ("@key" names the keys of a map)

";" is AND. Several values of an opMulti operator are OR ("in set" / "contains one of").
A value containing "," or ")" or "'" is enclosed in single quotes, a quote inside being
written twice ('it''s'). The text handed to ``parse_filter`` is already URI-decoded.

Matching: a path is followed through nested objects; when it crosses an array, the object
matches if ANY element matches ALL expressions that share that attribute prefix.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

OPS_ONE = frozenset({"eq", "neq", "gt", "lt", "gte", "lte"})
OPS_MULTI = frozenset({"in", "nin", "cont", "ncont"})
OPERATORS = OPS_ONE | OPS_MULTI
NEGATED = {"neq": "eq", "nin": "in", "ncont": "cont"}
MAP_KEY = "@key"
_STRUCTURAL = frozenset(",()';/")  # never valid inside an attribute name segment
_MISSING: Any = object()


class FilterError(ValueError):
    """Invalid attribute-based filtering expression (SOL 013: 400 Bad Request)."""


def quote_value(value: str) -> str:
    """Render one value, quoting it when it holds ",", ")" or "'" (or is empty)."""
    if value == "" or any(c in value for c in ",)'"):
        return "'" + value.replace("'", "''") + "'"
    return value


@dataclass(frozen=True)
class SimpleFilter:
    """One ``(op,attrName,value...)`` expression."""

    op: str
    attr: tuple[str, ...]
    values: tuple[str, ...]

    @property
    def path(self) -> str:
        return "/".join(self.attr)

    def __str__(self) -> str:
        return "(" + ",".join([self.op, self.path, *map(quote_value, self.values)]) + ")"

    def test(self, attribute: Any) -> bool:
        """Apply the operator to one scalar attribute value (``_MISSING`` when absent)."""
        if self.op in NEGATED:
            return not _positive(NEGATED[self.op], attribute, self.values)
        return _positive(self.op, attribute, self.values)


@dataclass(frozen=True)
class Filter:
    """A conjunction of simple filter expressions."""

    expressions: tuple[SimpleFilter, ...]

    def __str__(self) -> str:
        return ";".join(str(e) for e in self.expressions)

    @property
    def attribute_paths(self) -> frozenset[str]:
        return frozenset(e.path for e in self.expressions)

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return _match_all(obj, [(e.attr, e) for e in self.expressions])

    def select(self, objs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return [o for o in objs if self.matches(o)]


# ---------------------------------------------------------------- evaluation


def _match_all(node: Any, exprs: list[tuple[tuple[str, ...], SimpleFilter]]) -> bool:
    """True if ``node`` satisfies every expression (paths relative to ``node``)."""
    if isinstance(node, list):
        # Any element must match all the expressions sharing this prefix.
        return any(_match_all(element, exprs) for element in node)
    groups: dict[str, list[tuple[tuple[str, ...], SimpleFilter]]] = {}
    for rest, expr in exprs:
        if not rest:
            if not expr.test(node):
                return False
        else:
            groups.setdefault(rest[0], []).append((rest[1:], expr))
    for head, sub in groups.items():
        if node is _MISSING or not isinstance(node, Mapping):
            child = _MISSING
        elif head == MAP_KEY:
            child = list(node.keys())
        else:
            child = node.get(head, _MISSING)
            child = _MISSING if child is None else child
        if not _match_all(child, sub):
            return False
    return True


def _positive(op: str, attribute: Any, values: tuple[str, ...]) -> bool:
    """eq/in/gt/gte/lt/lte/cont on a scalar; absent or incomparable never matches."""
    if attribute is _MISSING or attribute is None or isinstance(attribute, (Mapping, list)):
        return False
    if op == "cont":
        return isinstance(attribute, str) and any(v in attribute for v in values)
    for value in values:
        cmp = _compare(attribute, value)
        if cmp is None:
            continue
        if (
            (op in ("eq", "in") and cmp == 0)
            or (op == "gt" and cmp > 0)
            or (op == "gte" and cmp >= 0)
            or (op == "lt" and cmp < 0)
            or (op == "lte" and cmp <= 0)
        ):
            return True
    return False


def _compare(attribute: Any, value: str) -> int | None:
    """Three-way compare attribute with the textual value; None when incomparable."""
    if isinstance(attribute, bool):
        if value not in ("true", "false"):
            return None
        return 0 if attribute == (value == "true") else None
    if isinstance(attribute, (int, float)):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        left = Decimal(repr(attribute)) if isinstance(attribute, float) else Decimal(attribute)
        if not (number.is_finite() and left.is_finite()):
            return None
        return (left > number) - (left < number)
    if isinstance(attribute, str):
        a_dt, v_dt = _datetime(attribute), _datetime(value)
        if a_dt is not None and v_dt is not None:
            try:
                return (a_dt > v_dt) - (a_dt < v_dt)
            except TypeError:  # naive vs aware
                return None
        return (attribute > value) - (attribute < value)
    return None


def _datetime(text: str) -> datetime | None:
    if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# ---------------------------------------------------------------- parsing


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str, pos: int | None = None) -> FilterError:
        at = self.pos if pos is None else pos
        return FilterError(f"invalid filter at position {at}: {message}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse(self) -> list[SimpleFilter]:
        if self.text == "":
            raise FilterError("invalid filter: empty expression")
        exprs = [self.expression()]
        while self.pos < len(self.text):
            char = self.peek()
            if char == ";":
                self.pos += 1
                if self.pos == len(self.text):
                    raise self.error("trailing ';' without a following expression")
                exprs.append(self.expression())
            elif char == ")":
                raise self.error("unbalanced parentheses: unexpected ')'")
            else:
                raise self.error(f"unexpected {char!r} after expression (expected ';' or end)")
        return exprs

    def token(self) -> str:
        """Read up to the next ',' or ')' (exclusive) or the end."""
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",)":
            self.pos += 1
        return self.text[start : self.pos]

    def expression(self) -> SimpleFilter:
        start = self.pos
        if self.peek() != "(":
            found = repr(self.peek()) if self.peek() else "end of input"
            raise self.error(f"expected '(' to start an expression, found {found}")
        self.pos += 1
        op = self.token()
        if op == "":
            raise self.error("missing operator", start + 1)
        if op not in OPERATORS:
            raise self.error(f"unknown operator {op!r} (allowed: {', '.join(sorted(OPERATORS))})", start + 1)
        if self.peek() != ",":
            raise self.unterminated_or(f"operator {op!r} must be followed by ',' and an attribute name")
        self.pos += 1
        attr_pos = self.pos
        attr = self.attribute(self.token(), attr_pos)
        values: list[str] = []
        while self.peek() == ",":
            self.pos += 1
            values.append(self.value())
        if self.peek() != ")":
            raise self.unterminated_or("expected ',' or ')'")
        self.pos += 1
        if not values:
            raise self.error(f"operator {op!r} on {'/'.join(attr)!r} requires a value", start)
        if op in OPS_ONE and len(values) > 1:
            raise self.error(
                f"operator {op!r} takes exactly one value, got {len(values)} "
                "(use 'in'/'nin' for a set of values, or quote a value containing ',')",
                start,
            )
        return SimpleFilter(op, attr, tuple(values))

    def unterminated_or(self, message: str) -> FilterError:
        if self.pos >= len(self.text):
            return self.error("unbalanced parentheses: missing ')' at end of input")
        return self.error(message)

    def attribute(self, name: str, pos: int) -> tuple[str, ...]:
        if name == "":
            raise self.error("empty attribute name", pos)
        segments = tuple(name.split("/"))
        for segment in segments:
            if segment == "":
                raise self.error(f"empty segment in attribute path {name!r}", pos)
            bad = next((c for c in segment if c in _STRUCTURAL or c.isspace() or not c.isprintable()), None)
            if bad is not None:
                raise self.error(f"invalid character {bad!r} in attribute name {name!r}", pos)
        return segments

    def value(self) -> str:
        start = self.pos
        if self.peek() != "'":
            raw = self.token()
            if raw == "":
                raise self.error("empty value (write '' for the empty string)", start)
            if "'" in raw:
                raise self.error(f"quote in unquoted value {raw!r}: quote the value and double the quote", start)
            return raw
        self.pos += 1
        out: list[str] = []
        while True:
            end = self.text.find("'", self.pos)
            if end < 0:
                raise self.error("unterminated quoted value", start)
            out.append(self.text[self.pos : end])
            self.pos = end + 1
            if self.peek() == "'":  # '' is a literal quote
                out.append("'")
                self.pos += 1
                continue
            break
        if self.peek() not in (",", ")", ""):
            raise self.error(f"unexpected {self.peek()!r} after quoted value (expected ',' or ')')")
        return "".join(out)


def parse_filter(expr: str, known_attributes: Collection[str] | None = None) -> Filter:
    """Parse a SOL 013 ``filter`` query value; ``FilterError`` on anything invalid.

    With ``known_attributes`` (attribute paths such as ``"subjectId/subjectId"``), a path not
    in the set is rejected too.
    """
    if not isinstance(expr, str):
        raise FilterError(f"invalid filter: expected a string, got {type(expr).__name__}")
    exprs = _Parser(expr).parse()
    if known_attributes is not None:
        known = set(known_attributes)
        for e in exprs:
            if e.path not in known:
                raise FilterError(f"invalid filter: unknown attribute {e.path!r} in {str(e)!r}")
    return Filter(tuple(exprs))
