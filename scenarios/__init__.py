"""The replayed use cases: IFA026 annex C and the IFA033 11.2 operations (CMF), and the SM mode scenarios."""

from __future__ import annotations

from scenarios import cmp_only, cmp_rules, delegation, delegation_hsm, direct, installation, installation_hsm, mano, notifications, operations, sm
from scenarios import oauth
from scenarios.common import Scenario


def all_scenarios() -> list[Scenario]:
    return (delegation.scenarios() + delegation_hsm.scenarios() + operations.scenarios() + cmp_rules.scenarios() + notifications.scenarios() + cmp_only.scenarios()
            + installation.scenarios() + installation_hsm.scenarios() + mano.scenarios() + direct.scenarios()
            + oauth.scenarios())


def sm_scenarios() -> list[Scenario]:
    """The Security Manager scenarios (``nfvct run --role sm``)."""
    return sm.scenarios()


def scenarios_for(role: str) -> list[Scenario]:
    return sm_scenarios() if role.lower() == "sm" else all_scenarios()


__all__ = ["Scenario", "all_scenarios", "scenarios_for", "sm_scenarios"]
