"""Fully-active approval: NFV-MANO asks a fully-active SM before it proceeds with lifecycle management (IFA026
R2.1.40, 5.1.2). No ETSI interface defines this message, so the harness defines one.

Harness binding ``nfvct-sm-approval/1`` (README, "Security Manager bindings"): the NFVO POSTs an
``ApprovalRequest`` (JSON) to the SM's approval URL of the interface set, over HTTPS with mutual authentication,
and waits up to the deadline for the answer in the same HTTP exchange::

    POST {approvalUrl}
    {"apiVersion": "nfvct-sm-approval/1", "approvalId": "...", "trustDomain": "edge", "operation": "INSTANTIATE",
     "nsInstanceId": "...", "vnfInstance": {VnfInstance}, "vnfPkgId": "...", "vnfdId": "...",
     "packageIntegrity": {"algorithm": "SHA-256", "hash": "...", "result": "PASS"},
     "source": "OSS/BSS", "reason": "...", "respondBy": "2026-11-23T10:00:05Z"}

    200 {"approvalId": "...", "decision": "GRANT" | "MODIFY" | "REJECT",
         "securityPolicy": {...},                       # MODIFY: the policy NFV-MANO applies
         "packageIntegrity": "CONFIRMED" | "FAILED",     # the SM's own verification (R2.1.250)
         "reason": "..."}

A vendor whose SM uses another message maps it with an adapter: any class with ``ask(binding, url, request)
-> ApprovalAnswer``, named in the profile as ``pixit.sm.approval_adapter = "package.module:Class"``."""

from __future__ import annotations

import importlib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from harness.trace import Trace, trace_hooks

API_VERSION = "nfvct-sm-approval/1"
DECISIONS = ("GRANT", "MODIFY", "REJECT")


@dataclass(frozen=True)
class ApprovalAnswer:
    decision: str  # GRANT | MODIFY | REJECT | "" (no valid answer)
    body: dict[str, Any]
    status: int | None  # HTTP status; None: no answer within the deadline
    seconds: float
    seqs: tuple[int, ...] = ()
    error: str = ""


class ApprovalAdapter(Protocol):
    def ask(self, binding: str, url: str, request: dict[str, Any]) -> ApprovalAnswer: ...


class HttpApprovalAdapter:
    """The harness binding: one HTTPS POST, the decision in the response."""

    def __init__(self, trace: Trace, tls: Callable[[str], ssl.SSLContext], timeout: float) -> None:
        self.trace, self.tls, self.timeout = trace, tls, timeout

    def ask(self, binding: str, url: str, request: dict[str, Any]) -> ApprovalAnswer:
        channel = f"Sc-Or ({binding} interface set, approval: harness binding {API_VERSION})"
        t0 = time.monotonic()
        try:
            with httpx.Client(verify=self.tls(binding), timeout=self.timeout,
                              event_hooks=trace_hooks(self.trace, "NFVO", "SM", channel)) as client:
                response = client.post(url, json=request)
        except httpx.HTTPError as exc:
            return ApprovalAnswer("", {}, None, time.monotonic() - t0, error=f"{type(exc).__name__}: {exc}")
        seqs = tuple(s for s in (response.request.extensions.get("nfvct_seq"), response.extensions.get("nfvct_seq"))
                     if isinstance(s, int))
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        decision = body.get("decision") if response.status_code == 200 else ""
        return ApprovalAnswer(decision if decision in DECISIONS else "", body, response.status_code,
                              time.monotonic() - t0, seqs)


def load_adapter(spec: str, **kwargs: Any) -> ApprovalAdapter:
    """``package.module:Class`` -> an instance (constructed with ``kwargs``: trace, tls, timeout)."""
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"approval adapter {spec!r}: expected 'package.module:Class'")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(**kwargs)  # type: ignore[no-any-return]
