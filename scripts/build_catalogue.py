#!/usr/bin/env python3
"""Build harness/data/catalogue.json: the numbered requirements of IFA026 and IFA033.

Source texts: the plain-text ETSI copies in the specs directory, given as argv[1], or the
NFVCT_SPECS environment variable, or ../shared/specs next to the repository root.

    python scripts/build_catalogue.py [SPECS_DIR]

What is extracted (in spec order):
  IFA026 annex A  R1.1.10 ... R2.1.360        clause A.1 / A.2, no table, applies to NFV-MANO/SM
  IFA026 annex B  Cmf.CertLcm.*, Nfvo.Sc.*,   clause and table of the requirement table,
                  Vnfm.Sc.*, Vim.Vrm.*, ...   applies to the block named by the ID prefix
  IFA033 cl. 5    Sc-Or.*, Sc-Vi.*, Security.*  (PSF and IFA026-reference columns)
  IFA033 cl. 10   Cm-Vnfm.*, Cm-Oss.*, Cm-Mano.*, CMF.Certm.*, VNFM.LCM.*, CMF.CNS.*
  documents       IFA026, IFA033, SOL023: title, version and date from the last row of each text's
                  own History table, and the file read (never typed here)

Texts are quoted exactly, with only these presentation artefacts removed: page headers and
footers, repeated table headers, HTML tags of the table cells, line breaks (collapsed to one
space; a line ending in "-" directly joins the next line, as in "NFV-\\nMANO"), and the
Wingdings bullet glyph, written as "•". Notes are not part of a requirement's text.
IDs are as printed; whitespace inside an ID cell (a cell wrap, "Sc-Or.SecurityVnf Mgmt.001")
is dropped, nothing else is changed (so the spec's "Sc-Or.NsLcm005" stays as printed).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "harness" / "data" / "catalogue.json"
# The spec texts, under the names of ../shared/specs/README.md; an earlier name is used only when
# the current one is absent (the README keeps those for one release).
SPEC_FILES = {
    "IFA026": ("ETSI-GS-NFV-IFA026-v4.5.1.txt",),
    "IFA033": ("ETSI-GS-NFV-IFA033-v5.4.1.txt", "ETSI-GS-NFV-IFA033-v5.2.txt"),  # nfvct: legacy spec name
    "SOL023": ("ETSI-GS-NFV-SOL023-v5.4.1.txt", "ETSI-GS-NFV-SOL023-v5.3.txt"),  # nfvct: legacy spec name
}
# The document designations. The version and date of each come from its spec text (see history()).
DESIGNATIONS = {"IFA026": "ETSI GS NFV-IFA 026", "IFA033": "ETSI GS NFV-IFA 033", "SOL023": "ETSI GS NFV-SOL 023"}

Record = dict[str, str]

# ---------------------------------------------------------------- text helpers

_FURNITURE = re.compile(r"^\s*(?:ETSI|ETSI GS NFV-IFA 026 V\d+\.\d+\.\d+ \(\d{4}-\d{2}\)(?: \d+)?)\s*$")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_WINGDINGS_BULLETS = {"\uf0a7": "•", "\uf0b7": "•"}


def join_lines(lines: list[str]) -> str:
    """One paragraph from raw lines: blank lines dropped, a bare trailing '-' joins directly."""
    out = ""
    for line in lines:
        piece = line.rstrip("\n")
        if not piece.strip():
            continue
        if out.endswith("-") and out[-2:-1].isalnum():
            out += piece.lstrip()
        else:
            out += " " + piece
    return clean(out)


def clean(text: str) -> str:
    for glyph, bullet in _WINGDINGS_BULLETS.items():
        text = text.replace(glyph, bullet)
    text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def section(lines: list[str], start: str, end: str) -> list[str]:
    """Lines strictly between the body heading matching `start` and the one matching `end`."""
    i = next(n for n, s in enumerate(lines) if re.fullmatch(start, s.strip()))
    j = next(n for n, s in enumerate(lines) if n > i and re.fullmatch(end, s.strip()))
    return lines[i + 1 : j]


FIELDS = ("id", "document", "clause", "table", "text", "applies_to", "mode", "psf", "reference")


def record(**fields: str) -> Record:
    return {k: fields.get(k, "") for k in FIELDS} | {"kind": "id"}


# ---------------------------------------------------------------- IFA026

_R_ROW = re.compile(r"^\s*(R\d+\.\d+\.\d+)\.\s+(.*)$")
_A_HEAD = re.compile(r"^\s*(A\.\d+)\s+\S")
_A_STOP = re.compile(r"^\s*(?:NOTE\b|In ETSI GS NFV-SEC 013 \[1\], clause)")

_B_ROW = re.compile(r"^\s*([A-Z][a-z]+\.[A-Z][A-Za-z]*\.\d{3})\s+(\S.*)$")
_B_HEAD = re.compile(r"^\s*(B(?:\.\d+)+)\s+\S")
_B_TABLE = re.compile(r"^\s*Table (B(?:\.\d+)+)-(\d+):")
_B_TABLE_HEADER = re.compile(r"^\s*Numbering Functional requirements description\s*$")
_B_STOP = re.compile(r"^\s*NOTE\b")
_BLOCKS = {"Cmf": "CMF", "Nfvo": "NFVO", "Vnfm": "VNFM", "Vim": "VIM", "Wim": "WIM",
           "Cism": "CISM", "Cir": "CIR"}


def ifa026(raw: str) -> list[Record]:
    lines = [s for s in raw.splitlines() if not _FURNITURE.match(s)]
    annex_a = section(lines, r"Annex A \(normative\):", r"Annex B \(normative\):")
    annex_b = section(lines, r"Annex B \(normative\):", r"Annex C \(informative\):")
    return list(_annex_a(annex_a)) + list(_annex_b(annex_b))


def _annex_a(lines: list[str]) -> Iterator[Record]:
    clause, current, body = "", "", list[str]()
    for line in lines + ["NOTE: end"]:
        row, head = _R_ROW.match(line), _A_HEAD.match(line)
        if current and (row or head or _A_STOP.match(line)):
            yield record(id=current, document="IFA026", clause=clause,
                         text=join_lines(body), applies_to="NFV-MANO/SM")
            current, body = "", []
        if head:
            clause = head.group(1)
        elif row:
            current, body = row.group(1), [row.group(2)]
        elif current:
            body.append(line)


def _annex_b(lines: list[str]) -> Iterator[Record]:
    clause, table, current, body = "", "", "", list[str]()
    for line in lines + ["NOTE: end"]:
        if _B_TABLE_HEADER.match(line):
            continue
        row, head, tab = _B_ROW.match(line), _B_HEAD.match(line), _B_TABLE.match(line)
        if current and (row or head or tab or _B_STOP.match(line)):
            yield record(id=current, document="IFA026", clause=clause, table=table,
                         text=join_lines(body), applies_to=_BLOCKS[current.split(".")[0]])
            current, body = "", []
        if head:
            clause, table = head.group(1), ""
        elif tab:
            if tab.group(1) != clause:
                raise ValueError(f"table {tab.group(0)!r} is not in clause {clause}")
            table = f"Table {tab.group(1)}-{tab.group(2)}"
        elif row:
            if not table:
                raise ValueError(f"requirement {row.group(1)} outside a table")
            current, body = row.group(1), [row.group(2)]
        elif current:
            body.append(line)


# ---------------------------------------------------------------- IFA033

# The functional block / reference point / interface each requirement table is placed on.
IFA033_APPLIES_TO = {
    "Table 5.2.1-1": "Sc-Or",
    "Table 5.2.2-1": "Sc-Vi",
    "Table 5.3.1-1": "NS Lifecycle Management interface",
    "Table 5.3.2-1": "Status Information Management interface",
    "Table 5.3.3-1": "Security Policy Enforcement interface",
    "Table 5.3.4-1": "Security VNF Management interface",
    "Table 5.3.5-1": "Telemetry Information Management interface",
    "Table 5.4-1": "Sc-Or/Sc-Vi",  # "applies to all interfaces" over Sc-Or and Sc-Vi
    "Table 10.2.1-1": "Cm-Vnfm",
    "Table 10.2.2-1": "Cm-Oss",  # the spec's caption says "Cm-Vnfm" (editorial slip)
    "Table 10.2.3-1": "Cm-Mano",
    "Table 10.3.1-1": "Certificate Management interface",
    "Table 10.3.1-2": "Certificate Management interface",
    "Table 10.3.2-1": "VNF Lifecycle Management interface",
    "Table 10.3.3-1": "Certificate Notification Service interface",
}
_HEAD = re.compile(r"^(\d+(?:\.\d+)*)\s+\S")
_TABLE = re.compile(r"^Table ((\d+(?:\.\d+)*)-\d+):")
_COLUMNS = {"Requirement": "text", "Reference to requirement": "reference", "PSF": "psf",
            "Certificate management mode": "mode"}


def ifa033(raw: str) -> list[Record]:
    lines = raw.splitlines()
    clause5 = section(lines, r"5 Reference point and interface requirements for Security Management",
                      r"6 Interfaces over Sc-Or reference point")
    clause10 = section(lines, r"10 Reference point and interface requirements for Certificate Management",
                       r"11 Interface specification on Certificate Management")
    return list(_tables(clause5, "5")) + list(_tables(clause10, "10"))


def _tables(lines: list[str], clause: str) -> Iterator[Record]:
    table, columns = "", list[str]()
    for line in lines:
        head, tab = _HEAD.match(line), _TABLE.match(line)
        if head and "\t" not in line:
            clause, table, columns = head.group(1), "", []
        elif tab:
            if tab.group(2) != clause:
                raise ValueError(f"table {tab.group(0)!r} is not in clause {clause}")
            table, columns = f"Table {tab.group(1)}", []
        elif "\t" in line:
            cells = line.split("\t")
            first = cells[0].strip()
            if first in ("Numbering", "Identifier"):
                columns = [_column(c) for c in cells]  # repeated header after a page break too
            elif first.startswith(("NOTE", "<p>")) or not first:
                continue
            else:
                if not table or not columns:
                    raise ValueError(f"row outside a table: {line[:60]!r}")
                fields = {col: clean(cell) for col, cell in zip(columns, cells) if col}
                yield record(id="".join(first.split()), document="IFA033", clause=clause,
                             table=table, applies_to=IFA033_APPLIES_TO[table], **fields)


def _column(header: str) -> str:
    for prefix, name in _COLUMNS.items():
        if header.strip().startswith(prefix):
            return name
    return ""


# ---------------------------------------------------------------- documents

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_HISTORY_ROW = re.compile(r"(V\d+\.\d+\.\d+) ([A-Z][a-z]+) (\d{4}) Publication")


def history(raw: str) -> list[tuple[str, str]]:
    """The publications of the spec's closing History table, oldest first: ("V5.4.1", "2026-02").

    The table follows the document's last line that reads just "History" (as text, "## History"
    or bold); the table-of-contents entry has dot leaders and the change-history annex another title.
    """
    lines = [clean(s).strip("# ") for s in raw.splitlines()]
    start = max((n for n, s in enumerate(lines) if s == "History"), default=None)
    if start is None:
        raise ValueError("no History table")
    rows = [m.groups() for m in map(_HISTORY_ROW.fullmatch, lines[start + 1:]) if m]
    if not rows:
        raise ValueError("History table without a publication row")
    return [(version, f"{year}-{_MONTHS.index(month) + 1:02d}") for version, month, year in rows]


def document(key: str, file: Path, raw: str) -> dict[str, str]:
    """The catalogue's entry for one source document: the last row of its History table."""
    version, date = history(raw)[-1]
    # the title page and page headers, where the copy prints them: "ETSI GS NFV-IFA 026 V4.5.1 (2023-10)"
    printed = set(re.findall(re.escape(DESIGNATIONS[key]) + r" (V\d+\.\d+\.\d+) \((\d{4}-\d{2})\)", raw))
    if printed - {(version, date)}:
        raise ValueError(f"{file.name}: History gives {version} ({date}), the pages print {sorted(printed)}")
    return {"title": f"{DESIGNATIONS[key]} {version}", "version": version, "date": date, "file": file.name}


