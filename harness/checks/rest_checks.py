"""Checks on the SOL023 clause 5.6 REST resources (Register, Query Subject Info, Deregister)."""

from __future__ import annotations

from typing import Any

import httpx

from harness.checks.registry import (
    Observation,
    Result,
    check,
    describe_response,
    failed,
    inconclusive,
    not_applicable,
    passed,
    verdict_of,
)
from harness.sut_input import json_or_none
from wire import sol013
from harness.plaintext import plain


def _json(response: httpx.Response | None) -> Any:
    if response is None:
        return None
    return json_or_none(response.content, "response body")  # too deep a nesting: FAIL via SutInputError


def subject_instance_problems(body: Any) -> list[str]:
    """Deviations of a body from SubjectInstance (SOL023 table 5.6.4.2.2-1)."""
    if not isinstance(body, dict):
        return ["body is not a JSON object"]
    problems = []
    if not isinstance(body.get("id"), str) or not body.get("id"):
        problems.append("id missing")
    if body.get("certType") not in ("MANO_certificate", "VNFCI_certificate", "VNF_OAM_certificate"):
        problems.append(f"certType {body.get('certType')!r} not a permitted value")
    if body.get("certType") != "MANO_certificate" and body.get("typeOfVnfcCertHandling") not in (
        "direct_mode", "delegation_mode"):
        problems.append(f"typeOfVnfcCertHandling {body.get('typeOfVnfcCertHandling')!r} not a permitted value")
    href = ((body.get("_links") or {}).get("self") or {}).get("href") if isinstance(body.get("_links"), dict) else None
    if not isinstance(href, str) or not href:
        problems.append("_links.self.href missing")
    return problems


def problem_details_issue(response: httpx.Response) -> str | None:
    try:
        sol013.parse_problem(response.content, http_status=response.status_code)
    except sol013.ProblemError as exc:
        return f"not a SOL013 ProblemDetails: {exc}"
    return None


@check("mtls-required", "IFA026:C.2.2.1.4:mtls",
       scope="pre-condition 3 of C.2.2.1, verified as enforced by the SUT; PICS option pics.mtls_client_auth "
             "(SOL023 annex C also allows OAuth 2.0)")
def mtls_required(obs: Observation) -> Result:
    """A consumer without a client certificate cannot use the Certificate Management interface."""
    expected = "TLS handshake refused, or HTTP 401/403, for a client presenting no certificate"
    if not obs.facts.get("claimed", True):
        return not_applicable("the PICS does not claim mTLS client authentication (pics.mtls_client_auth)")
    control = obs.facts.get("control")
    if control is None or not control.is_success:
        return inconclusive("the same resource is not served to the VNFM (the control) either", expected,
                            describe_response(control))
    error = obs.facts.get("error", "")
    if error.startswith("NOANSWER"):
        return inconclusive("the anonymous client got no answer at all (not a TLS refusal)", expected, error)
    if error:
        return passed(expected, f"refused: {error}")
    response = obs.response
    if response is not None and response.status_code in (401, 403):
        return passed(expected, describe_response(response))
    return failed(expected, f"served an anonymous client: {describe_response(response)}")


@check("cm-vnfm-interface", "Cm-Vnfm.001",
       scope="interface presence probed via its SOL013 API versions resource over mTLS as the VNFM")
def cm_vnfm_interface(obs: Observation) -> Result:
    """The Certificate Management interface is exposed to the VNFM (api_versions under nfv-cert)."""
    response = obs.response
    expected = "200 OK with an ApiVersionInformation body on GET {apiRoot}/nfv-cert/api_versions for the VNFM"
    body = _json(response) if response is not None and response.status_code == 200 else None
    ok = isinstance(body, dict) and isinstance(body.get("uriPrefix"), str) and isinstance(body.get("apiVersions"), list)
    return verdict_of(ok, expected, describe_response(response))


def version_1_0_0(obs: Observation, api_name: str) -> Result:
    """{apiRoot}/{api_name}/v1/api_versions announces 1.0.0 under uriPrefix /{api_name}/v1 (SOL013 9.3)."""
    response = obs.response
    expected = f'apiVersions containing "1.0.0" and a uriPrefix ending in /{api_name}/v1'
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, dict):
        return failed(expected, describe_response(response))
    versions = [v.get("version") for v in body.get("apiVersions", []) if isinstance(v, dict)]
    ok = "1.0.0" in versions and str(body.get("uriPrefix", "")).endswith(f"/{api_name}/v1")
    return verdict_of(ok, expected, f"uriPrefix {plain(body.get('uriPrefix'))}, versions {plain(versions)}")


@check("api-versions-v1", "SOL023:5.6.2:version")
def api_versions_v1(obs: Observation) -> Result:
    """api_versions announces version 1.0.0 under uriPrefix /nfv-cert/v1."""
    return version_1_0_0(obs, "nfv-cert")


