"""Named faults of the simulated VNFM, VIM and VNFI of the installation use cases (C.2.2.3, C.2.2.4, C.3.2.3)."""

from __future__ import annotations

from simulators.refcmf.faults_base import Fault

FAULTS: tuple[Fault, ...] = ()
