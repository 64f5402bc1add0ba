"""Named faults of the harness's own actors: the simulated CA's C.6 certificate profile (CA-1) and the
installation simulators. They prove the checks that judge what those actors produce can fail; they are given to
`nfvct run --fault`, never to a system under test."""

from __future__ import annotations

from simulators import faults_install, faults_install_hsm, faults_profile
from wire.faults import Fault

FAULTS: tuple[Fault, ...] = faults_profile.FAULTS + faults_install.FAULTS + faults_install_hsm.FAULTS
BY_NAME: dict[str, Fault] = {f.name: f for f in FAULTS}
