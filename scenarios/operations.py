"""IFA033 clause 11.2 operations in their SOL023 form: Deregister, Revoke, Query Subject Info,
Query Certificate Info; plus the SOL023 5.6.3 method rules and API versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from harness.checks.registry import Observation
from harness.context import RunContext
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from scenarios import flows
from harness.checks.cmp_checks import describe_cmp, first_status
from harness.checks.cmp_header_checks import HEADER_CHECKS
from scenarios.common import (Registered, Scenario, header_checks, note_stimulus, obtain, probe_methods, register,
                              vnfm2_trusted)
from wire import cmp
from simulators.pki import new_key
from simulators.vnfm import CmpExchange, make_csr, seqs_of
from wire.x509util import subject_from_data

VNFCI = "VNFCI_certificate"


def _immediate_type(ctx: RunContext) -> str:
    """A claimed certificate type, preferring one the SUT issues without deferral."""
    pics = ctx.profile.pics
    immediate = [t for t in pics.cert_types if t not in pics.deferred_issuance]
    return (immediate or list(pics.cert_types))[0]


def _with_certificate(ctx: RunContext, rec: Recorder, cert_type: str) -> tuple[Registered, object]:
    reg = register(ctx, rec, cert_type)
    obtained = obtain(ctx, rec, cert_type, reg, chain_request=False, poll_step="pre-condition")
    if obtained.cert is None:
        raise PreconditionFailed(f"no certificate could be obtained for {reg.vnfci_id}: {obtained.how}")
    return reg, obtained.cert


def _delegation(ctx: RunContext) -> str | None:
    if not ctx.profile.pics.rest_registration:
        return "the PICS does not claim the SOL023 5.6 subject resources (pics.rest_registration)"
    if not ctx.profile.pics.delegation_mode or not ctx.profile.pics.cert_types:
        return "the PICS does not claim delegation mode for VNFCI or VNF OAM certificates"
    return None


def run_deregister(ctx: RunContext, rec: Recorder) -> None:
    cert_type = _immediate_type(ctx)
    reg, cert = _with_certificate(ctx, rec, cert_type)
    rec.step("1")
    claimed = ctx.profile.pics.deregister_conflict_with_valid_certs
    busy = ctx.vnfm.request("DELETE", reg.url) if claimed else None
    rec.check("deregister-conflict", Observation(response=busy, facts={"claimed": claimed},
                                                 trace_seqs=seqs_of(busy) if busy else ()), step="3")
    rec.step("pre-condition")
    revoked = ctx.vnfm.rr(cert_type, cert)  # type: ignore[arg-type]
    status = first_status(revoked.message) if revoked.message is not None else None
    if status is None or status[0] not in (0, 1):
        raise PreconditionFailed("the certificate could not be revoked before deregistration: "
                                 + describe_cmp(revoked.message, revoked.response))
    rec.step("1")
    deleted_by: str | None = "an earlier DELETE that should have been refused" if busy and busy.is_success else None
    pending_delegate_check = None
    if ctx.vnfm2 is not None and deleted_by is None:
        trusted = vnfm2_trusted(ctx, rec, cert_type)
        rec.step("1")
        foreign = ctx.vnfm2.request("DELETE", reg.url)
        pending_delegate_check = (foreign, ctx.vnfm.request("GET", reg.url), trusted)
        if foreign.is_success:
            deleted_by = "the non-delegate VNFM's DELETE"
    gone = ctx.vnfm.request("DELETE", reg.url)
    note_stimulus(rec, "1", gone, "DELETE of the Individual Subject (its certificate revoked)")
    after = ctx.vnfm.request("GET", reg.url)
    if pending_delegate_check is not None:
        foreign, seen, trusted = pending_delegate_check
        rec.check("deregister-delegate", Observation(response=foreign, facts={"after": seen, "control": gone,
                                                                              "trusted": trusted},
                                                     trace_seqs=seqs_of(foreign, seen, gone)), step="2")
    rec.check("deregister-no-content", Observation(response=gone, facts={"after": after, "deleted_by": deleted_by},
                                                   trace_seqs=seqs_of(gone, after)), step="3")


def _revocable(exchange: CmpExchange) -> bool:
    """The delegate's rr was accepted, or refused only because the certificate is already revoked."""
    status = first_status(exchange.message) if exchange.message is not None else None
    return status is not None and (status[0] in (0, 1) or "certRevoked" in status[1])


