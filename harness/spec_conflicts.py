"""Findings about the specifications themselves: places where two of them say different things.

They travel with the role's bindings (RunResult.bindings, so the JSON report keeps them) marked by PREFIX,
and the HTML report lists them in a section of their own. No SUT FAILs for a conflict: the PICS claims
which side the SUT follows and only that side is judged."""

from __future__ import annotations

from collections.abc import Iterable

PREFIX = "Specification conflict: "

CMF_CONFLICTS = (
    PREFIX + "certReqId of the CertResponse answering a p10cr. ETSI GS NFV-SOL 023 V5.4.1 table 5.5.3.2-1 "
    "(>certReqId row; line 1183 of the shipped text): 'Will be set \"0\".' RFC 9483 4.1.4 (harness summary, RFC "
    "text not shipped): -1 for a p10cr. The profile claims which one the SUT follows (pics.p10cr_cert_req_id = "
    "\"sol023\" | \"rfc9483\", default \"sol023\"); only the claimed value is judged (SOL023:5.5.3.2:cert-req-id "
    "or RFC9483:4.1.4:cert-req-id), the other requirement is NOT APPLICABLE.",
)


def split(bindings: Iterable[str]) -> tuple[list[str], list[str]]:
    """(harness-defined bindings, specification conflicts without their PREFIX)."""
    items = list(bindings)
    return ([b for b in items if not b.startswith(PREFIX)],
            [b[len(PREFIX):] for b in items if b.startswith(PREFIX)])
