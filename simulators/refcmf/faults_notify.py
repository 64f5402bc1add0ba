"""Named faults of the Certificate Notification interface (SOL023 clause 7) of the reference CMF."""

from __future__ import annotations

from simulators.refcmf.faults_base import Fault

FAULTS: tuple[Fault, ...] = ()