def run_revoke(ctx: RunContext, rec: Recorder) -> None:
    cert_type = _immediate_type(ctx)
    _, cert = _with_certificate(ctx, rec, cert_type)
    if ctx.vnfm2 is not None:
        _, other = _with_certificate(ctx, rec, cert_type)
        rec.step("1")
        trusted = vnfm2_trusted(ctx, rec, cert_type)
        rec.step("1")
        foreign = ctx.vnfm2.rr(cert_type, other)  # type: ignore[arg-type]
        own = ctx.vnfm.rr(cert_type, other)  # type: ignore[arg-type]  # control: the delegate may revoke it
        rec.check("revoke-delegate", Observation(
            response=foreign.response, message=foreign.message,
            facts={"control": (_revocable(own) and trusted[0],
                               f"the delegate's rr for it: {describe_cmp(own.message, own.response)}; {trusted[1]}")},
            trace_seqs=foreign.seqs + own.seqs), step="2")
    rec.step("1")
    first = ctx.vnfm.rr(cert_type, cert)  # type: ignore[arg-type]
    note_stimulus(rec, "1", first.response, "rr for the VNFCI's certificate")
    rec.step("3")
    rec.check("revoke-http-200", Observation(response=first.response, message=first.message,
                                             trace_seqs=first.seqs), step="3")
    second = ctx.vnfm.rr(cert_type, cert)  # type: ignore[arg-type]
    header_checks(ctx, rec, [first, second], "3")  # the rp and the error answer to the repeated rr alike
    ca_status = ctx.ca_status(cert.serial_number) if ctx.ca_status else None  # type: ignore[attr-defined]
    rec.check("revoke-takes-effect", Observation(
        response=first.response, message=first.message,
        facts={"second": second.message, "ca_status": ca_status},
        trace_seqs=first.seqs + second.seqs), step="2")


def run_query_subject(ctx: RunContext, rec: Recorder) -> None:
    cert_type = ctx.profile.pics.cert_types[0]
    a = register(ctx, rec, cert_type)
    b = register(ctx, rec, cert_type)
    base = "/nfv-cert/v1/subjects"
    rec.step("1")
    listing = ctx.vnfm.request("GET", base)
    rec.step("2")
    rec.check("query-list", Observation(response=listing, facts={"id": a.subject_id},
                                        trace_seqs=seqs_of(listing)), step="2")
    rec.check("query-exclude-default", Observation(response=listing, trace_seqs=seqs_of(listing)), step="2")
    rec.step("1")
    full = ctx.vnfm.request("GET", base, params={"all_fields": ""})
    rec.check("query-all-fields", Observation(response=full, trace_seqs=seqs_of(full)), step="2")
    expr = f"(eq,subjectId/subjectId,{a.vnfci_id})"
    filtered = ctx.vnfm.request("GET", base, params={"filter": expr})
    rec.check("query-filter", Observation(response=filtered, facts={
        "wanted": a.subject_id, "unwanted": b.subject_id, "filter": expr}, trace_seqs=seqs_of(filtered)), step="2")
    bad = "(eq,certType"
    bad_filter = ctx.vnfm.request("GET", base, params={"filter": bad})
    rec.check("query-bad-filter", Observation(response=bad_filter, facts={"value": bad, "control": listing},
                                              trace_seqs=seqs_of(bad_filter)), step="2")
    selector = next((p for p in ("fields", "exclude_fields") if p in ctx.profile.pics.attribute_selectors), None)
    if selector is None:
        rec.check("query-bad-selector", Observation(facts={
            "unclaimed": "the PICS claims neither 'fields' nor 'exclude_fields' (pics.attribute_selectors)"}))
    else:
        bad_selector = ctx.vnfm.request("GET", base, params={selector: "noSuchAttribute"})
        rec.check("query-bad-selector", Observation(response=bad_selector, facts={
            "value": f"{selector}=noSuchAttribute", "control": listing}, trace_seqs=seqs_of(bad_selector)), step="2")
    rec.step("3")
    one = ctx.vnfm.request("GET", a.url)
    rec.step("4")
    registered = [{"subjectId": a.vnfci_id, "certificateData": [a.data]}]
    rec.check("query-individual", Observation(response=one, facts={"id": a.subject_id},
                                              trace_seqs=seqs_of(one)), step="4")
    rec.check("query-subject-data", Observation(response=one, facts={"registered": registered},
                                                trace_seqs=seqs_of(one)), step="4")