@check("register-created", "SOL023:5.6.3.3.3.1:created")
def register_created(obs: Observation) -> Result:
    """Register: 201 Created, a SubjectInstance body, and a Location header naming the new resource."""
    response = obs.response
    expected = "201 Created, SubjectInstance body, Location = URI of the new Individual Subject"
    if response is not None and response.status_code >= 400:
        return inconclusive("the registration was refused, so nothing was created (judged under "
                            "CMF.Certm.Del.001)", expected, describe_response(response))
    if response is None or response.status_code != 201:
        return failed(expected, describe_response(response))
    body = _json(response)
    problems = subject_instance_problems(body)
    location = response.headers.get("location")
    if not location:
        problems.append("no Location header")
    elif isinstance(body, dict) and isinstance(body.get("id"), str):
        created = f"{str(response.request.url).rstrip('/')}/{body['id']}"  # {apiRoot}/nfv-cert/v1/subjects/{id}
        if str(response.request.url.join(location)).rstrip("/") != created:
            problems.append(f"Location {location} is not the URI of the new subject ({created})")
    return verdict_of(not problems, expected, "; ".join(problems) or f"201, Location {location}")


@check("register-delegate", "CMF.Certm.Del.001", "Cmf.CertLcm.003")
def register_delegate(obs: Observation) -> Result:
    """Registration succeeds and the registered subject is then readable as registered."""
    response, readback = obs.response, obs.facts.get("readback")
    expected = "registration accepted (2xx) and the subject readable with the registered subjectId entries"
    if response is None or not response.is_success:
        return failed(expected, f"registration refused: {describe_response(response)}")
    if readback is None:
        return inconclusive("the registered subject could not be read back", expected)
    body = _json(readback)
    registered = obs.facts.get("registered_ids", [])
    got = [e.get("subjectId") for e in (body or {}).get("subjectId", []) if isinstance(e, dict)] if isinstance(body, dict) else []
    return verdict_of(readback.status_code == 200 and sorted(got) == sorted(registered), expected,
                      f"read back {readback.status_code}: subjectIds {plain(got)}, registered {plain(registered)}")


@check("register-conflict", "SOL023:5.6.3.3.3.1:conflict")
def register_conflict(obs: Observation) -> Result:
    """Registering an already registered VNFCI again yields 409 with a ProblemDetails detail."""
    response = obs.response
    expected = "409 Conflict with ProblemDetails (detail present)"
    if not obs.facts.get("claimed", True):
        return not_applicable("the PICS does not claim 409 for a duplicate registration "
                              "(pics.duplicate_registration_conflict)")
    if not obs.facts.get("first_ok", True):
        return inconclusive("the first registration of the VNFCI did not succeed", expected,
                            describe_response(response))
    if response is None or response.status_code != 409:
        return failed(expected, describe_response(response))
    issue = problem_details_issue(response)
    return verdict_of(issue is None, expected, issue or describe_response(response))


@check("register-invalid-rejected", "IFA026:C.2.2.1.6:invalid-registration")
def register_invalid_rejected(obs: Observation) -> Result:
    """An invalid RegistrationRequest is rejected with a 4xx status, and nothing of it is registered (the subjects
    listing afterwards does not name its VNFCI)."""
    response = obs.response
    expected = (f"4xx rejection of an invalid RegistrationRequest ({obs.facts.get('why', '')}), and its VNFCI not "
                "in the subjects listing afterwards")
    if not obs.facts.get("control_ok", True):
        return inconclusive("a valid RegistrationRequest was refused too", expected, describe_response(response))
    ok = response is not None and 400 <= response.status_code < 500
    if ok and obs.facts.get("kept"):
        return failed(expected, f"{describe_response(response)}, yet the subjects listing names its VNFCI")
    return verdict_of(ok, expected, describe_response(response))


@check("query-list", "SOL023:5.6.3.3.3.2:ok", "CMF.Certm.Del.004")
def query_list(obs: Observation) -> Result:
    """GET subjects: 200 with an array of SubjectInstance including the registered subject."""
    response = obs.response
    expected = f"200 OK, JSON array containing subject {obs.facts.get('id')}"
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, list):
        return failed(expected, describe_response(response))
    ids = [b.get("id") for b in body if isinstance(b, dict)]
    problems = [p for b in body for p in subject_instance_problems(b)]
    ok = obs.facts.get("id") in ids and not problems
    return verdict_of(ok, expected, f"{len(body)} item(s), ids {plain(ids)}; {'; '.join(problems) or 'valid SubjectInstances'}")


