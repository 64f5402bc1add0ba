"""``index.html``: the single self-contained, offline conformance report page.

The page has no scripts and loads nothing: CSS is inlined from ``templates/style.css``,
diagrams are inline SVG (:mod:`reports.svg`). Jinja2 renders with autoescape on; every
message body, header value, summary and evidence text passes through
:func:`reports.redact.redact` first.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harness.model import (
    CheckOutcome,
    RequirementResult,
    RunResult,
    ScenarioResult,
    StepResult,
    TraceEvent,
    Verdict,
)
from harness import spec_conflicts
from harness.redact import redact, redact_headers
from harness.sut_input import SutInputError, parse_json
from reports.svg import sequence_svg
from reports.text import (
    PROBLEM_VERDICTS,
    VERDICT_ORDER,
    atomic_write_text,
    human_time,
    iso,
    shorten,
    verdict_slug,
    xml_safe,
)

TEMPLATES = Path(__file__).parent / "templates"
LONG_TEXT = 220  # requirement texts longer than this collapse into <details>
JUDGED = frozenset({Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.ERROR})
# IFA026 functional blocks a requirement can be placed on ("applies_to"); in a run every one but the SUT's role is
# played by a harness simulator (DESIGN.md "Roles are swappable")
BLOCKS = frozenset({"CMF", "SM", "NFVO", "VNFM", "VIM", "WIM", "CISM", "CIR", "CA", "VNFCI", "VNFI", "OSS", "HSM"})
SIMULATED_SCOPE = "verified on the harness's simulated"  # how a check says it judges a simulator (installation)
DOMAIN = {"SM": "security management"}  # the kicker's subject per SUT role; default "certificate management"


def slug(text: str) -> str:
    """A fragment-safe anchor fragment (no spaces, brackets or colons)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


