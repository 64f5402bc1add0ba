"""Small text helpers shared by the renderers."""

from __future__ import annotations

import os
from pathlib import Path

import re
from datetime import datetime

from harness.model import Verdict

# Characters XML 1.0 forbids (ElementTree would write them and produce unparsable XML).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Display order: outcomes first, then the two "nothing to judge" states.
VERDICT_ORDER: tuple[Verdict, ...] = (
    Verdict.PASS,
    Verdict.FAIL,
    Verdict.INCONCLUSIVE,
    Verdict.ERROR,
    Verdict.NOT_APPLICABLE,
    Verdict.NOT_SELECTED,
    Verdict.NOT_TESTED,
)
PROBLEM_VERDICTS: frozenset[Verdict] = frozenset(
    {Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.ERROR}
)


def xml_safe(text: str) -> str:
    """Drop characters that cannot appear in an XML 1.0 document."""
    return _XML_INVALID.sub("\N{REPLACEMENT CHARACTER}", text)


def verdict_slug(verdict: Verdict) -> str:
    """CSS-friendly name: ``NOT APPLICABLE`` -> ``not-applicable``."""
    return verdict.value.lower().replace(" ", "-")


def iso(moment: datetime) -> str:
    """ISO 8601 with offset; naive datetimes are refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime in run result: {moment!r}")
    return moment.isoformat()


def shorten(text: str, limit: int) -> str:
    """One line, at most ``limit`` characters, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: max(limit - 1, 1)].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
