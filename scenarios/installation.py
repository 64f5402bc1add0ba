"""Delegation-mode installation use cases C.2.2.3, C.3.2.3 and C.2.2.4 (+ C.2.2.4.7 with an HSM),
replayed simulator to simulator (the CMF is not involved)."""

from __future__ import annotations

from scenarios.common import Scenario


def scenarios() -> list[Scenario]:
    return []
