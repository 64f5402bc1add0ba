"""checkAfter is honoured, never skipped (SOL023 5.3.6 step 1): with the reference announcing 1 s, every pollReq
of a pending request is sent at least 1 s after the answer that announced the wait. (The embedded rehearsal
announces 0 s by default, so a default run never shows the wait; this test keeps it honoured for a vendor's SUT.)"""

from __future__ import annotations

import time
from typing import Any

import pytest

from harness.runner import run
from simulators.vnfm import VnfmClient


def test_polling_waits_the_announced_check_after(monkeypatch: pytest.MonkeyPatch) -> None:
    answered: dict[int, float] = {}  # id of the exchange -> when its answer arrived
    gaps: list[tuple[float, float]] = []  # (announced checkAfter, seconds actually waited)
    p10cr, poll = VnfmClient.p10cr, VnfmClient.poll

    def timed_p10cr(self: VnfmClient, *args: Any, **kwargs: Any) -> Any:
        out = p10cr(self, *args, **kwargs)
        answered[id(out)] = time.monotonic()
        return out

    def timed_poll(self: VnfmClient, cert_type: str, last: Any, *args: Any, **kwargs: Any) -> Any:
        wait = float(last.message.poll_reps[0][1] or 0) if last.message is not None and last.message.poll_reps else 0
        if id(last) in answered:
            gaps.append((wait, time.monotonic() - answered[id(last)]))
        out = poll(self, cert_type, last, *args, **kwargs)
        answered[id(out)] = time.monotonic()
        return out

    monkeypatch.setattr(VnfmClient, "p10cr", timed_p10cr)
    monkeypatch.setattr(VnfmClient, "poll", timed_poll)
    result = run(None, pattern="C.3.2.2[VNF OAM]", seed=5, reference_check_after=1)
    assert result.exit_code() == 0, [(s.id, s.verdict.value, s.reason) for s in result.scenarios]
    announced = [g for g in gaps if g[0] >= 1]
    assert announced, f"no poll followed a pollRep announcing checkAfter 1 s: {gaps}"
    assert all(waited >= wait for wait, waited in gaps), gaps
