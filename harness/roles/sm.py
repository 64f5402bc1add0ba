"""The Security Manager role: the harness plays NFV-MANO (the NFVO on Sc-Or, the VIM on Sc-Vi, one listener each
per interface set, from the profile's ``[pixit.sm]``) and judges the SM mode by mode and trust domain by trust
domain. The embedded SUT is the reference SM, started from the settings file of a one-off `nfvct init --role sm`
environment, exactly as `nfvct serve-reference --role sm` starts it out of process."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from harness.context import RunContext
from harness.env_sm import init_sm, port_names
from harness.events import Event, Message
from harness.listeners import EMBEDDED_SPAN, free_ports
from wire.serve import LOOPBACK, release
from harness.profile import Profile, load_profile
from harness.profile_keys import ProfileError
from harness.profile_sm import SmPixit
from harness.trace import Trace
from reference.sm.launch import run_reference_sm
from reference.sm.serve import settings_for
from scenarios import sm_scenarios
from scenarios.common import Scenario
from scenarios.sm_common import SmSetup
from simulators.sm.actors import SmActors, start_sm_actors

SM_BINDINGS = (
    "Sc-Or (IFA033 clause 6) in the wire form of ETSI GS NFV-SOL 005: NS LCM subscriptions and "
    "NsLcmOperationOccurrenceNotification, Query NS, Update NS (REMOVE_VNF, INSTANTIATE_VNF, MODIFY_VNF_INFORMATION, "
    "CREATE_VNF_SNAPSHOT), NS LCM operation occurrences as the lifecycle history, Update VNF Package Info (PATCH "
    "vnf_packages/{id}); one interface set (listener, keys, SM credential) per trust domain binding.",
    "nfvctEventContext (harness binding): the R2.1.180-R2.1.230 event information SOL005's notification lacks "
    "(source, reason, requestor reference, package integrity with pass/fail, connectivity, intended hosts).",
    "nfvct-secenforce/1 (harness binding): termination options in UpdateNsRequest.nfvctSecurityDirectives "
    "(replacementAllowed, snapshot, otherRecoveryAllowed; fully-active also immediate, disablePackage, "
    "terminateCoHosted, eraseSecureStorage, quarantineHost); POST /nfvct-secenforce/v1/host_terminations "
    "(IFA033 6.4 note 4 gives no operation) and /package_confirmations (R2.1.250's confirmation).",
    "nfvct-sm-approval/1 (harness binding, R2.1.40 has no message): the NFVO POSTs an approval request to the SM's "
    "approval URL and waits for GRANT | MODIFY (securityPolicy) | REJECT; a vendor maps its own message with an "
    "adapter (pixit.sm.approval_adapter = \"module:Class\").",
    "Sc-Vi Telemetry (IFA033 8.2; IFA005/006 have no REST binding): {apiRoot}/telemetry/v1 hosts, zones, images, "
    "flavours, capacity, subscriptions; AlarmNotification (INTEGRITY_VIOLATION, PERSISTENCE_SUSPECTED) on a compute "
    "resource or a host.",
)


def sm_pixit(profile: Profile) -> SmPixit:
    pixit = profile.pixit
    if not isinstance(pixit, SmPixit):
        raise ProfileError(f"{profile.source or profile.name}: not an SM profile (no [pixit.sm])")
    return pixit


def missing_subscriptions(actors: SmActors, pixit: SmPixit) -> list[str]:
    """The SM's sets without a subscription at the NFVO or the VIM yet (e.g. 'NFVO core')."""
    producers = (("NFVO", actors.nfvo), ("VIM", actors.vim))
    return [f"{kind} {s.name}" for s in pixit.own_sets() for kind, producer in producers
            if not producer.own_subscriptions(s.name)]


def await_subscriptions(actors: SmActors, pixit: SmPixit, seconds: float) -> list[str]:
    """Wait up to ``seconds`` for the SM's subscriptions on every set (it subscribes when NFV-MANO comes up);
    returns what is still missing. Whether the SM subscribes at all is a check (sm-subscribes), not this wait."""
    deadline = time.monotonic() + seconds
    while True:
        missing = missing_subscriptions(actors, pixit)
        if not missing or time.monotonic() >= deadline:
            return missing
        time.sleep(0.05)


class SmRole:
    name = "sm"
    bindings = SM_BINDINGS

    def scenarios(self) -> list[Scenario]:
        return sm_scenarios()

    @contextmanager
    def embedded(self, workdir: Path, faults: frozenset[str], seed: int, check_after: int) -> Iterator[Profile]:
        """A one-off environment in ``workdir`` on free loopback ports; the reference SM from its settings file."""
        held = free_ports(port_names(), span=EMBEDDED_SPAN, hold=True)  # bound here until a listener takes each
        try:
            path = init_sm(workdir, ports=held)
            with run_reference_sm(settings_for(path), faults):
                yield load_profile(path)
        finally:
            release(LOOPBACK, held.values())

    @contextmanager
    def context(self, profile: Profile, trace: Trace, seed: int, faults: frozenset[str],
                emit: Callable[[Event], None], selected: Sequence[Scenario] = ()) -> Iterator[RunContext]:
        """The NFVO/VIM of every set (all SM scenarios need them, whatever ``selected``), once the SM has
        subscribed (bounded by react_seconds)."""
        pixit = sm_pixit(profile)
        with start_sm_actors(pixit, trace, seed) as actors:
            sets = ", ".join(f"{s.name} ({s.mode}) {actors.nfvo.base_urls[s.name]}" for s in pixit.own_sets())
            emit(Message(f"started the simulated NFVO/VIM per interface set: {sets}"))
            missing = await_subscriptions(actors, pixit, pixit.react_seconds)
            emit(Message("the SM subscribed on every interface set" if not missing else
                         f"after {pixit.react_seconds:g} s the SM holds no subscription at: {', '.join(missing)}"))
            own = tuple(actors.bindings[s.name] for s in pixit.own_sets())
            ctx = RunContext(profile, trace, random.Random(seed), None, None, faults=faults, seed=seed)
            ctx.sm = SmSetup(actors, own, pixit.sub_sm, pixit.react_seconds, pixit.quiet_seconds,
                             pixit.approval_seconds)
            try:
                yield ctx
            finally:
                ctx.close()


ROLE = SmRole()
