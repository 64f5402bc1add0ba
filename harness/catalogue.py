"""The requirement catalogue: every requirement the harness can give a verdict on, in spec order.

Loaded from the package data: harness/data/catalogue.json (the numbered IFA026/IFA033
requirements, built by scripts/build_catalogue.py) followed by harness/data/clauses.json
(clause-keyed 'shall' statements), if that file exists. tests/test_catalogue.py proves every
entry against the spec texts.

The catalogue also carries its source documents (``documents``): title, version and date as the
builder read them from each spec text's own History table. Code that cites a document takes the
citation from here, never types a version: ``cite("SOL023")``, or ``from harness.catalogue import SOL023``.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from importlib import resources
from typing import Any

from harness.model import Requirement

CATALOGUE_FILE = "catalogue.json"
CLAUSES_FILE = "clauses.json"
IETF_FILE = "ietf.json"  # IETF clauses the CMP checks use: our summaries (RFC texts are not shipped)
SIDES_FILE = "sm_sides.json"  # SM requirements: verified on the SM, NFV-MANO's obligation, or untestable
SCHEMAS = {CATALOGUE_FILE: {"nfvct-catalogue/1"},
           CLAUSES_FILE: {"nfvct-clauses/1", "nfvct-catalogue/1"},
           IETF_FILE: {"nfvct-ietf/1"},
           SIDES_FILE: {"nfvct-sm-sides/1"}}
_FIELDS = {f.name for f in fields(Requirement)}
CITED = ("IFA026", "IFA033", "SOL023")  # importable as citations: ``from harness.catalogue import IFA033``


@dataclass(frozen=True)
class Document:
    """A source document of the catalogue, as the builder read it from the spec text's History table."""

    key: str  # "IFA033"
    title: str  # how the harness cites it: designation and version, "ETSI GS NFV-IFA 033 Vx.y.z"
    version: str = ""  # "Vx.y.z": the last publication row of the spec text's History table
    date: str = ""  # "YYYY-MM": that row's date
    file: str = ""  # the spec text it was read from

    @classmethod
    def from_json(cls, key: str, value: str | Mapping[str, str]) -> Document:
        """A "documents" entry of a data file: {"title", "version", "date", "file"}, or just the title."""
        if isinstance(value, str):
            return cls(key, value)
        unknown = set(value) - {"title", "version", "date", "file"}
        if unknown or "title" not in value:
            raise ValueError(f"bad document entry {key!r}: unknown fields {sorted(unknown)}, needs title")
        return cls(key, **{k: str(v) for k, v in value.items()})


@dataclass(frozen=True)
class Catalogue:
    """Requirements in order, looked up by ID. Duplicate IDs raise ValueError."""

    requirements: tuple[Requirement, ...]
    sources: tuple[Document, ...] = ()  # the documents the requirements are quoted from
    _index: Mapping[str, Requirement] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Requirement] = {}
        for req in self.requirements:
            if req.id in index:
                raise ValueError(f"duplicate requirement ID {req.id!r} in the catalogue")
            index[req.id] = req
        object.__setattr__(self, "_index", index)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]],
                     documents: Mapping[str, str | Mapping[str, str]] | None = None) -> Catalogue:
        """Build from JSON-style records (the "requirements" list of a catalogue file) and its "documents"."""
        return cls(tuple(_requirement(r) for r in records),
                   tuple(Document.from_json(k, v) for k, v in (documents or {}).items()))

    @property
    def documents(self) -> dict[str, str]:
        """Document key -> its citation, title with version: "IFA033" -> the "title" of its entry."""
        return {d.key: d.title for d in self.sources}

    def document(self, key: str) -> Document:
        """The source document ``key`` ("IFA026", "IFA033", "SOL023") with its version and date."""
        for doc in self.sources:
            if doc.key == key:
                return doc
        raise KeyError(f"no document {key!r} in the catalogue (has {', '.join(self.documents)})")

    def get(self, req_id: str) -> Requirement:
        try:
            return self._index[req_id]
        except KeyError:
            raise KeyError(self._unknown(req_id)) from None

    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.requirements)

    def __contains__(self, req_id: object) -> bool:
        return isinstance(req_id, str) and req_id in self._index

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __len__(self) -> int:
        return len(self.requirements)

    def _unknown(self, req_id: str) -> str:
        by_folded = {i.casefold(): i for i in self._index}
        close = difflib.get_close_matches(req_id.casefold(), list(by_folded), n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(by_folded[c] for c in close)}?" if close else ""
        return f"no requirement {req_id!r} in the catalogue ({len(self)} entries){hint}"


def _requirement(record: Mapping[str, Any]) -> Requirement:
    unknown = set(record) - _FIELDS
    if unknown or not {"id", "document", "clause", "text"} <= set(record):
        raise ValueError(f"bad catalogue record {record.get('id', '?')!r}: "
                         f"unknown fields {sorted(unknown)}, needs id/document/clause/text")
    return Requirement(**{k: str(v) for k, v in record.items()})


def _read(name: str) -> dict[str, Any] | None:
    resource = resources.files("harness").joinpath("data").joinpath(name)
    if not resource.is_file():
        return None
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    if data.get("schema") not in SCHEMAS[name]:
        raise ValueError(f"harness/data/{name}: unexpected schema {data.get('schema')!r}")
    return data


@functools.cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue (catalogue.json, then clauses.json and ietf.json if present); cached."""
    main = _read(CATALOGUE_FILE)
    if main is None:
        raise FileNotFoundError(f"harness/data/{CATALOGUE_FILE} is missing; run scripts/build_catalogue.py")
    clauses = _read(CLAUSES_FILE) or {}
    ietf = _read(IETF_FILE) or {}
    documents = {**main.get("documents", {}), **clauses.get("documents", {})}
    records = [*main["requirements"], *clauses.get("requirements", []), *ietf.get("requirements", [])]
    return Catalogue.from_records(records, documents)


@functools.cache
def load_documents() -> dict[str, Document]:
    """The source documents of the packaged catalogue (catalogue.json only), by key; cached."""
    main = _read(CATALOGUE_FILE)
    if main is None:
        raise FileNotFoundError(f"harness/data/{CATALOGUE_FILE} is missing; run scripts/build_catalogue.py")
    return {k: Document.from_json(k, v) for k, v in main.get("documents", {}).items()}


def cite(key: str) -> str:
    """How the harness cites a source document: its title with the version the catalogue carries."""
    try:
        return load_documents()[key].title
    except KeyError:
        raise KeyError(f"no document {key!r} in harness/data/{CATALOGUE_FILE}") from None


def __getattr__(name: str) -> str:
    """``from harness.catalogue import SOL023``: the citation of a CITED document, read lazily."""
    if name in CITED:
        return cite(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SIDE_LABELS = {
    "SM": "verified on the SM",
    "NFV-MANO": "NFV-MANO's obligation: the simulated NFVO/VIM provides or enforces it; not a verdict on the SM",
    "untestable": "untestable from outside the SM",
}


@functools.cache
def load_sides() -> dict[str, tuple[str, str]]:
    """Security Manager requirements (IFA026 annex A, IFA033 clause 5, IFA026 5.1.x): id -> (side, note)."""
    data = _read(SIDES_FILE) or {"sides": {}}
    return {k: (v["side"], v["note"]) for k, v in data["sides"].items()}


def for_role(role: str) -> list[Requirement]:
    """The catalogue part a run of ``role`` reports: the SM requirements for "sm", every other one for "cmf"."""
    sides = load_sides()
    return [r for r in load_catalogue() if (r.id in sides) == (role == "sm")]