def spec_file(specs: Path, key: str) -> Path:
    """The spec text of ``key`` under its current name, else under an earlier one."""
    for name in SPEC_FILES[key]:
        if (specs / name).is_file():
            return specs / name
    raise FileNotFoundError(f"{key}: none of {', '.join(SPEC_FILES[key])} in {specs}")


# ---------------------------------------------------------------- main


def specs_dir(argv: list[str]) -> Path:
    if len(argv) > 1:
        return Path(argv[1])
    return Path(os.environ.get("NFVCT_SPECS") or REPO.parent / "shared" / "specs")


def build(specs: Path) -> dict[str, Any]:
    files = {key: spec_file(specs, key) for key in SPEC_FILES}
    texts = {key: file.read_text(encoding="utf-8") for key, file in files.items()}
    reqs = ifa026(texts["IFA026"]) + ifa033(texts["IFA033"])
    seen: set[str] = set()
    for r in reqs:
        if r["id"] in seen:
            raise ValueError(f"duplicate requirement ID {r['id']}")
        seen.add(r["id"])
    documents = {key: document(key, files[key], texts[key]) for key in SPEC_FILES}
    return {"schema": "nfvct-catalogue/1", "documents": documents, "requirements": reqs}


def main(argv: list[str]) -> int:
    catalogue = build(specs_dir(argv))
    OUT.write_text(json.dumps(catalogue, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(catalogue['requirements'])} requirements to {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
