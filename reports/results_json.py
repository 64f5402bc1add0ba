"""``results.json``: the versioned, machine-readable view of one run.

Schema ``nfvct-results/2`` (keys are exact; see :data:`RESULTS_JSON_SCHEMA`)::

    {"schema": "nfvct-results/2",
     "run": {"id", "started", "finished", "sut", "version", "seed", "profile", "faults", "role",
             "interrupted", "selection": {"pattern", "requirements", "checks", "text"}},
     "outcome": {"exit_code": 0|1|2, "status": "ok"|"fail"|"inconclusive", "text"},
     "summary": {<verdict value>: count, for every Verdict},
     "requirements": [{"id", "document", "clause", "text", "verdict", "checks": [CHECK]}],
     "scenarios": [{"id", "use_case", "title", "source", "verdict", "parameters", "reason",
                    "steps": [{"number", "from", "to", "description", "verdict", "observed"}],
                    "checks": [CHECK]}],
     "bindings": [str],
     "documents": [{"key", "title", "version", "date"}],  # the specification versions the verdicts cite
     "comparison": null | COMPARISON}
    CHECK = {"check", "instance", "verdict", "scenario", "expected", "observed", "scope", "reason",
             "seconds", "trace": [seq]}
    COMPARISON = {"baseline": RUN, "new": RUN, "differences": [str], "exit_code": 0|1|2, "gate": str,
                  "counts": {"requirements": {<list name>: n, "not_compared": n}, "checks": {<list name>: n}},
                  "regressions", "new_inconclusive", "fixes", "changes", "appeared", "disappeared",
                  "still_failing": [{"level", "id", "scenario", "check", "instance", "old", "new", "observed"}]}
    RUN = {"path", "schema", "run_id", "sut", "role", "selection", "version", "seed", "interrupted"}

Every requirement of the catalogue is listed, NOT TESTED and NOT SELECTED ones included. ``outcome`` is
the exit-code rule (:meth:`harness.model.RunResult.outcome`): the same answer the terminal, the HTML,
JUnit and the pytest plugin give. ``comparison`` is null unless the run had ``--baseline OLD``
(:mod:`harness.compare`): OLD is ``baseline``, this run ``new`` (path ""), ``exit_code`` the gate the process
exited with; ``old``/``new`` verdicts are null where the item is absent from that run. (``nfvct-results/1`` lacked ``outcome``, ``run.selection``,
``run.role``, ``run.interrupted``, ``check.instance`` and ``check.seconds``; `nfvct diff` reads both.) Free texts of the
evidence pass through :func:`reports.redact.redact`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.compare import KINDS, REQUIREMENT_KINDS
from harness.catalogue import load_documents
from harness.model import CheckOutcome, RunResult, ScenarioResult, StepResult, Verdict
from harness.redact import redact
from reports.text import atomic_write_text, iso

SCHEMA_ID = "nfvct-results/2"

_VERDICTS = [v.value for v in Verdict]
# RFC 3339 date-time with a mandatory offset: naive datetimes have no place in a report.
_DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    """A closed object schema: all listed keys required, no others allowed."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_STR: dict[str, Any] = {"type": "string"}
_VERDICT: dict[str, Any] = {"enum": _VERDICTS}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_LISTS = [name for name, _ in KINDS.values()]