class _Anchors:
    """Unique anchor ids for a page (two ids that slug alike get a numeric suffix)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, prefix: str, text: str) -> str:
        base = f"{prefix}-{slug(text)}"
        anchor, n = base, 2
        while anchor in self._used:
            anchor, n = f"{base}-{n}", n + 1
        self._used.add(anchor)
        return anchor


def _clean(text: str) -> str:
    """Redacted text without characters that have no place in a page (NUL, ESC, ...)."""
    return xml_safe(redact(text))


def _duration(delta: timedelta) -> str:
    seconds = max(delta.total_seconds(), 0.0)
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)} min {rest:.1f} s" if minutes else f"{rest:.1f} s"


def _pretty_body(text: str) -> str:
    """Redacted body; single-line JSON is re-indented for reading."""
    clean = _clean(text)
    stripped = clean.strip()
    if stripped[:1] in ("{", "[") and "\n" not in stripped:
        try:
            clean = json.dumps(parse_json(stripped, "body"), indent=2, ensure_ascii=False)
        except SutInputError:  # not JSON, or nested too deep to re-indent: shown as it is
            pass
    return _clean(clean)


def event_view(event: TraceEvent) -> dict[str, Any]:
    """One trace event's view (its body decoded and redacted now, at report time: harness/trace.py records it raw);
    an event that cannot be rendered says so instead of breaking the page."""
    try:
        return _event(event)
    except Exception as exc:  # hostile SUT content must never cost the report its index.html
        why = f"could not render: {type(exc).__name__}: {str(exc)[:200]}"
        return {"seq": event.seq, "at": iso(event.at), "time": event.at.strftime("%H:%M:%S.%f")[:-3],
                "sender": xml_safe(event.sender), "receiver": xml_safe(event.receiver), "kind": event.kind,
                "summary": _clean(why), "channel": xml_safe(event.channel), "headers": {},
                "body": _clean(why), "step": event.step}


def _event(event: TraceEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": iso(event.at),
        "time": event.at.strftime("%H:%M:%S.%f")[:-3],
        "sender": event.sender,
        "receiver": event.receiver,
        "kind": event.kind,
        "summary": _clean(event.summary),
        "channel": event.channel,
        "headers": {
            xml_safe(k): xml_safe(v) for k, v in redact_headers(event.headers).items()
        },
        "body": _pretty_body(event.body_text),
        "step": event.step,
    }


class _Page:
    """Builds the plain-data view model the template renders."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.anchors = _Anchors()
        self.seqs = {e.seq for e in result.trace}
        self.scenario_anchor = {s.id: self.anchors.new("sc", s.id) for s in result.scenarios}
        self.req_anchor = {
            r.requirement.id: self.anchors.new("req", r.requirement.id)
            for r in result.requirements
        }
        self.actors: dict[str, set[str]] = {}  # scenario id -> actor names in its trace
        for event in result.trace:
            self.actors.setdefault(event.scenario, set()).update((event.sender, event.receiver))
        self.check_anchor: dict[CheckOutcome, str] = {}
        for scenario in result.scenarios:
            base = self.scenario_anchor[scenario.id]
            for index, check in enumerate(scenario.checks, start=1):
                self.check_anchor.setdefault(check, f"{base}-chk-{index}")

    def trace_links(self, seqs: Iterable[int]) -> list[dict[str, Any]]:
        return [{"seq": s, "href": f"#ev-{s}" if s in self.seqs else ""} for s in dict.fromkeys(seqs)]

    def check(self, check: CheckOutcome) -> dict[str, Any]:
        return {
            "anchor": self.check_anchor.get(check, ""),
            "check": check.check,
            "instance": _clean(check.instance),
            "verdict": check.verdict.value,
            "slug": verdict_slug(check.verdict),
            "scenario": check.scenario,
            "scenario_href": f"#{self.scenario_anchor[check.scenario]}"
            if check.scenario in self.scenario_anchor
            else "",
            "requirements": [
                {"id": r, "href": f"#{self.req_anchor[r]}" if r in self.req_anchor else ""}
                for r in check.requirements
            ],
            "expected": _clean(check.evidence.expected),
            "observed": _clean(check.evidence.observed),
            "scope": check.scope,
            "reason": _clean(check.reason),
            "trace": self.trace_links(check.evidence.trace_seqs),
        }

    def groups(self, checks: Iterable[CheckOutcome]) -> list[dict[str, Any]]:
        """Outcomes of one check with one verdict as one entry (in first-seen order): the count, the union of the
        requirements, the distinct expected/observed texts, and every occurrence (scenario, instance, link)."""
        by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for check in dict.fromkeys(checks):
            by_key.setdefault((check.check, check.verdict.value), []).append(self.check(check))
        out = []
        for items in by_key.values():
            first = items[0]
            requirements = list({r["id"]: r for item in items for r in item["requirements"]}.values())
            observed = list(dict.fromkeys(item["observed"] for item in items))
            out.append({
                **first,
                "count": len(items),
                "occurrences": items,
                "requirements": requirements,
                "expected_all": list(dict.fromkeys(item["expected"] for item in items)),
                "observed_all": observed,
                "reasons": list(dict.fromkeys(item["reason"] for item in items if item["reason"])),
                "scenario_count": len({item["scenario"] for item in items}),
                "same_observed": len(observed) == 1,
            })
        return out

    def simulated_peer(self, req: RequirementResult) -> str:
        """The functional block a judged requirement is placed on when the harness played it (a simulator, not
        the SUT): the checks say so ("verified on the harness's simulated ..."), or the block is another role than
        the SUT's and took part, as the harness's own actor, in every scenario that judged it. Else ""."""
        block = req.requirement.applies_to
        judging = [c for c in req.checks if c.verdict in JUDGED]
        if req.verdict not in JUDGED or not judging or block not in BLOCKS or block == self.result.info.role:
            return ""
        if all(c.scope.startswith(SIMULATED_SCOPE) for c in judging):
            return block
        return block if all(any(a == block or a.startswith(block + "-") for a in self.actors.get(c.scenario, ()))
                            for c in judging) else ""

    def event(self, event: TraceEvent) -> dict[str, Any]:
        return event_view(event)

    def step(self, step: StepResult) -> dict[str, Any]:
        return {
            "number": step.number,
            "sender": step.sender,
            "receiver": step.receiver,
            "description": step.description,
            "verdict": step.verdict.value,
            "slug": verdict_slug(step.verdict),
            "observed": _clean(step.observed),
            "trace": self.trace_links(step.trace_seqs),
        }

    def scenario(self, scenario: ScenarioResult) -> dict[str, Any]:
        events = sorted((e for e in self.result.trace if e.scenario == scenario.id),
                        key=lambda e: e.seq)
        actors: list[str] = list(scenario.actors)
        for step in () if actors else scenario.steps:
            for name in (step.sender, step.receiver):
                if name and name not in actors:
                    actors.append(name)
        hot = {s for c in scenario.checks if c.verdict in PROBLEM_VERDICTS
               for s in c.evidence.trace_seqs}
        hot |= {s for st in scenario.steps if st.verdict in PROBLEM_VERDICTS
                for s in st.trace_seqs}
        shown = [dataclasses.replace(e, summary=_clean(e.summary)) for e in events]
        counts = {v.value: 0 for v in VERDICT_ORDER}
        for check in scenario.checks:
            counts[check.verdict.value] += 1
        return {
            "anchor": self.scenario_anchor[scenario.id],
            "id": scenario.id,
            "use_case": scenario.use_case,
            "title": scenario.title,
            "source": scenario.source,
            "verdict": scenario.verdict.value,
            "slug": verdict_slug(scenario.verdict),
            "parameters": {k: _clean(str(v)) for k, v in scenario.parameters.items()},
            "reason": _clean(scenario.reason),
            "steps": [self.step(s) for s in scenario.steps],
            "checks": [self.check(c) for c in scenario.checks],
            "check_counts": {k: n for k, n in counts.items() if n},
            "svg": Markup(sequence_svg(actors, shown, highlight=hot)),  # noqa: S704 - escaped
            "events": [self.event(e) for e in events],
        }

    def catalogue(self) -> list[dict[str, Any]]:
        documents: dict[str, list[dict[str, Any]]] = {}
        for req in self.result.requirements:
            r = req.requirement
            documents.setdefault(r.document, []).append(
                {
                    "anchor": self.req_anchor[r.id],
                    "id": r.id,
                    "document": r.document,
                    "clause": r.clause,
                    "table": r.table,
                    "applies_to": r.applies_to,
                    "text": r.text,
                    "short": shorten(r.text, 160) if len(r.text) > LONG_TEXT else "",
                    "verdict": req.verdict.value,
                    "slug": verdict_slug(req.verdict),
                    "checks": [self.check(c) for c in req.checks],
                    "groups": self.groups(req.checks),
                    "simulated": self.simulated_peer(req),
                    "side": req.side,
                    "note": req.note,
                }
            )
        groups = []
        for name, rows in documents.items():
            counts = {v.value: 0 for v in VERDICT_ORDER}
            for row in rows:
                counts[row["verdict"]] += 1
            groups.append(
                {
                    "name": name or "(no document)",
                    "anchor": self.anchors.new("doc", name),
                    "rows": rows,
                    "counts": {k: n for k, n in counts.items() if n},
                }
            )
        return groups

    def sides(self) -> list[dict[str, Any]]:
        """SM runs: how many requirements are the SM's (and their verdicts), NFV-MANO's, or untestable."""
        from harness.catalogue import SIDE_LABELS

        out = []
        for side, label in SIDE_LABELS.items():
            rows = [r for r in self.result.requirements if r.side == side]
            if rows:
                counts: dict[str, int] = {}
                for r in rows:
                    counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
                out.append({"side": side, "label": label, "count": len(rows), "counts": counts})
        return out

    @staticmethod
    def by_mode(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """SM runs: the scenarios grouped by the SM mode (or trust domain arrangement) they exercise."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for s in scenarios:
            mode = s["parameters"].get("mode")
            if mode:
                groups.setdefault(mode, []).append(s)
        return [{"mode": m, "scenarios": rows} for m, rows in groups.items()]

    def findings(self) -> list[dict[str, Any]]:
        problems: list[CheckOutcome] = []
        for scenario in self.result.scenarios:
            problems += [c for c in scenario.checks if c.verdict in PROBLEM_VERDICTS]
        for req in self.result.requirements:  # checks whose scenario is not in the run
            problems += [c for c in req.checks if c.verdict in PROBLEM_VERDICTS]
        unique = list(dict.fromkeys(problems))
        unique.sort(key=lambda c: -c.verdict.rank)  # stable: keeps scenario order
        return self.groups(unique)  # one row per check and verdict, every occurrence listed in it

    def context(self) -> dict[str, Any]:
        result, info = self.result, self.result.info
        summary = result.summary()
        in_scenario = {s.id for s in result.scenarios}
        outcome = result.outcome()
        scenarios = [self.scenario(s) for s in result.scenarios]
        findings = self.findings()
        documents = self.catalogue()
        simulated = [row for doc in documents for row in doc["rows"] if row["simulated"]]
        comparison = None if result.comparison is None else \
            result.comparison.view(result.scenarios, self.check_anchor, self.req_anchor)  # run --baseline
        return {
            "comparison": comparison,
            "info": {
                "id": info.id,
                "sut": info.sut,
                "version": info.version,
                "seed": info.seed,
                "profile": info.profile,
                "faults": list(info.faults),
                "started": iso(info.started),
                "finished": iso(info.finished),
                "started_human": human_time(info.started),
                "finished_human": human_time(info.finished),
                "duration": _duration(info.finished - info.started),
            },
            "overall": {"slug": outcome.slug, "text": outcome.text, "code": outcome.exit_code},
            "selection": info.selection.describe(),
            "domain": DOMAIN.get(info.role, "certificate management"),
            "summary": [
                {"verdict": v.value, "slug": verdict_slug(v), "count": summary[v.value],
                 "problem": v in PROBLEM_VERDICTS}
                for v in VERDICT_ORDER
            ],
            "total": len(result.requirements),
            "findings": findings,
            "finding_checks": sum(f["count"] for f in findings),
            "simulated": simulated,
            "scenario_problems": [s for s in scenarios
                                  if s["verdict"] in {v.value for v in PROBLEM_VERDICTS}
                                  and s["reason"]],
            "bindings": spec_conflicts.split(result.bindings)[0],
            "conflicts": spec_conflicts.split(result.bindings)[1],
            "role": info.role,
            "sides": self.sides(),
            "by_mode": self.by_mode(scenarios),
            "documents": documents,
            "scenarios": scenarios,
            "orphans": [self.event(e) for e in sorted(result.trace, key=lambda e: e.seq)
                        if e.scenario not in in_scenario],
        }


def _environment() -> Environment:
    # autoescape=True, not select_autoescape(): the template's name ends in ".j2".
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(result: RunResult) -> str:
    """The report page as a string."""
    template = _environment().get_template("index.html.j2")
    return template.render(**_Page(result).context())


def write_html(result: RunResult, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` (creating ``out_dir``) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    atomic_write_text(path, render_html(result))
    return path

