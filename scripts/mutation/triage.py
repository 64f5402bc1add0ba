"""The triage file (docs/mutation-triage.md): one table row per survivor, keyed by the mutant id.

    | `reference/cmf/rest.py:1a2b3c4d:AddNot` | equivalent | the mutation | why no wire behaviour changes |

Verdicts: ``equivalent`` (excluded from the score), ``fixed`` (a check now FAILs on it; named fault in the
reason), ``gap, open`` (a real bug the checks miss, left open with what the check would need)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

VERDICTS = ("equivalent", "fixed", "gap, open")
_ROW = re.compile(r"^\|\s*`(?P<id>[^`]+)`\s*\|\s*(?P<verdict>[^|]+?)\s*\|(?P<rest>.*)\|\s*$")


@dataclass(frozen=True)
class Triage:
    id: str
    verdict: str
    reason: str


class TriageError(ValueError):
    pass


def parse(text: str, source: str = "triage file") -> dict[str, Triage]:
    """Rows keyed by mutant id; an unknown verdict or a repeated id is a one-line TriageError."""
    rows: dict[str, Triage] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _ROW.match(line.strip())
        if not match:
            continue
        verdict = match["verdict"].strip().lower()
        if verdict not in VERDICTS:
            raise TriageError(f"{source}:{number}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        if match["id"] in rows:
            raise TriageError(f"{source}:{number}: mutant {match['id']} is triaged twice")
        cells = [c.strip() for c in match["rest"].split("|")]
        rows[match["id"]] = Triage(match["id"], verdict, cells[-1] if cells else "")
    return rows


def load(path: Path) -> dict[str, Triage]:
    if not path.exists():
        return {}
    return parse(path.read_text(encoding="utf-8"), str(path))


def equivalents(rows: dict[str, Triage]) -> frozenset[str]:
    return frozenset(i for i, t in rows.items() if t.verdict == "equivalent")