RESULTS_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:nfvct:schema:results:2",
    "title": "nfvct conformance run results",
    **_obj(
        {
            "schema": {"const": SCHEMA_ID},
            "run": {"$ref": "#/$defs/run"},
            "outcome": _obj({"exit_code": {"enum": [0, 1, 2]}, "status": {"enum": ["ok", "fail", "inconclusive"]},
                             "text": _STR}),
            "summary": {"$ref": "#/$defs/summary"},
            "requirements": {"type": "array", "items": {"$ref": "#/$defs/requirement"}},
            "scenarios": {"type": "array", "items": {"$ref": "#/$defs/scenario"}},
            "bindings": {"type": "array", "items": _STR},
            "documents": {"type": "array", "items": _obj({"key": _STR, "title": _STR, "version": _STR,
                                                           "date": _STR})},
            "comparison": {"$ref": "#/$defs/comparison"},
        }
    ),
    "$defs": {
        "comparison": {
            **_obj({
                "baseline": {"$ref": "#/$defs/runRef"},
                "new": {"$ref": "#/$defs/runRef"},
                "differences": {"type": "array", "items": _STR},
                "exit_code": {"enum": [0, 1, 2]},
                "gate": _STR,
                "counts": _obj({"requirements": _obj({**{KINDS[k][0]: _COUNT for k in REQUIREMENT_KINDS},
                                                      "not_compared": _COUNT}),
                                "checks": _obj({name: _COUNT for name in _LISTS})}),
                **{name: {"type": "array", "items": {"$ref": "#/$defs/delta"}} for name in _LISTS},
            }),
            "type": ["object", "null"],
        },
        "runRef": _obj({"path": _STR, "schema": _STR, "run_id": _STR, "sut": _STR, "role": _STR, "selection": _STR,
                        "version": _STR, "seed": {"type": ["integer", "null"]}, "interrupted": {"type": "boolean"}}),
        "delta": _obj({"level": {"enum": ["requirement", "check"]}, "id": {"type": "string", "minLength": 1},
                       "scenario": _STR, "check": _STR, "instance": _STR, "old": {"enum": [*_VERDICTS, None]},
                       "new": {"enum": [*_VERDICTS, None]}, "observed": _STR}),
        "dateTime": {"type": "string", "format": "date-time", "pattern": _DATE_TIME},
        "verdict": _VERDICT,
        "run": _obj(
            {
                "id": {"type": "string", "minLength": 1},
                "started": {"$ref": "#/$defs/dateTime"},
                "finished": {"$ref": "#/$defs/dateTime"},
                "sut": _STR,
                "version": _STR,
                "seed": {"type": "integer"},
                "profile": _STR,
                "faults": {"type": "array", "items": _STR},
                "role": {"enum": ["CMF", "SM"]},
                "interrupted": {"type": "boolean"},
                "selection": _obj({"pattern": _STR, "requirements": {"type": "array", "items": _STR},
                                   "checks": {"type": "array", "items": _STR}, "text": _STR}),
            }
        ),
        "summary": _obj({v: {"type": "integer", "minimum": 0} for v in _VERDICTS}),
        "check": _obj(
            {
                "check": {"type": "string", "minLength": 1},
                "instance": _STR,
                "verdict": {"$ref": "#/$defs/verdict"},
                "scenario": _STR,
                "expected": _STR,
                "observed": _STR,
                "scope": _STR,
                "reason": _STR,
                "seconds": {"type": "number", "minimum": 0},
                "trace": {"type": "array", "items": {"type": "integer"}},
            }
        ),
        "requirement": _obj(
            {
                "id": {"type": "string", "minLength": 1},
                "document": _STR,
                "clause": _STR,
                "text": _STR,
                "verdict": {"$ref": "#/$defs/verdict"},
                "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}},
            }
        ),
        "step": _obj(
            {
                "number": _STR,
                "from": _STR,
                "to": _STR,
                "description": _STR,
                "verdict": {"$ref": "#/$defs/verdict"},
                "observed": _STR,
            }
        ),
        "scenario": _obj(
            {
                "id": {"type": "string", "minLength": 1},
                "use_case": _STR,
                "title": _STR,
                "source": _STR,
                "verdict": {"$ref": "#/$defs/verdict"},
                "parameters": {"type": "object", "additionalProperties": _STR},
                "reason": _STR,
                "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}},
                "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}},
            }
        ),
    },
}


def check_json(check: CheckOutcome) -> dict[str, Any]:
    return {
        "check": check.check,
        "instance": check.instance,
        "verdict": check.verdict.value,
        "scenario": check.scenario,
        "expected": redact(check.evidence.expected),
        "observed": redact(check.evidence.observed),
        "scope": check.scope,
        "reason": redact(check.reason),
        "seconds": check.seconds,
        "trace": list(check.evidence.trace_seqs),
    }


def _step_json(step: StepResult) -> dict[str, Any]:
    return {
        "number": step.number,
        "from": step.sender,
        "to": step.receiver,
        "description": step.description,
        "verdict": step.verdict.value,
        "observed": redact(step.observed),
    }


def _scenario_json(scenario: ScenarioResult) -> dict[str, Any]:
    return {
        "id": scenario.id,
        "use_case": scenario.use_case,
        "title": scenario.title,
        "source": scenario.source,
        "verdict": scenario.verdict.value,
        "parameters": {str(k): redact(str(v)) for k, v in scenario.parameters.items()},
        "reason": redact(scenario.reason),
        "steps": [_step_json(s) for s in scenario.steps],
        "checks": [check_json(c) for c in scenario.checks],
    }


def results_dict(result: RunResult) -> dict[str, Any]:
    """The ``nfvct-results/2`` document as plain JSON-able data."""
    info = result.info
    outcome = result.outcome()
    return {
        "schema": SCHEMA_ID,
        "run": {
            "id": info.id,
            "started": iso(info.started),
            "finished": iso(info.finished),
            "sut": info.sut,
            "version": info.version,
            "seed": info.seed,
            "profile": info.profile,
            "faults": list(info.faults),
            "role": info.role,
            "interrupted": info.interrupted,
            "selection": {"pattern": info.selection.pattern, "requirements": list(info.selection.requirements),
                          "checks": list(info.selection.checks), "text": info.selection.describe()},
        },
        "outcome": {"exit_code": outcome.exit_code, "status": outcome.slug, "text": outcome.text},
        "summary": result.summary(),
        "requirements": [
            {
                "id": r.requirement.id,
                "document": r.requirement.document,
                "clause": r.requirement.clause,
                "text": r.requirement.text,
                "verdict": r.verdict.value,
                "checks": [check_json(c) for c in r.checks],
            }
            for r in result.requirements
        ],
        "scenarios": [_scenario_json(s) for s in result.scenarios],
        "bindings": list(result.bindings),
        "documents": [{"key": d.key, "title": d.title, "version": d.version, "date": d.date}
                      for d in load_documents().values()],
        "comparison": result.comparison.to_json() if result.comparison is not None else None,
    }


def write_results_json(result: RunResult, path: Path, compact: bool = False) -> None:
    """Write ``results.json`` (UTF-8, indented, stable key order); ``compact`` (the partial writes during a run)
    leaves out the indentation, which makes json use its C encoder: 5-10x faster on a full run's trace."""
    text = json.dumps(results_dict(result), indent=None if compact else 2, ensure_ascii=False)
    atomic_write_text(path, text + "\n")
