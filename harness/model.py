"""The run's data model: verdicts, requirements, check outcomes, scenario steps, trace events.

Everything the runner produces and every report consumes is one of these immutable
records. Reports never reach into live objects; they only see these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any


class Verdict(str, Enum):
    """ISO/IEC 9646 verdicts, plus the two catalogue states a requirement can be in."""

    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    NOT_APPLICABLE = "NOT APPLICABLE"
    NOT_TESTED = "NOT TESTED"
    NOT_SELECTED = "NOT SELECTED"
    ERROR = "ERROR"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @staticmethod
    def worst(verdicts: "list[Verdict] | tuple[Verdict, ...]") -> "Verdict":
        """Requirement verdict = worst of its checks; nothing observed = NOT TESTED."""
        if not verdicts:
            return Verdict.NOT_TESTED
        return max(verdicts, key=lambda v: v.rank)


# FAIL dominates: a real observed violation outranks the harness breaking elsewhere.
_RANK = {
    Verdict.NOT_TESTED: 0,
    Verdict.NOT_SELECTED: 1,
    Verdict.NOT_APPLICABLE: 2,
    Verdict.PASS: 3,
    Verdict.INCONCLUSIVE: 4,
    Verdict.ERROR: 5,
    Verdict.FAIL: 6,
}


@dataclass(frozen=True)
class Requirement:
    """One catalogue entry: an ETSI requirement ID, or a clause-keyed 'shall' statement."""

    id: str
    document: str  # "IFA026" | "IFA033" | "SOL023"
    clause: str
    text: str
    table: str = ""
    applies_to: str = ""  # functional block or reference point the requirement is placed on
    mode: str = ""  # certificate management mode column, if the table has one
    psf: str = ""  # IFA033 PSF column (All, S, F, SF), if any
    reference: str = ""  # IFA033's "reference to requirement in IFA026" column, if any
    kind: str = "id"  # "id" (numbered in the spec) or "clause" (keyed by clause by us)


@dataclass(frozen=True)
class TraceEvent:
    """One observed exchange (or one half of it) between two actors."""

    seq: int
    at: datetime
    sender: str  # actor name, e.g. "VNFM", "CMF", "CA"
    receiver: str
    kind: str  # "http-request" | "http-response" | "tls" | "note"
    summary: str  # one line, e.g. "POST /nfv-cert/v1/subjects" or "201 Created (cp)"
    channel: str = ""  # e.g. "Cm-Vnfm / HTTPS mTLS", "CA-1 (harness binding)"
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str = ""  # decoded and already redacted: JSON, ASN.1 value notation, PEM
    step: str = ""  # spec flow step number this exchange belongs to, if known
    scenario: str = ""


@dataclass(frozen=True)
class Evidence:
    """What a verdict rests on: the expected, the observed, and the messages that show it."""

    expected: str
    observed: str
    trace_seqs: tuple[int, ...] = ()


@dataclass(frozen=True)
class CheckOutcome:
    """The result of running one registered check once."""

    check: str  # check name, e.g. "register-created"
    requirements: tuple[str, ...]
    verdict: Verdict
    scenario: str
    evidence: Evidence
    scope: str = ""  # partial coverage statement, shown next to the verdict
    reason: str = ""  # why NOT APPLICABLE / INCONCLUSIVE / ERROR
    instance: str = ""  # which object of the scenario it judged, when it runs more than once (a certificate)
    seconds: float = 0.0  # wall time since the scenario's previous outcome (JUnit time)


@dataclass(frozen=True)
class StepResult:
    """One numbered step of a spec flow table, with what was observed for it."""

    number: str
    sender: str
    receiver: str
    description: str  # the spec's text for the step
    verdict: Verdict
    observed: str = ""
    trace_seqs: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScenarioResult:
    id: str  # e.g. "C.2.2.2[VNFCI]"
    use_case: str  # e.g. "C.2.2.2"
    title: str
    source: str  # e.g. "ETSI GS NFV-IFA 026 V4.5.1 table C.2.2.2.6-1"
    verdict: Verdict
    steps: tuple[StepResult, ...]
    checks: tuple[CheckOutcome, ...]
    parameters: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    actors: tuple[str, ...] = ()  # lifelines, in the order of the spec flow, under their trace names


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    verdict: Verdict
    checks: tuple[CheckOutcome, ...]
    side: str = ""  # SM runs: "SM" | "NFV-MANO" | "untestable" (whose obligation it is, and whether it is judged)
    note: str = ""  # SM runs: what is verified, what the simulator does, or why it cannot be tested


@dataclass(frozen=True)
class Selection:
    """What the user asked to run: -k PATTERN, --requirement ID (prefixes), --check NAME."""

    pattern: str = ""
    requirements: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not (self.pattern or self.requirements or self.checks)

    def describe(self) -> str:
        parts = ([f"-k {self.pattern!r}"] if self.pattern else []) + \
            [f"--requirement {r}" for r in self.requirements] + [f"--check {c}" for c in self.checks]
        return " ".join(parts) if parts else "everything"


@dataclass(frozen=True)
class Outcome:
    """The run's one answer, said the same way by the terminal, the HTML, results.json, JUnit and pytest."""

    exit_code: int  # 0 conformant so far, 1 something FAILs, 2 not conclusive
    slug: str  # "ok" | "fail" | "inconclusive"
    text: str