def _deferred(ctx: RunContext) -> str | None:
    if not ctx.profile.pics.deferred_issuance:
        return ("the PICS lists no certificate type with deferred issuance (pics.deferred_issuance), so there is "
                "never an ongoing operation to query")
    return _delegation(ctx)


def run_query_certificate(ctx: RunContext, rec: Recorder) -> None:
    cert_type = ctx.profile.pics.deferred_issuance[0]
    reg = register(ctx, rec, cert_type)
    rec.step("pre-condition")
    obtained = obtain(ctx, rec, cert_type, reg, chain_request=False, poll_step="2")
    if obtained.first.response.status_code != 202 and not obtained.polls:
        raise PreconditionFailed(f"the CSR was not deferred: {obtained.how}")
    if obtained.polls:
        first_poll = obtained.polls[0]["exchange"]
        rec.note("1", Verdict.PASS, "waited checkAfter before polling")
        rec.check("poll-response", Observation(response=first_poll.response, message=first_poll.message,
                                               trace_seqs=first_poll.seqs), step="3")
        header_checks(ctx, rec, [p["exchange"] for p in obtained.polls], "3")  # every pollRep and the final cp
    rec.check("poll-delivers", Observation(facts={
        "polls": obtained.polls, "cert": obtained.cert, "budget_exhausted": obtained.budget_exhausted,
        "max_polls": ctx.profile.pixit.max_polls,
        "max_seconds": ctx.profile.pixit.max_poll_seconds}, trace_seqs=obtained.seqs), step="3")


def run_resource_rules(ctx: RunContext, rec: Recorder) -> None:
    rec.step("5.6.3.2")
    versions = ctx.vnfm.request("GET", "/nfv-cert/api_versions")
    rec.check("cm-vnfm-interface", Observation(response=versions, trace_seqs=seqs_of(versions)), step="5.6.3.2")
    major = ctx.vnfm.request("GET", "/nfv-cert/v1/api_versions")
    rec.check("api-versions-v1", Observation(response=major, trace_seqs=seqs_of(major)), step="5.6.3.2")
    rec.step("5.6.3.3.3")
    probe_methods(ctx, rec, "/nfv-cert/v1/subjects", (("PUT", "subjects-put-405"), ("PATCH", "subjects-patch-405"),
                                                      ("DELETE", "subjects-delete-405")), "5.6.3.3.3")
    reg = register(ctx, rec, ctx.profile.pics.cert_types[0])
    rec.step("5.6.3.4.3")
    probe_methods(ctx, rec, reg.url, (("POST", "subject-post-405"), ("PUT", "subject-put-405"),
                                      ("PATCH", "subject-patch-405")), "5.6.3.4.3")


def _probe(rec: Recorder, name: str, step: str, send: Callable[[], tuple[httpx.Response, Any]]) -> None:
    """One message-validation probe; a SUT that does not answer makes only this check INCONCLUSIVE."""
    rec.step(step)
    try:
        response, message = send()
    except httpx.TransportError as exc:
        rec.check(name, Observation(facts={"no_answer": f"{type(exc).__name__}: {exc}"}), step=step)
        return
    rec.check(name, Observation(response=response, message=message, trace_seqs=seqs_of(response)), step=step)


