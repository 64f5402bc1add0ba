"""Waits overlapped rather than summed (issue 15 item 6): while a scenario waits for something only time brings
(its certificate's expiry, the simulated VNFM's key retention), the run goes on with later scenarios, inside the
wait, one at a time as ever, and the waiting scenario resumes after the one running when its wait ends.

The wait itself is never shortened: it runs in full (in a thread of its own), whatever a vendor SUT's timing is.
What may run inside a wait is decided by what each scenario declares it depends on (``Scenario.uses``): a scenario
that declares nothing (None) never runs inside another's wait, and one that declares a resource the waiting
scenario holds (``holds``) does not either. :func:`RunContext.require` enforces the declaration where a resource
is taken, so a scenario that takes one it did not declare is an ERROR in every run, not a silent interference.

Scenarios still run one at a time, so the trace's current scenario stays well defined; a listener of the waiting
scenario records under that scenario (``NotificationEndpoint.owner``). ``nfvct run --no-overlap`` runs the
scenarios strictly one after another; tests/test_overlap.py shows the verdicts are the same either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Shared state a scenario's observations depend on (Scenario.uses, RunContext.overlapped holds=...)
NOTIFICATIONS = "cmf-notifications"  # subscriptions to the SUT's Certificate Notification interface; notify listener
DIRECT = "direct-mode"  # the direct-mode actors (VNF LCM, CA, attestation, VNFCIs) and what the CMF does with them


def may_run_inside(uses: frozenset[str] | None, held: list[frozenset[str]]) -> bool:
    """Whether a scenario declaring ``uses`` may run inside the waits that hold ``held``."""
    return uses is not None and not any(h & uses for h in held)


class WaitOverlap:
    """The run's pending scenarios (``pending``, shared with the runner's loop, which takes them from the front) and
    the waits in progress; ``run_one`` runs one scenario as the runner does (progress, result, bounds)."""

    def __init__(self, pending: list[Any], run_one: Callable[[Any], object],
                 on_wait: Callable[[str], None] = lambda scenario_id: None) -> None:
        self.pending = pending
        self._run_one = run_one
        self._on_wait = on_wait
        self._held: list[frozenset[str]] = []

    def __call__(self, scenario_id: str, wait: Callable[[], T], holds: frozenset[str]) -> T:
        box: dict[str, Any] = {}
        done = threading.Event()

        def target() -> None:
            try:
                box["value"] = wait()
            except BaseException as exc:  # handed to the waiting scenario, which raises it as if it had waited
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=target, name=f"nfvct-wait {scenario_id}", daemon=True).start()
        self._held.append(holds)
        told = False
        try:
            while not done.is_set():
                inside = next((s for s in self.pending if may_run_inside(s.uses, self._held)), None)
                if inside is None:
                    break
                if not told:
                    self._on_wait(scenario_id)
                    told = True
                self.pending.remove(inside)
                self._run_one(inside)
        finally:
            self._held.pop()
        done.wait()
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]