@check("query-filter", "SOL023:5.6.3.3.3.2:filter")
def query_filter(obs: Observation) -> Result:
    """A filter on a nested attribute (subjectId/subjectId) selects exactly the matching subject."""
    response = obs.response
    wanted, unwanted = obs.facts["wanted"], obs.facts["unwanted"]
    expected = f"200 OK with {wanted} and without {unwanted} for filter {obs.facts['filter']}"
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, list):
        return failed(expected, describe_response(response))
    ids = [b.get("id") for b in body if isinstance(b, dict)]
    return verdict_of(wanted in ids and unwanted not in ids, expected, f"ids {plain(ids)}")


@check("query-exclude-default", "SOL023:5.6.3.3.3.2:exclude-default")
def query_exclude_default(obs: Observation) -> Result:
    """Without selectors, subjectId is excluded from each SubjectInstance."""
    response = obs.response
    expected = "200 OK, no subjectId attribute in any item"
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, list) or not body:
        return failed(expected, describe_response(response))
    leaking = [b.get("id") for b in body if isinstance(b, dict) and "subjectId" in b]
    return verdict_of(not leaking, expected, f"subjectId present in {leaking}" if leaking else "subjectId excluded")


@check("query-all-fields", "SOL023:5.6.3.3.3.2:all-fields")
def query_all_fields(obs: Observation) -> Result:
    """With all_fields, subjectId is included in each SubjectInstance."""
    response = obs.response
    expected = "200 OK, subjectId present in every item"
    body = _json(response) if response is not None and response.status_code == 200 else None
    if not isinstance(body, list) or not body:
        return failed(expected, describe_response(response))
    missing = [b.get("id") for b in body if isinstance(b, dict) and "subjectId" not in b]
    return verdict_of(not missing, expected, f"subjectId missing in {missing}" if missing else "subjectId included")


def _expect_400(obs: Observation, what: str) -> Result:
    if obs.facts.get("unclaimed"):
        return not_applicable(obs.facts["unclaimed"])
    response = obs.response
    expected = f"400 Bad Request with ProblemDetails for {what} {obs.facts.get('value', '')!r}"
    control = obs.facts.get("control")
    if control is not None and control.status_code != 200:
        return inconclusive("the same query without the invalid parameter failed too", expected,
                            describe_response(control))
    if response is None or response.status_code != 400:
        return failed(expected, describe_response(response))
    issue = problem_details_issue(response)
    return verdict_of(issue is None, expected, issue or describe_response(response))


@check("query-bad-filter", "SOL023:5.6.3.3.3.2:bad-filter")
def query_bad_filter(obs: Observation) -> Result:
    """An invalid attribute-based filtering expression yields 400."""
    return _expect_400(obs, "the invalid filter")


@check("query-bad-selector", "SOL023:5.6.3.3.3.2:bad-selector")
def query_bad_selector(obs: Observation) -> Result:
    """An invalid attribute selector yields 400."""
    return _expect_400(obs, "the invalid attribute selector")


@check("query-individual", "SOL023:5.6.3.4.3.2:ok")
def query_individual(obs: Observation) -> Result:
    """GET Individual Subject: 200 with a SubjectInstance for that id."""
    response = obs.response
    expected = f"200 OK with the SubjectInstance of {obs.facts.get('id')}"
    body = _json(response) if response is not None and response.status_code == 200 else None
    if body is None:
        return failed(expected, describe_response(response))
    problems = subject_instance_problems(body)
    if isinstance(body, dict) and body.get("id") != obs.facts.get("id"):
        problems.append(f"id {body.get('id')!r}")
    return verdict_of(not problems, expected, "; ".join(problems) or "valid SubjectInstance")


@check("query-subject-data", "CMF.Certm.Del.004")
def query_subject_data(obs: Observation) -> Result:
    """Query Subject Info returns the subject data as registered (subjectId entries and certificateData)."""
    response = obs.response
    registered = obs.facts["registered"]
    expected = f"the registered subjectId entries and certificateData: {plain(registered)}"
    body = _json(response) if response is not None and response.status_code == 200 else None
    got = body.get("subjectId") if isinstance(body, dict) else None
    if not isinstance(got, list):
        return failed(expected, f"no subjectId array: {describe_response(response)}")
    problems = [p for entry in registered for p in _entry_problems(entry, got)]
    return verdict_of(not problems, expected, "; ".join(problems) or f"as registered: {plain(got)}")


def _entry_problems(entry: dict[str, Any], got: list[Any]) -> list[str]:
    """Compare one registered subjectId entry: SANs as sets, subjectName attributes as a subset."""
    match = next((g for g in got if isinstance(g, dict) and g.get("subjectId") == entry["subjectId"]), None)
    if match is None:
        return [f"subjectId {entry['subjectId']} missing"]
    problems = []
    for data in entry["certificateData"]:
        candidates = [d for d in match.get("certificateData") or [] if isinstance(d, dict)]
        sans = set(data["subjectAlternateName"])
        same_sans = [d for d in candidates if set(d.get("subjectAlternateName") or []) == sans]
        if not same_sans:
            problems.append(f"{entry['subjectId']}: no certificateData with subjectAlternateName {plain(sorted(sans))}")
            continue
        wanted = data.get("subjectName") or {}
        if not any(all((d.get("subjectName") or {}).get(k) == v for k, v in wanted.items()) for d in same_sans):
            problems.append(f"{entry['subjectId']}: subjectName differs from {wanted}")
    return problems


