"""Named faults of the simulated CA: deviations from the C.6 certificate profile."""

from __future__ import annotations

from simulators.refcmf.faults_base import Fault

FAULTS: tuple[Fault, ...] = ()