def run_message_validation(ctx: RunContext, rec: Recorder) -> None:
    cert_type = _immediate_type(ctx)
    _probe(rec, "malformed-rejected", "1",
           lambda: ctx.vnfm.post_raw(cert_type, "pkcs10", b"\x30\x82\x01\x00not a PKIMessage"))
    if ctx.profile.pics.rest_registration:
        reg = register(ctx, rec, cert_type, step="2")
        vnfci_id, data = reg.vnfci_id, reg.data
    else:
        vnfci_id, data = ctx.fresh_vnfci(cert_type)
    _, csr_der = make_csr(data.get("subjectName"), data["subjectAlternateName"])
    header = {**ctx.vnfm.header_kwargs(), "signer_key": new_key()}  # protection by a key not in extraCerts
    bad = cmp.build_p10cr(csr_der=csr_der, general_info=[(cmp.VNFCI_ID, vnfci_id)], **header)
    _probe(rec, "failinfo-badmessagecheck", "2", lambda: ctx.vnfm.post_raw(cert_type, "pkcs10", bad))
    if ctx.profile.pixit.cmp_single_path:  # one CMP endpoint for everything: ir is a legitimate request there
        rec.skip_remaining(("unsupported-body-rejected",), Verdict.NOT_APPLICABLE,
                           "pixit.cmp_single_path: the SUT has no SOL023 pkcs10-only endpoint")
        return
    ir = cmp.build_ir(new_key=new_key(), subject=subject_from_data(data.get("subjectName")),
                      **ctx.vnfm.header_kwargs())
    _probe(rec, "unsupported-body-rejected", "3", lambda: ctx.vnfm.post_raw(cert_type, "pkcs10", ir))


def _needs_vnfm2(ctx: RunContext) -> str | None:
    return _delegation(ctx)


def scenarios() -> list[Scenario]:
    return [
        Scenario("SOL023-5.6.3[methods]", "SOL023 5.6.3", flows.RESOURCE_METHODS.title, flows.RESOURCE_METHODS,
                 ("cm-vnfm-interface", "api-versions-v1", "subjects-put-405", "subjects-patch-405",
                  "subjects-delete-405", "subject-post-405", "subject-put-405", "subject-patch-405"),
                 run_resource_rules, {}, _delegation),
        Scenario("IFA033-11.2.6[QuerySubjectInfo]", "IFA033 11.2.6", flows.QUERY_SUBJECT.title, flows.QUERY_SUBJECT,
                 ("query-list", "query-exclude-default", "query-all-fields", "query-filter", "query-bad-filter",
                  "query-bad-selector", "query-individual", "query-subject-data"), run_query_subject, {}, _delegation),
        Scenario("RFC9483-3.5[message-validation]", "RFC 9483 3.5", flows.MESSAGE_VALIDATION.title,
                 flows.MESSAGE_VALIDATION, ("malformed-rejected", "failinfo-badmessagecheck",
                                            "unsupported-body-rejected"), run_message_validation, {},
                 lambda ctx: None if ctx.profile.pics.cert_types else "the PICS claims no certificate type"),
        Scenario("IFA033-11.2.7[QueryCertificateInfo]", "IFA033 11.2.7", flows.QUERY_CERTIFICATE.title,
                 flows.QUERY_CERTIFICATE, ("poll-response", "poll-delivers", *HEADER_CHECKS), run_query_certificate, {},
                 _deferred, issues=True),
        Scenario("IFA033-11.2.5[Revoke]", "IFA033 11.2.5", flows.REVOKE.title, flows.REVOKE,
                 ("revoke-delegate", "revoke-http-200", "revoke-takes-effect", *HEADER_CHECKS), run_revoke, {},
                 _delegation, issues=True),
        Scenario("IFA033-11.2.4[Deregister]", "IFA033 11.2.4", flows.DEREGISTER.title, flows.DEREGISTER,
                 ("deregister-delegate", "deregister-conflict", "deregister-no-content"), run_deregister, {},
                 _delegation, issues=True),
    ]