def _method_405(obs: Observation) -> Result:
    """405 for the unsupported method, with an Allow header (RFC 9110 15.5.6: the origin server MUST send it) that
    lists the resource's methods: GET, which every resource probed here supports, and not the refused one."""
    response = obs.response
    method = str(obs.facts["method"]).upper()
    expected = (f"405 Method Not Allowed for {method} {obs.facts['resource']}, with an Allow header listing GET and "
                f"not {method} (RFC 9110 15.5.6)")
    control = obs.facts.get("control")
    if control is not None and control.status_code != 200 and response is not None and response.status_code == 405:
        return inconclusive("a supported method (GET) on the same resource failed too", expected,
                            describe_response(control))
    if response is None or response.status_code != 405:
        return verdict_of(False, expected, describe_response(response))
    allow = response.headers.get("allow")
    listed = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
    problems = ["no Allow header"] if allow is None else \
        [f"Allow lists {method}, the method refused"] * (method in listed) + ["Allow omits GET"] * ("GET" not in listed)
    return verdict_of(not problems, expected, "; ".join(problems) or f"405, Allow: {allow}")


for _name, _req in (
    ("subjects-put-405", "SOL023:5.6.3.3.3.3:put-405"),
    ("subjects-patch-405", "SOL023:5.6.3.3.3.4:patch-405"),
    ("subjects-delete-405", "SOL023:5.6.3.3.3.5:delete-405"),
    ("subject-post-405", "SOL023:5.6.3.4.3.1:post-405"),
    ("subject-put-405", "SOL023:5.6.3.4.3.3:put-405"),
    ("subject-patch-405", "SOL023:5.6.3.4.3.4:patch-405"),
):
    check(_name, _req)(_method_405)


@check("deregister-conflict", "SOL023:5.6.3.4.3.5:conflict")
def deregister_conflict(obs: Observation) -> Result:
    """DELETE of a subject whose certificates are still valid yields 409 with ProblemDetails."""
    response = obs.response
    expected = "409 Conflict with ProblemDetails while a certificate of the subject is valid"
    if not obs.facts.get("claimed", True):
        return not_applicable("the PICS does not claim 409 on deregistration with valid certificates "
                              "(pics.deregister_conflict_with_valid_certs)")
    if response is None or response.status_code != 409:
        return failed(expected, describe_response(response))
    issue = problem_details_issue(response)
    return verdict_of(issue is None, expected, issue or describe_response(response))


@check("deregister-no-content", "SOL023:5.6.3.4.3.5:no-content", "CMF.Certm.Del.003")
def deregister_no_content(obs: Observation) -> Result:
    """DELETE yields 204 with an empty body and the resource no longer exists afterwards."""
    response, after = obs.response, obs.facts.get("after")
    expected = "204 No Content, empty body; a following GET of the resource yields 404"
    if obs.facts.get("deleted_by"):
        return inconclusive(f"the subject was already deleted by {obs.facts['deleted_by']}", expected,
                            describe_response(response))
    if response is None or response.status_code != 204 or response.content:
        return failed(expected, describe_response(response))
    if after is None:
        return inconclusive("the resource could not be read after deletion", expected)
    return verdict_of(after.status_code == 404, expected, f"204; then GET gave {describe_response(after)}")


@check("deregister-delegate", "IFA033:11.2.1:deregister-delegate")
def deregister_delegate(obs: Observation) -> Result:
    """A VNFM that is not the delegate cannot deregister the subject (4xx, and the subject survives)."""
    response, after = obs.response, obs.facts.get("after")
    expected = "4xx for the non-delegate's DELETE, and the subject still readable by its delegate"
    if response is None or not 400 <= response.status_code < 500:
        return failed(expected, f"non-delegate DELETE: {describe_response(response)}")
    control = obs.facts.get("control")
    if control is not None and not control.is_success:
        return inconclusive("the delegate's own DELETE failed too", expected, describe_response(control))
    trusted = obs.facts.get("trusted")
    if trusted is not None and not trusted[0]:
        return inconclusive(f"the second VNFM is not usable at all ({trusted[1]})", expected,
                            describe_response(response))
    ok = after is not None and after.status_code == 200
    return verdict_of(ok, expected, f"non-delegate got {response.status_code}; delegate then read "
                                    f"{after.status_code if after is not None else 'nothing'}")
