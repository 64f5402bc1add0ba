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
     "bindings": [str]}
    CHECK = {"check", "instance", "verdict", "scenario", "expected", "observed", "scope", "reason",
             "seconds", "trace": [seq]}

Every requirement of the catalogue is listed, NOT TESTED and NOT SELECTED ones included. ``outcome`` is
the exit-code rule (:meth:`harness.model.RunResult.outcome`): the same answer the terminal, the HTML,
JUnit and the pytest plugin give. (``nfvct-results/1`` lacked ``outcome``, ``run.selection``,
``run.role``, ``run.interrupted``, ``check.instance`` and ``check.seconds``; `nfvct diff` reads both.) Free texts of the
evidence pass through :func:`reports.redact.redact`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
        }
    ),
    "$defs": {
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
    }


def write_results_json(result: RunResult, path: Path) -> None:
    """Write ``results.json`` (UTF-8, indented, stable key order)."""
    text = json.dumps(results_dict(result), indent=2, ensure_ascii=False)
    atomic_write_text(path, text + "\n")
