"""The replayed use cases: IFA026 annex C (delegation mode) and the IFA033 11.2 operations."""

from __future__ import annotations

from scenarios import cmp_only, delegation, direct, installation, mano, notifications, operations
from scenarios.common import Scenario


def all_scenarios() -> list[Scenario]:
    return (delegation.scenarios() + operations.scenarios() + notifications.scenarios() + cmp_only.scenarios()
            + installation.scenarios() + mano.scenarios() + direct.scenarios())


__all__ = ["Scenario", "all_scenarios"]
