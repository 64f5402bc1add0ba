"""PKIStatus vocabulary: names of the status codes, the first status a PKIMessage reports, the certificate it issues."""

from __future__ import annotations

from typing import Any

STATUS_NAMES = {0: "accepted", 1: "grantedWithMods", 2: "rejection", 3: "waiting", 4: "revocationWarning",
                5: "revocationNotification", 6: "keyUpdateWarning"}


def first_status(message: Any) -> tuple[int, frozenset[str], tuple[str, ...]] | None:
    """(status, failInfo, statusString) of the first response/status in any body type."""
    if message.body_type in ("cp", "ip", "kup") and message.responses:
        r = message.responses[0]
        return r.status, r.fail_info, r.status_string
    if message.body_type == "rp" and message.rev_statuses:
        s = message.rev_statuses[0]
        return s.status, s.fail_info, s.status_string
    if message.body_type == "error" and message.error_status is not None:
        s = message.error_status
        return s.status, s.fail_info, s.status_string
    return None


def issued_certificate(message: Any) -> Any | None:
    """The certificate a cp/ip delivers with status accepted or grantedWithMods (None: none delivered)."""
    if message is None or message.body_type not in ("cp", "ip"):
        return None
    for r in message.responses:
        if r.status in (0, 1) and r.certificate is not None:
            return r.certificate
    return None
