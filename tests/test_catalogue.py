"""The requirement catalogue against the ETSI spec texts it quotes.

The spec texts are found via NFVCT_SPECS or ../shared/specs next to the repo root; the
cross-checks are skipped (with the reason) when they are not there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from harness.catalogue import Catalogue, cite, load_catalogue
from harness.catalogue_check import (
    check_catalogue,
    family,
    find_specs_dir,
    load_specs,
    normalise,
    spec_ids,
)
from harness.model import Requirement

REPO = Path(__file__).resolve().parents[1]
DATA = resources.files("harness").joinpath("data")

# Derived by reading the spec tables: annex A numbers in steps of 10, the rest 001..N.
EXPECTED_FAMILIES = {
    ("IFA026", "R1.1"): 16, ("IFA026", "R1.2"): 17, ("IFA026", "R1.3"): 29, ("IFA026", "R2.1"): 36,
    ("IFA026", "Cmf.CertLcm"): 15, ("IFA026", "Nfvo.Sc"): 9, ("IFA026", "Vnfm.Sc"): 19,
    ("IFA026", "Vim.Vrm"): 1, ("IFA026", "Vim.Sc"): 10, ("IFA026", "Wim.Sc"): 10,
    ("IFA026", "Cism.Sc"): 10, ("IFA026", "Cir.Sc"): 10,
    ("IFA033", "Sc-Or"): 4, ("IFA033", "Sc-Vi"): 1, ("IFA033", "Sc-Or.NsLcm"): 8,
    ("IFA033", "Sc-Or.StatusInfo"): 1, ("IFA033", "Sc-Or.SecEnforce"): 5,
    ("IFA033", "Sc-Or.SecurityVnfMgmt"): 2, ("IFA033", "Sc-Vi.Telem"): 2, ("IFA033", "Security"): 7,
    ("IFA033", "Cm-Vnfm"): 3, ("IFA033", "Cm-Oss"): 1, ("IFA033", "Cm-Mano"): 1,
    ("IFA033", "CMF.Certm.Del"): 6, ("IFA033", "CMF.Certm.Mano"): 6, ("IFA033", "VNFM.LCM"): 2,
    ("IFA033", "CMF.CNS"): 2,
}
# The document designations; their versions are the catalogue's, read from the spec texts' History tables.
DESIGNATIONS = {"IFA026": "ETSI GS NFV-IFA 026", "IFA033": "ETSI GS NFV-IFA 033", "SOL023": "ETSI GS NFV-SOL 023"}
NO_SPECS = ("ETSI spec texts not found: set NFVCT_SPECS, or keep ../shared/specs next to the repository "
            "(CI clones have it as /work/shared; a clone elsewhere, e.g. under /tmp, does not)")


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.joinpath(name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def specs() -> dict[str, str]:
    specs_dir = find_specs_dir(REPO)
    if specs_dir is None:
        pytest.skip(NO_SPECS)
    return load_specs(specs_dir)


@pytest.fixture(scope="module")
def specs_dir() -> Path:
    found = find_specs_dir(REPO)
    if found is None:
        pytest.skip(NO_SPECS)
    return found


@pytest.fixture(scope="module")
def numbered() -> list[Requirement]:
    return [r for r in load_catalogue() if r.kind == "id"]


# ------------------------------------------------------------------ the data file itself


def test_catalogue_file_shape() -> None:
    data = _json("catalogue.json")
    assert data["schema"] == "nfvct-catalogue/1"
    assert list(data["documents"]) == list(DESIGNATIONS)
    for key, doc in data["documents"].items():
        assert list(doc) == ["title", "version", "date", "file"], key
        assert re.fullmatch(r"V\d+\.\d+\.\d+", doc["version"]) and re.fullmatch(r"\d{4}-\d{2}", doc["date"]), key
        assert doc["title"] == f"{DESIGNATIONS[key]} {doc['version']}", key
        assert doc["file"] == f"ETSI-GS-NFV-{key}-v{doc['version'][1:]}.txt", f"{key}: not the spec's current file name"
    keys = ["id", "document", "clause", "table", "text", "applies_to", "mode", "psf", "reference", "kind"]
    for rec in data["requirements"]:
        assert list(rec) == keys, rec["id"]
        assert rec["kind"] == "id" and rec["document"] in ("IFA026", "IFA033")
        assert rec["text"] == " ".join(rec["text"].split()), f"{rec['id']}: whitespace not normalised"
        assert not any(c in rec["text"] for c in "<>\uf0a7\uf0b7"), f"{rec['id']}: markup left in text"
        assert rec["applies_to"], f"{rec['id']}: no applies_to"
        assert bool(rec["table"]) == (not rec["clause"].startswith("A.")), rec["id"]


def test_family_counts(numbered: list[Requirement]) -> None:
    counts = Counter((r.document, family(r.id)) for r in numbered)
    assert dict(counts) == EXPECTED_FAMILIES
    assert Counter(r.document for r in numbered) == {"IFA026": 182, "IFA033": 51}


def test_columns_carried_over(numbered: list[Requirement]) -> None:
    by_id = {r.id: r for r in numbered}
    assert by_id["Cm-Vnfm.001"].mode == "Delegation-mode"
    assert by_id["Cm-Vnfm.002"].mode == "Direct-mode"
    assert by_id["Sc-Or.SecEnforce.002"].psf == "S" and by_id["Sc-Or.003"].psf == "SF"
    assert by_id["Sc-Or.NsLcm.002"].reference == "R2.1.250"
    assert {r.psf for r in numbered if r.clause.startswith("5.")} <= {"All", "S", "F", "SF"}
    assert all(r.psf for r in numbered if r.clause.startswith("5."))
    assert by_id["Cmf.CertLcm.001"].applies_to == "CMF" and by_id["R2.1.10"].applies_to == "NFV-MANO/SM"


# ------------------------------------------------------------------ cross-checks with the specs


def history_rows(raw: str) -> list[tuple[str, str]]:
    """(version, "YYYY-MM") of every publication row of the closing History table; read independently of the builder."""
    headings = list(re.finditer(r"^[#\s]*(?:<b>)?History(?:</b>)?[ \t]*$", raw, re.MULTILINE))
    assert headings, "no History heading"
    table = raw[headings[-1].end():]
    rows = re.findall(r"^\W*(V\d+\.\d+\.\d+)\W+([A-Z][a-z]+ \d{4})\W+Publication\b", table, re.MULTILINE)
    return [(v, datetime.strptime(when, "%B %Y").strftime("%Y-%m")) for v, when in rows]


def test_documents_are_the_spec_texts_history(specs_dir: Path) -> None:
    """Each document's version and date are the last row of its text's History table, and its file
    the one ../shared/specs/README.md names (which cites the same version)."""
    index = (specs_dir / "README.md").read_text(encoding="utf-8")
    listed = {m["key"]: (m["file"], m["version"]) for m in re.finditer(
        r"^\| (?P<file>ETSI-GS-NFV-(?P<key>IFA026|IFA033|SOL023)-v[\d.]+\.txt) \| GS NFV-[A-Z]+ \d{3} "
        r"\**(?P<version>V\d+\.\d+\.\d+)", index, re.MULTILINE)}
    for key, doc in load_catalogue().documents.items():
        entry = load_catalogue().document(key)
        raw = (specs_dir / entry.file).read_text(encoding="utf-8")
        rows = history_rows(raw)
        assert rows, f"{entry.file}: no publication row in its History table"
        assert (entry.version, entry.date) == rows[-1], f"{key}: catalogue {entry.version} ({entry.date}), History {rows}"
        printed = set(re.findall(re.escape(DESIGNATIONS[key]) + r" (V[\d.]+\d) \((\d{4}-\d{2})\)", raw))
        assert printed <= {rows[-1]}, f"{key}: the pages print {printed}"  # IFA026's title page and headers
        assert listed.get(key) == (entry.file, entry.version), f"{key}: specs/README.md lists {listed.get(key)}"
        assert doc == cite(key) == f"{DESIGNATIONS[key]} {entry.version}"


# A citation of IFA026/IFA033/SOL023 with a version: "ETSI GS NFV-SOL 023 V5.4.1", "SOL023 V5.4", or a
# spec file name "...-IFA033-v5.4.1.txt". A line marked LEGACY may name the spec files' earlier names.
CITATION = re.compile(r"\b(?P<doc>IFA|SOL)[ -]?(?P<num>026|033|023)[\s(*-]*[Vv](?P<version>\d+(?:\.\d+)+)")
LEGACY = "nfvct: legacy spec name"
NOT_SCANNED = {".venv", ".git", "out", "__pycache__", ".ruff_cache", ".hypothesis", ".pytest_cache", ".mypy_cache"}


def wrong_citations(text: str, versions: dict[str, str]) -> list[tuple[int, str, str]]:
    """(line, citation, the catalogue's version) of every citation of another version than the catalogue's."""
    wrong = []
    for n, line in enumerate(text.splitlines(), 1):
        for m in CITATION.finditer(line):
            ours = versions[m["doc"] + m["num"]][1:]  # "5.4.1"
            if LEGACY not in line and not (ours == m["version"] or ours.startswith(m["version"] + ".")):
                wrong.append((n, m.group(0), versions[m["doc"] + m["num"]]))
    return wrong


def test_citation_finder_finds_every_form() -> None:
    versions = {"IFA026": "V4.5.1", "IFA033": "V5.4.1", "SOL023": "V5.4.1"}
    old = "5.2" + ".1"  # not typed as a citation: this file is scanned too
    bad = [f"ETSI GS NFV-IFA 033 V{old}", f"SOL023 V{old[:3]}", f"ETSI-GS-NFV-SOL023-v{old[:3]}.txt",
           f"IFA 026 (V{old})", f"NFV-SOL 023 **V{old}**"]
    assert [w[1] for w in wrong_citations("\n".join(bad), versions)] == [CITATION.search(b).group(0) for b in bad]
    good = ["ETSI GS NFV-IFA 033 V5.4.1", "SOL023 V5.4", "ETSI-GS-NFV-IFA026-v4.5.1.txt", "IFA033 VNFM.LCM.001",
            f'"ETSI-GS-NFV-IFA033-v{old[:3]}.txt",  # {LEGACY}', r"NFV-IFA 026 V\d+\.\d+"]
    assert wrong_citations("\n".join(good), versions) == []


def test_no_file_cites_another_version() -> None:
    """No file of the repository cites IFA026, IFA033 or SOL023 in a version other than the catalogue's."""
    versions = {d.key: d.version for d in load_catalogue().sources}
    problems = []
    for root, dirs, files in os.walk(REPO):
        dirs[:] = sorted(d for d in dirs if d not in NOT_SCANNED and not d.endswith(".egg-info"))
        for name in sorted(files):
            path = Path(root, name)
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # not text
            problems += [f"{path.relative_to(REPO)}:{n}: {cited!r}, the catalogue has {ours}"
                         for n, cited, ours in wrong_citations(text, versions)]
    assert problems == [], "cite the catalogue's versions (harness.catalogue.cite):\n" + "\n".join(problems)


def test_code_cites_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    import harness.catalogue
    from harness.cli import main
    from scenarios import flows, flows_mano, flows_notify

    documents = load_catalogue().documents
    assert flows.SOL023 == flows_notify.SOL023 == documents["SOL023"] == harness.catalogue.SOL023
    assert flows.IFA026 == flows_mano.IFA026 == documents["IFA026"]
    assert flows_mano.jws_rules().source.startswith(documents["SOL023"] + " ")
    with pytest.raises(AttributeError):
        harness.catalogue.IFA099  # noqa: B018 - a document the catalogue does not carry
    with pytest.raises(KeyError, match="IFA099"):
        cite("IFA099")
    assert main(["show", "Cm-Vnfm.001"]) == 0
    assert capsys.readouterr().out.startswith(f"Cm-Vnfm.001  ({documents['IFA033']}, clause 10.2.1")


def test_no_id_missing_none_invented_in_spec_order(specs: dict[str, str], numbered: list[Requirement]) -> None:
    for doc in ("IFA026", "IFA033"):
        defined, mentioned = spec_ids(doc, specs[doc])
        ours = [r.id for r in numbered if r.document == doc]
        assert set(defined) - set(ours) == set(), f"IDs of {doc} missing from the catalogue"
        assert set(ours) - set(defined) == set(), f"catalogue IDs not in {doc}"
        assert ours == defined, f"{doc}: catalogue not in spec order"
        assert mentioned <= set(ours), f"{doc}: cross-referenced IDs not in the catalogue"


def test_texts_quote_the_specs(specs: dict[str, str], numbered: list[Requirement]) -> None:
    assert check_catalogue(numbered, specs) == []


def test_clauses_file_quotes_the_specs(specs: dict[str, str]) -> None:
    if not DATA.joinpath("clauses.json").is_file():
        pytest.skip("harness/data/clauses.json not present")
    data = _json("clauses.json")
    clauses = Catalogue.from_records(data["requirements"]).requirements
    assert clauses and all(r.kind == "clause" for r in clauses)
    assert check_catalogue(clauses, specs, coverage=False) == []


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("build_catalogue", REPO / "scripts" / "build_catalogue.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builder_prefers_the_current_file_names(tmp_path: Path) -> None:
    builder = _builder()
    current, earlier = builder.SPEC_FILES["SOL023"]
    (tmp_path / earlier).write_text("earlier", encoding="utf-8")
    assert builder.spec_file(tmp_path, "SOL023").name == earlier  # only during the README's one release
    (tmp_path / current).write_text("current", encoding="utf-8")
    assert builder.spec_file(tmp_path, "SOL023").name == current
    with pytest.raises(FileNotFoundError, match="IFA033"):
        builder.spec_file(tmp_path, "IFA033")
    with pytest.raises(ValueError, match="no History table"):
        builder.history("Foreword\nHistory ..... 83\n")


def test_data_file_is_what_the_script_builds(specs: dict[str, str]) -> None:
    module = _builder()
    specs_dir = find_specs_dir(REPO)
    assert specs_dir is not None
    assert module.build(specs_dir) == _json("catalogue.json"), "rerun scripts/build_catalogue.py"


# ------------------------------------------------------------------ the checker can fail


def test_checker_reports_bad_entries(specs: dict[str, str], numbered: list[Requirement]) -> None:
    by_id = {r.id: r for r in numbered}
    bad = [
        replace(by_id["Cmf.CertLcm.001"], id="Cmf.CertLcm.016"),  # invented ID
        replace(by_id["Cmf.CertLcm.002"], text=by_id["Cmf.CertLcm.002"].text.replace("shall", "should")),
        replace(by_id["Vnfm.Sc.001"], text=by_id["Nfvo.Sc.001"].text),  # another ID's text
        replace(by_id["Cir.Sc.002"], text="The CIR shall"),  # in the spec, but too short to prove
        replace(by_id["Wim.Sc.001"], clause="B.9.9"),
        replace(by_id["R1.1.10"], text=by_id["R1.1.10"].text + " And more."),
        Requirement(id="SOL023:5.6.9:x", document="SOL023", clause="5.6.9", kind="clause",
                    text="The CMF shall do something this spec never says."),
        by_id["Sc-Or.001"],  # duplicate
    ]
    replaced = {r.id for r in bad[:-1]} | {"Vim.Sc.010"}  # Vim.Sc.010 left out: must be reported
    entries = [r for r in numbered if r.id not in replaced] + bad
    problems = "\n".join(check_catalogue(entries, specs))
    for expected in (
        "Cmf.CertLcm.016: not a requirement ID of IFA026",
        "Cmf.CertLcm.002: text not found in IFA026",
        "Vnfm.Sc.001: text is in IFA026 but not as the text of Vnfm.Sc.001",
        "Cir.Sc.002: text shorter than 20 characters",
        "Wim.Sc.001: clause 'B.9.9' is not a heading in IFA026",
        "Wim.Sc.001: Table B.5-1 is not in clause B.9.9",
        "R1.1.10: text not found in IFA026",
        "SOL023:5.6.9:x: text not found in SOL023",
        "SOL023:5.6.9:x: clause '5.6.9' is not a heading in SOL023",
        "Sc-Or.001: duplicate ID",
        "Vim.Sc.010: in IFA026 but missing from the catalogue",
    ):
        assert expected in problems
    assert "Cmf.CertLcm.003" not in problems  # untouched entries stay clean


def test_normalise_removes_page_artefacts() -> None:
    page_break = "the VIM's NFV-\nMANO certificate \n\n\n \n\nETSI \n\nETSI GS NFV-IFA 026 V4.5.1 (2023-10) 35 \n\n is"
    assert normalise(page_break) == "the VIM's NFV-MANO certificate is"
    assert normalise("**Table 1:** <p>a \uf0a7 b</p> • c ## d") == "Table 1: a b c d"
    assert normalise("NFV- MANO") == "NFV- MANO"  # a hyphen then a space is not a line break


# ------------------------------------------------------------------ the loader


def test_loader_api() -> None:
    cat = load_catalogue()
    assert cat is load_catalogue()  # cached
    extra = sum(len(_json(f)["requirements"]) for f in ("clauses.json", "ietf.json") if DATA.joinpath(f).is_file())
    assert len(cat) == len(_json("catalogue.json")["requirements"]) + extra
    assert cat.ids()[0] == "R1.1.10" and list(cat)[0] is cat.get("R1.1.10")
    assert "CMF.Certm.Del.006" in cat and "CMF.Certm.Del.007" not in cat and 42 not in cat
    assert cat.documents == {k: v["title"] for k, v in _json("catalogue.json")["documents"].items()}
    assert cat.document("SOL023").version == _json("catalogue.json")["documents"]["SOL023"]["version"]
    with pytest.raises(KeyError, match="IFA099"):
        cat.document("IFA099")
    assert cat.get("Cmf.CertLcm.015").table == "Table B.1.1.2-1"
    with pytest.raises(KeyError, match="CMF.Certm.Del.006"):
        cat.get("CMF.Certm.Del.007")
    with pytest.raises(KeyError, match=r"Sc-Or\.NsLcm005"):
        cat.get("Sc-Or.NsLcm.005")


def test_duplicate_ids_across_files_raise() -> None:
    records = _json("catalogue.json")["requirements"]
    clash = dict(records[0], kind="clause")
    with pytest.raises(ValueError, match="duplicate requirement ID 'R1.1.10'"):
        Catalogue.from_records([*records, clash])
    with pytest.raises(ValueError, match="unknown fields"):
        Catalogue.from_records([dict(records[0], colour="red")])


def test_ietf_entries_are_labelled_summaries() -> None:
    """RFC texts are not shipped: IETF entries must be summaries, and the checker says so otherwise."""
    from harness.catalogue_check import check_summary

    entries = Catalogue.from_records(_json("ietf.json")["requirements"]).requirements
    assert entries and all(r.kind == "summary" and not check_summary(r) for r in entries)
    bad = Catalogue.from_records([{**_json("ietf.json")["requirements"][0], "text": "a quote from memory"}])
    assert check_summary(bad.requirements[0])
