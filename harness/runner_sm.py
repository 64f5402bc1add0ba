"""The embedded Security Manager run: the harness's NFV-MANO (NFVO and VIM per interface set) and the reference SM
as the system under test (``nfvct run --role sm``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.profile import Identity, Pics, Pixit, Profile
from harness.trace import Trace
from scenarios.sm_common import SmSetup
from simulators.pki import build_test_pki
from reference.sm.launch import run_reference_sm
from simulators.sm.actors import SUB_SM, run_sm_actors

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


@contextmanager
def embedded_sm(workdir: Path, faults: frozenset[str], trace: Trace, seed: int) -> Iterator[tuple[Profile, SmSetup]]:
    """The simulated NFV-MANO and the reference SM with ``faults``, on 127.0.0.1."""
    react, quiet, approval = 3.0, 0.4, 1.5
    with run_sm_actors(build_test_pki(), workdir, trace, seed, approval_timeout=approval) as actors:
        with run_reference_sm(actors, faults) as running:
            own = tuple(b for b in actors.bindings.values() if b.name != SUB_SM)
            placeholder = Path(workdir)
            profile = Profile(
                name="embedded reference SM",
                pics=Pics(role="SM", cert_types=(), delegation_mode=False, cert_notifications=False),
                pixit=Pixit(api_root=running.base_url, cmp_base="", server_ca=actors.mano_trust,
                            vnfm=Identity(placeholder, placeholder)),
                source="embedded reference SM",
            )
            yield profile, SmSetup(actors, own, SUB_SM, react, quiet, approval)
