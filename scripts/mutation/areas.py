"""The areas of the reference SUTs a mutation run samples, and the scenarios that exercise each one.

Each area names the reference modules it mutates, the ``nfvct run`` selection (role and ``-k`` pattern, as in
`nfvct list -k`) whose run is the oracle for their mutants, and how many mutants the fixed sample draws from it.
Not mutated: simulators/ca.py (CA-1 is an actor the harness plays, not part of the SUT: a bug there is a bug in
the harness's own environment, which the checks are not meant to judge), and the reference's start-up/settings
modules (launch.py, settings.py, config.py, standalone.py, app.py: a mutant there stops the reference from
starting, which says nothing about the checks) and store.py (plain SQLite persistence shared by REST and CMP)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    name: str
    files: tuple[str, ...]  # paths relative to the repository root
    pattern: str  # nfvct run -k
    role: str  # nfvct run --role
    sample: int  # mutants drawn into the default sample
    owner_note: str = ""  # who fixes a gap found here
    exclude: tuple[str, ...] = ("/HSM",)  # scenario ids holding these are left out of the -k selection


AREAS: tuple[Area, ...] = (
    Area("REST", ("reference/cmf/rest.py",),
         "C.2.2.1|C.3.2.1|SOL023-5.6.3|IFA033-11.2|C.2.2.2[VNFCI]", "cmf", 22),
    Area("CMP", ("reference/cmf/cmp_service.py",),
         "C.2.2.2|C.3.2.2|RFC9483|IFA033-11.2.5", "cmf", 20, "CMP checks: another helper; gaps stay open"),
    Area("ACME", ("reference/cmf/acme/server.py", "reference/cmf/acme/jwsverify.py", "reference/cmf/acme/state.py",
                  "reference/cmf/acme/validation.py", "reference/cmf/acme/problems.py"),
         "C.4.|SOL023-5.5.2a", "cmf", 24, exclude=()),
    Area("direct", ("reference/cmf/direct.py",), "C.2.1.|C.3.1", "cmf", 14),
    Area("notifications", ("reference/cmf/notify.py", "reference/cmf/notifier.py"), "SOL023-7.3", "cmf", 22),
    Area("CA", ("reference/cmf/ca_client.py",),
         "C.2.2.2[VNFCI]|IFA033-11.2.5|C.4.1.2[NFVO]|SOL023-7.3.2[expiry]", "cmf", 6),
    Area("SM", ("reference/sm/agent.py", "reference/sm/subscriptions.py", "reference/sm/serve.py"), "", "sm", 26),
)

# The mutation operators drawn from (cosmic-ray's names without "core/"): the ones that make a realistic bug in
# this code (a negated or dropped condition, an off-by-one bound or status code, a swapped and/or, a loop that
# never runs, an exception handler that catches nothing). Left out: the arithmetic/bitwise replacements and the
# comparison swaps across kinds (== -> <, is -> >=, ...), which on this code mostly raise TypeError at once.
OPERATORS: tuple[str, ...] = (
    "AddNot", "ReplaceTrueWithFalse", "ReplaceFalseWithTrue", "ReplaceAndWithOr", "ReplaceOrWithAnd",
    "ReplaceBreakWithContinue", "ReplaceContinueWithBreak", "ExceptionReplacer", "NumberReplacer",
    "ZeroIterationForLoop", "ReplaceUnaryOperator_Delete_Not",
    "ReplaceComparisonOperator_Eq_NotEq", "ReplaceComparisonOperator_NotEq_Eq",
    "ReplaceComparisonOperator_Lt_LtE", "ReplaceComparisonOperator_LtE_Lt",
    "ReplaceComparisonOperator_Gt_GtE", "ReplaceComparisonOperator_GtE_Gt",
    "ReplaceComparisonOperator_Is_IsNot", "ReplaceComparisonOperator_IsNot_Is",
)

SMOKE: dict[str, int] = {"REST": 2, "notifications": 1, "ACME": 1, "SM": 2}  # `make mutation-smoke`


def area_named(name: str) -> Area:
    for area in AREAS:
        if area.name.lower() == name.lower():
            return area
    raise ValueError(f"no mutation area {name!r} (one of {', '.join(a.name for a in AREAS)})")
