"""Cross-check catalogue entries against the plain-text ETSI specs they quote.

Independent of scripts/build_catalogue.py: the spec side is found here with its own, simpler
rules, so a parsing slip in the builder shows up as a reported problem. Every check returns
human-readable problem strings; an empty list means the entries agree with the specs.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.model import Requirement

SPEC_FILES = {
    "IFA026": "ETSI-GS-NFV-IFA026-v4.5.1.txt",
    "IFA033": "ETSI-GS-NFV-IFA033-v5.4.1.txt",
    "SOL023": "ETSI-GS-NFV-SOL023-v5.4.1.txt",
}
MIN_TEXT = 20

# ------------------------------------------------------------------ locating and normalising


def find_specs_dir(repo_root: Path | None = None) -> Path | None:
    """NFVCT_SPECS, else ../shared/specs next to the repo root; None if neither has the texts."""
    root = repo_root or Path(__file__).resolve().parents[1]
    env = os.environ.get("NFVCT_SPECS")
    candidate = Path(env) if env else root.parent / "shared" / "specs"
    return candidate if (candidate / SPEC_FILES["IFA026"]).is_file() else None


def load_specs(specs_dir: Path) -> dict[str, str]:
    """Raw text of every known document present in specs_dir, keyed by document name."""
    return {doc: (specs_dir / name).read_text(encoding="utf-8")
            for doc, name in SPEC_FILES.items() if (specs_dir / name).is_file()}


_FURNITURE = re.compile(
    r"^[ \t]*(?:ETSI|ETSI GS NFV-[A-Z]+ \d+ V\d+\.\d+\.\d+ \(\d{4}-\d{2}\)(?: \d+)?)[ \t]*$", re.M)
_HYPHEN_BREAK = re.compile(r"(?<=\w-)\n(?=\w)")  # "NFV-\nMANO": a word split after its hyphen
_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_MARKUP = re.compile(r"\*+|#+|[•\uf0a7\uf0b7▪◦]")


def normalise(text: str) -> str:
    """Comparable form: page furniture, markdown/HTML markup and bullets gone, spaces collapsed."""
    text = _HYPHEN_BREAK.sub("", _FURNITURE.sub("", text))
    text = _MARKUP.sub(" ", html.unescape(_TAG.sub(" ", text)))
    return " ".join(text.split())


# ------------------------------------------------------------------ IDs in the spec sections


@dataclass(frozen=True)
class Section:
    document: str
    name: str
    start: str  # regex for the body heading line that opens the section (stripped line)
    end: str  # ... and the one that closes it
    row: str  # regex, MULTILINE: group 1 is an ID that opens a requirement row
    mention: str  # regex: any well-formed ID of this section, wherever it is written


# IFA033 tables are tab-separated, one row a line: the first cell of a row is its ID.
_IFA033_ROW = r"^(?!Numbering\t|Identifier\t|NOTE|<p>)([^\t\n]+)\t"
_IFA033_MENTION = r"(?<![\w.-])[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)?(?:\.[A-Za-z]+)*\.\d{3}\b"

SECTIONS = (
    Section("IFA026", "annex A", r"Annex A \(normative\):", r"Annex B \(normative\):",
            r"^\s*(R\d+\.\d+\.\d+)\.\s+\S", r"\bR\d+\.\d+\.\d+\b"),
    Section("IFA026", "annex B", r"Annex B \(normative\):", r"Annex C \(informative\):",
            r"^\s*([A-Z][a-z]+\.[A-Z][A-Za-z]*\.\d{3})\s+[A-Z]",
            r"\b[A-Z][a-z]+\.[A-Z][A-Za-z]*\.\d{3}\b"),
    Section("IFA033", "clause 5", r"5 Reference point and interface requirements for Security Management",
            r"6 Interfaces over Sc-Or reference point",
            _IFA033_ROW, _IFA033_MENTION),
    Section("IFA033", "clause 10",
            r"10 Reference point and interface requirements for Certificate Management",
            r"11 Interface specification on Certificate Management",
            _IFA033_ROW, _IFA033_MENTION),
)


def section_text(raw: str, section: Section) -> str:
    lines = raw.splitlines()
    i = next(n for n, s in enumerate(lines) if re.fullmatch(section.start, s.strip()))
    j = next(n for n, s in enumerate(lines) if n > i and re.fullmatch(section.end, s.strip()))
    return "\n".join(lines[i + 1 : j])


def spec_ids(document: str, raw: str) -> tuple[list[str], set[str]]:
    """(IDs that open a requirement row, in spec order; well-formed IDs cross-referenced)."""
    defined: dict[str, None] = {}
    mentioned: set[str] = set()
    for section in SECTIONS:
        if section.document != document:
            continue
        text = section_text(raw, section)
        defined |= dict.fromkeys("".join(m.split()) for m in re.findall(section.row, text, re.M))
        # Cross-references only: row IDs are covered above (and may be printed with a wrap).
        mentioned |= set(re.findall(section.mention, re.sub(section.row, "", text, flags=re.M)))
    return list(defined), mentioned


def family(req_id: str) -> str:
    """"Cmf.CertLcm.001" -> "Cmf.CertLcm", "R1.1.10" -> "R1.1", "Sc-Or.NsLcm005" -> "Sc-Or.NsLcm"."""
    m = re.fullmatch(r"(.*?)\.?(\d+)", req_id)
    return m.group(1) if m else req_id


# ------------------------------------------------------------------ the checks


def _id_regex(req_id: str) -> str:
    """The ID as it may be printed: a table-cell wrap can put a space between its characters."""
    return " ?".join(re.escape(c) for c in req_id)


def _follows_id(norm: str, text: str, req_id: str) -> bool:
    """True if some occurrence of `text` in `norm` directly follows the printed ID (+ "." for R-IDs)."""
    printed = re.compile(rf"(?<![\w.]){_id_regex(req_id)}\.? $")
    at = norm.find(text)
    while at != -1:
        if printed.search(norm, max(0, at - 2 * len(req_id) - 3), at):
            return True
        at = norm.find(text, at + 1)
    return False


def _heading_regex(clause: str) -> re.Pattern[str]:
    return re.compile(rf"[ \t#*]*{re.escape(clause)}[ \t*]+[^\s.\d]")


def _is_toc(line: str) -> bool:
    return bool(re.search(r"(?:\.{4,}|\t)\s*\d+\s*$", line))


# Headings misnumbered in the text copies: (document, clause) -> the heading as printed there.
# SOL023 5.6.3.3.3 lists POST as 5.6.3.3.3.1 and GET as 5.6.3.3.3.2, then prints PUT, PATCH and
# DELETE as 5.6.3.3.3, 5.6.3.3.4 and 5.6.3.3.5 (compare 5.6.3.4.3.3-5 for the sibling resource).
HEADING_ERRATA = {
    ("SOL023", "5.6.3.3.3.3"): "#### 5.6.3.3.3 PUT",
    ("SOL023", "5.6.3.3.3.4"): "#### 5.6.3.3.4 PATCH",
    ("SOL023", "5.6.3.3.3.5"): "#### 5.6.3.3.5 DELETE",
}


def has_heading(raw: str, clause: str, document: str = "") -> bool:
    """True if `clause` opens a heading line of the body (table-of-contents lines don't count)."""
    misprint = HEADING_ERRATA.get((document, clause))
    if misprint:
        return misprint in _body_lines(raw)
    pattern = _heading_regex(clause)
    return any(pattern.match(line) for line in _body_lines(raw))


@functools.lru_cache(maxsize=8)
def _body_lines(raw: str) -> tuple[str, ...]:
    return tuple(line for line in raw.splitlines() if not _is_toc(line))


def check_entry(req: Requirement, raw: str, norm: str) -> list[str]:
    """Problems with one entry, given its document's raw text and normalised text."""
    problems: list[str] = []
    text = normalise(req.text)
    if len(text) < MIN_TEXT:
        problems.append(f"{req.id}: text shorter than {MIN_TEXT} characters: {req.text!r}")
    elif text not in norm:
        problems.append(f"{req.id}: text not found in {req.document}: {req.text[:80]!r}")
    elif req.kind == "id" and not _follows_id(norm, text, req.id):
        problems.append(f"{req.id}: text is in {req.document} but not as the text of {req.id}")
    if not has_heading(raw, req.clause, req.document):
        problems.append(f"{req.id}: clause {req.clause!r} is not a heading in {req.document}")
    if req.table:
        number = re.fullmatch(r"Table ([A-Z]?[\d.]+)-\d+", req.table)
        if not number or f"{req.table}:" not in norm:
            problems.append(f"{req.id}: no caption {req.table!r} in {req.document}")
        elif number.group(1) != req.clause:
            problems.append(f"{req.id}: {req.table} is not in clause {req.clause}")
    if req.kind == "clause" and not req.id.startswith(f"{req.document}:{req.clause}:"):
        problems.append(f"{req.id}: clause-keyed ID does not start with {req.document}:{req.clause}:")
    if req.kind not in ("id", "clause", "summary"):
        problems.append(f"{req.id}: unknown kind {req.kind!r}")
    return problems


SUMMARY_PREFIX = "Summary (the RFC text is not shipped): "


def check_summary(req: Requirement) -> list[str]:
    """IETF entries are our summaries, never quotes: labelled as such and keyed RFCnnnn:clause:slug."""
    problems = []
    if not re.fullmatch(r"RFC\d{4}", req.document):
        problems.append(f"{req.id}: a summary entry must name an RFC, not {req.document!r}")
    if not req.text.startswith(SUMMARY_PREFIX) or len(req.text) < len(SUMMARY_PREFIX) + 20:
        problems.append(f"{req.id}: summary text must start with {SUMMARY_PREFIX!r} and say something")
    if not req.id.startswith(f"{req.document}:{req.clause}:"):
        problems.append(f"{req.id}: id must start with {req.document}:{req.clause}:")
    return problems


def check_catalogue(requirements: Iterable[Requirement], specs: Mapping[str, str],
                    coverage: bool = True) -> list[str]:
    """Problems with the entries; with coverage, also IDs missing from or invented by them."""
    reqs = list(requirements)
    problems: list[str] = []
    seen: set[str] = set()
    for r in reqs:
        if r.id in seen:
            problems.append(f"{r.id}: duplicate ID")
        seen.add(r.id)
    norms = {doc: normalise(raw) for doc, raw in specs.items()}
    for r in reqs:
        if r.kind == "summary":
            problems += check_summary(r)
        elif r.document not in specs:
            problems.append(f"{r.id}: no spec text for document {r.document!r}")
        else:
            problems += check_entry(r, specs[r.document], norms[r.document])
    if coverage:
        for doc in sorted({s.document for s in SECTIONS} & specs.keys()):
            ordered, mentioned = spec_ids(doc, specs[doc])
            defined = set(ordered)
            ours = {r.id for r in reqs if r.document == doc and r.kind == "id"}
            problems += [f"{i}: in {doc} but missing from the catalogue" for i in sorted(defined - ours)]
            problems += [f"{i}: not a requirement ID of {doc} (invented?)" for i in sorted(ours - defined)]
            problems += [f"{i}: mentioned in {doc} but not in the catalogue"
                         for i in sorted(mentioned - ours - defined)]
    return problems
