"""Report renderers: everything a run leaves for people and CI to read.

Public API::

    write_reports(result, out_dir) -> {"html": .../index.html, "json": .../results.json,
                                       "junit": .../junit.xml}
    write_partial_reports(partial, out_dir) -> {"json": ..., "junit": ...}   # after each scenario
    reports.html.write_html(result, out_dir) -> Path          # self-contained offline page
    reports.results_json.write_results_json(result, path)     # schema "nfvct-results/2"
    reports.results_json.SCHEMA_ID, RESULTS_JSON_SCHEMA       # JSON Schema draft 2020-12
    reports.junit.write_junit(result, path)
    reports.svg.sequence_svg(actors, events, *, highlight=...) -> str
    reports.redact.redact(text) -> str
    reports.schema_check.validation_errors(instance, schema) -> list[str]

Renderers only read the immutable :mod:`harness.model` records.
"""

from __future__ import annotations

from pathlib import Path

from harness.model import RunResult
from harness.trace import prerender
from reports.html import write_html
from reports.junit import write_junit
from reports.results_json import RESULTS_JSON_SCHEMA, SCHEMA_ID, write_results_json

__all__ = [
    "RESULTS_JSON_SCHEMA",
    "SCHEMA_ID",
    "write_html",
    "write_junit",
    "write_partial_reports",
    "write_reports",
    "write_results_json",
]


def write_reports(result: RunResult, out_dir: Path) -> dict[str, Path]:
    """Write ``index.html``, ``results.json`` and ``junit.xml`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": out_dir / "index.html",
        "json": out_dir / "results.json",
        "junit": out_dir / "junit.xml",
    }
    prerender(result.trace)  # the trace's bodies decoded for reading on every core, before the HTML needs them
    write_results_json(result, paths["json"])
    write_junit(result, paths["junit"])
    write_html(result, out_dir)
    return paths


def write_partial_reports(result: RunResult, out_dir: Path) -> dict[str, Path]:
    """The crash-safe write after each scenario (``result`` from RunSession.partial_result): ``results.json``
    and ``junit.xml`` only, as the HTML of a full run takes about 1.5 s to render; ``write_reports`` at the end
    (or on interruption) writes all three. An ``index.html`` left by an earlier run is removed, so the folder
    never mixes two runs."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "results.json", "junit": out_dir / "junit.xml"}
    write_results_json(result, paths["json"], compact=True)
    write_junit(result, paths["junit"])
    (out_dir / "index.html").unlink(missing_ok=True)
    return paths
