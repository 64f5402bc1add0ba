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
    Verdict.NOT_APPLICABLE: 1,
    Verdict.PASS: 2,
    Verdict.INCONCLUSIVE: 3,
    Verdict.ERROR: 4,
    Verdict.FAIL: 5,
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


@dataclass(frozen=True)
class RunResult:
    info: RunInfo
    requirements: tuple[RequirementResult, ...]
    scenarios: tuple[ScenarioResult, ...]
    trace: tuple[TraceEvent, ...]
    bindings: tuple[str, ...] = ()  # harness-defined bindings in force, for the report

    def summary(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for r in self.requirements:
            counts[r.verdict.value] += 1
        return counts

    def exit_code(self) -> int:
        """0 nothing FAILs, 1 something FAILs, 2 the run could not be judged."""
        verdicts = [r.verdict for r in self.requirements] + [s.verdict for s in self.scenarios]
        if Verdict.FAIL in verdicts:
            return 1
        if self.info.interrupted or Verdict.ERROR in verdicts or not any(v is Verdict.PASS for v in verdicts):
            return 2
        return 0


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
