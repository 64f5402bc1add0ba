"""What only the whole load run can show, judged after Locust stopped, and the run's verdict.

* serial numbers unique among every certificate issued in the run (RFC 5280 4.1.2.2: "unique for each
  certificate issued by a given CA"; keyed by clause as RFC5280:4.1.2.2:serial-unique);
* every revocation effective at the CA (CA-1 reports the certificate revoked; CMF.Certm.Del.006, the requirement
  of the check revoke-takes-effect);
* every expected notification delivered exactly once: one CertificateLifecycleStateChangeNotification with
  certificateState REVOKED and certificateId = the serial per revoked certificate and subscriber (SOL023 7.3.2,
  the requirement of cns-notify-revoked), lateness measured from the rp.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from harness.load.actors import Actors
from harness.load.workloads import Workload

SERIAL_UNIQUE = ("RFC5280:4.1.2.2:serial-unique",)
REVOKED_AT_CA = ("CMF.Certm.Del.006",)
NOTIFIED = ("SOL023:7.3.2:notify",)
MAX_LISTED = 50


@dataclass
class LoadVerdict:
    incorrect: int = 0
    errors: int = 0
    complete: bool = True
    findings: list[dict[str, Any]] = field(default_factory=list)  # run-level FAILs (each listed once)
    notify: dict[str, Any] = field(default_factory=dict)  # expected, delivered, lost, duplicated, lateness_ms

    @property
    def exit_code(self) -> int:
        if self.incorrect:
            return 1
        return 2 if self.errors or not self.complete else 0

    @property
    def text(self) -> str:
        if self.incorrect:
            return f"FAIL: {self.incorrect} incorrect answer(s) under load"
        if self.errors:
            return f"INCONCLUSIVE: {self.errors} answer(s) were errors (refused or not answered)"
        if not self.complete:
            return "INCONCLUSIVE: the workload did not finish within its time bound"
        return "PASS: every answer correct"

    def summary_line(self) -> str:
        return f"{self.text} (exit {self.exit_code})"

    def fail(self, check: str, requirements: tuple[str, ...], observed: str, count: int = 1) -> None:
        self.incorrect += count
        if len(self.findings) < MAX_LISTED:
            self.findings.append({"check": check, "requirements": list(requirements), "observed": observed,
                                  "count": count})


def duplicate_serials(serials: list[str]) -> dict[str, int]:
    return {s: n for s, n in Counter(serials).items() if n > 1}


def judge_run(workload: Workload, engine: dict[str, Any], actors: Actors) -> LoadVerdict:
    collected = engine["collected"]
    verdict = LoadVerdict(complete=bool(engine.get("complete")) or workload.rate_per_s > 0)
    for key, count in collected["taxonomy"].items():
        outcome = key.split("|")[1]
        if outcome == "incorrect":
            verdict.incorrect += count
        elif outcome == "error":
            verdict.errors += count
    for serial, times in duplicate_serials(collected["serials"]).items():
        verdict.fail("serial-unique", SERIAL_UNIQUE, f"serial {serial} issued {times} times", times - 1)
    revoked = [(str(s), float(at)) for s, at in collected["revoked"]]
    if actors.ca is not None:
        for serial, _ in revoked:
            record = actors.ca.records.get(int(serial, 16))
            if record is None or record.revoked_at is None:
                verdict.fail("revoke-takes-effect", REVOKED_AT_CA, f"rp accepted for {serial}, but CA-1 reports it "
                             + ("unknown" if record is None else "good"))
    if actors.endpoint is not None:
        verdict.notify = _notifications(workload, actors, revoked, verdict)
    return verdict


def _notifications(workload: Workload, actors: Actors, revoked: list[tuple[str, float]],
                   verdict: LoadVerdict) -> dict[str, Any]:
    endpoint = actors.endpoint
    assert endpoint is not None
    expected = {(name, serial) for name in actors.callbacks for serial, _ in revoked}

    def delivered(received: list[Any]) -> bool:
        got = {(r.callback, _serial(r.body)) for r in received if r.method == "POST" and r.answered == 204}
        return expected <= got

    endpoint.wait_for(delivered, workload.notify_wait_seconds)
    time.sleep(workload.notify_quiet_seconds)  # duplicates, if any, arrive now
    offset = time.time() - time.monotonic()
    revoked_at = dict(revoked)
    counts: Counter[tuple[str, str]] = Counter()
    lateness: list[float] = []
    for r in endpoint.received(method="POST"):
        serial = _serial(r.body)
        if (r.callback, serial) not in expected or r.answered != 204:
            continue
        counts[(r.callback, serial)] += 1
        if counts[(r.callback, serial)] == 1:
            lateness.append(max(0.0, (r.at + offset - revoked_at[serial]) * 1000))
    lost = sorted(expected - set(counts))
    duplicated = {k: n for k, n in counts.items() if n > 1}
    if lost:
        verdict.fail("notification-delivered", NOTIFIED, f"{len(lost)} of {len(expected)} REVOKED notifications "
                     f"never delivered, e.g. serial {lost[0][1]} to subscriber {lost[0][0]}", len(lost))
    if duplicated:
        (sub, serial), n = next(iter(duplicated.items()))
        verdict.fail("notification-once", NOTIFIED, f"{len(duplicated)} notification(s) delivered more than once, "
                     f"e.g. serial {serial} to {sub} {n} times", sum(n - 1 for n in duplicated.values()))
    return {"subscribers": len(actors.callbacks), "expected": len(expected), "delivered": len(counts),
            "lost": len(lost), "duplicated": sum(n - 1 for n in duplicated.values()), "lateness_ms": lateness}


def _serial(body: Any) -> str:
    if not isinstance(body, dict) or body.get("certificateState") != "REVOKED":
        return ""
    return str(body.get("certificateId", "")).lower()