@dataclass(frozen=True)
class RunInfo:
    id: str
    started: datetime
    finished: datetime
    sut: str  # human description of the system under test
    version: str  # harness version
    seed: int
    profile: str = ""  # path of the profile, or "embedded reference CMF"
    faults: tuple[str, ...] = ()
    interrupted: bool = False
    role: str = "CMF"  # the SUT's role: "CMF" | "SM"
    selection: Selection = Selection()
    stopped: str = ""  # with interrupted: why, e.g. "the run was interrupted (SIGTERM)", or a partial write's note


@dataclass(frozen=True)
class RunResult:
    info: RunInfo
    requirements: tuple[RequirementResult, ...]
    scenarios: tuple[ScenarioResult, ...]
    trace: tuple[TraceEvent, ...]
    bindings: tuple[str, ...] = ()  # harness-defined bindings in force, for the report
    # `run --baseline`: harness.compare.Comparison, named not imported (the core imports only the core)
    comparison: "Comparison | None" = None  # noqa: F821

    def summary(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for r in self.requirements:
            counts[r.verdict.value] += 1
        return counts

    def outcome(self) -> Outcome:
        """The exit-code rule: 0 only when every selected check is PASS or NOT APPLICABLE (and at least one
        PASSed); 1 when anything FAILs; 2 when nothing FAILs but something is INCONCLUSIVE or ERROR, the run was
        interrupted, or nothing was judged."""
        verdicts = [r.verdict for r in self.requirements] + [s.verdict for s in self.scenarios]
        verdicts += [c.verdict for s in self.scenarios for c in s.checks]
        counts = {v: sum(1 for s in self.scenarios for c in s.checks if c.verdict is v) for v in Verdict}
        failed = sum(1 for r in self.requirements if r.verdict is Verdict.FAIL)
        if Verdict.FAIL in verdicts:
            what = f"{failed} requirement{'s' if failed != 1 else ''}" if failed else \
                f"{counts[Verdict.FAIL] or 1} check{'s' if counts[Verdict.FAIL] > 1 else ''}"
            return Outcome(1, "fail", f"Not conformant: {what} failed")
        unsure = [f"{counts[v]} check{'s' if counts[v] != 1 else ''} {v.value}" for v in (Verdict.INCONCLUSIVE,
                  Verdict.ERROR) if counts[v]]
        if not unsure and any(s.verdict in (Verdict.INCONCLUSIVE, Verdict.ERROR) for s in self.scenarios):
            unsure = [f"{sum(1 for s in self.scenarios if s.verdict in (Verdict.INCONCLUSIVE, Verdict.ERROR))} "
                      "scenario(s) INCONCLUSIVE or ERROR"]
        if self.info.interrupted:
            return Outcome(2, "inconclusive", f"Not conclusive: {self.info.stopped or 'the run was interrupted'}" +
                           (f" ({', '.join(unsure)})" if unsure else ""))
        if unsure:
            return Outcome(2, "inconclusive", f"Not conclusive: nothing failed, but {', '.join(unsure)} "
                                              "(could not be judged)")
        if not any(v is Verdict.PASS for v in verdicts):
            return Outcome(2, "inconclusive", "Not conclusive: nothing was judged (every selected check is "
                                              "NOT APPLICABLE to this PICS)")
        return Outcome(0, "ok", "No requirement failed: every selected check passed or is not applicable")

    def exit_code(self) -> int:
        return self.outcome().exit_code


def jsonable(value: Any) -> Any:
    """Plain-JSON view of the model (datetimes as ISO 8601, enums as values)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {k: jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
