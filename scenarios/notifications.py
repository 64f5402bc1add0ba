"""Certificate Notification interface (SOL023 clause 7, IFA033 11.4): subscribe, query, terminate, notify."""

from __future__ import annotations

from scenarios.common import Scenario


def scenarios() -> list[Scenario]:
    return []
