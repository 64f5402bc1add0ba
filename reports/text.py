"""Small text helpers shared by the renderers."""

from __future__ import annotations

import os
from pathlib import Path

import re
from datetime import datetime

from harness.model import Verdict
from harness.plaintext import plain, shorten  # noqa: F401  (re-exported: reports.text.shorten, .plain)

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


def human_time(moment: datetime) -> str:
    """A moment as people read it, to the second: ``2026-12-01 23:15:04 UTC`` (another offset: ``+02:00``)."""
    offset = moment.utcoffset()
    if moment.tzinfo is None or offset is None:
        raise ValueError(f"naive datetime in run result: {moment!r}")
    zone = "UTC" if not offset else moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:5]
    return f"{moment:%Y-%m-%d %H:%M:%S} {zone}"


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
