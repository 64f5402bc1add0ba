"""The Locust side of the acme workload: each user is one simulated NFV-MANO entity (NFVO, VNFM, VIM in turn, as
IFA026 C.4.1-C.4.3) that is registered by the OSS and creates its ACME account once, then places orders for its
FQDN, each answer judged (harness/load/acme_ops.py). Imported only in the Locust processes.

The orders are shared out like the delegation workloads' VNFCIs (harness/load/users.py, Share): each user takes
the next order index of its process until the count bound or the time bound ends the run. The tls-alpn-01
responder listens on the one port the SUT connects to (pixit.harness.alpn), so the workload runs in one Locust
process (harness/load/run.py refuses --workers for it).
"""

from __future__ import annotations

import atexit
import itertools
import time

from gevent.lock import BoundedSemaphore
from locust import User, constant, task
from locust.exception import StopUser

from harness.load.acme_ops import LoadContext, ManoEntity, acme_order, answerable, load_actors, new_entity, register_entity
from harness.load.operations import Sample
from harness.load.users import Collector, Share, VnfciUser, record
from harness.load.workloads import Workload


class ManoEntityUser(User):
    """A simulated NFV-MANO entity ordering its certificates from the SUT's ACME server."""

    share: Share | None = None  # set by harness/load/engine.py before the run
    collector: Collector | None = None
    wait_time = constant(0)
    _context: LoadContext | None = None  # one per process: the responder's port is the profile's
    _answerable: tuple[str, ...] = ()
    _numbers = itertools.count()
    _made = BoundedSemaphore()  # the users start together: one of them makes the process's actors

    @classmethod
    def _actors(cls) -> LoadContext:
        with cls._made:
            if cls._context is None:
                assert cls.share is not None
                cls._answerable = answerable(cls.share.profile)
                cls._context = load_actors(cls.share.profile)
                atexit.register(cls._context.acme.close)
        return cls._context

    def on_start(self) -> None:
        assert self.share is not None
        try:
            self.ctx = self._actors()
        except Exception as exc:  # noqa: BLE001 - e.g. the responder's port taken: an error, and the run ends
            self._record(Sample("acme-register", time.time(), 0.0, "error", f"harness error · {type(exc).__name__}",
                                str(exc)[:300]))
            self.share.finished.set()
            raise StopUser() from None
        pixit = self.share.profile.pixit.acme
        assert pixit is not None
        self.mano: ManoEntity = new_entity(self.share.run_id, next(self._numbers), pixit.mano_domain,
                                           self._answerable)

    def _record(self, sample: Sample) -> None:
        assert self.collector is not None
        record(self.environment, self.collector, sample, "ACME")

    @task
    def work(self) -> None:
        share, collector = self.share, self.collector
        assert share is not None and collector is not None
        if time.time() > share.deadline or not share.left:
            raise StopUser()
        taken = share.take()
        if taken is None:
            raise StopUser()
        if self.mano.entity is None:  # once per user: the OSS's registration and the entity's account
            for sample in register_entity(self.ctx, self.mano):
                self._record(sample)
        if self.mano.entity is None:  # refused: this order is not placed (counted as errors), the next tries again
            share.first_phase_done(None)
            collector.done += 1
            return
        sample = acme_order(self.ctx, self.mano, collector.serials)
        self._record(sample)
        share.first_phase_done(None)
        collector.done += 1


def user_class(workload: Workload) -> type[User]:
    """The Locust user of a workload: an NFV-MANO entity for acme, else the VNFM working through VNFCIs."""
    return ManoEntityUser if workload.acme else VnfciUser
