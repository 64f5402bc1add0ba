"""Checks on the CMP exchanges of the Certificate Management interface (SOL023 5.2-5.5, 5.7)."""

from __future__ import annotations

from typing import Any

from wire.cmp.status import STATUS_NAMES, first_status  # noqa: F401  (re-exported)
from harness.checks.registry import (
    Observation,
    Result,
    check,
    describe_response,
    failed,
    inconclusive,
    passed,
    verdict_of,
)

def describe_cmp(message: Any, response: Any = None) -> str:
    """One line on a decoded CMP reply: HTTP status, body type, PKIStatus, failInfo, text."""
    http = f"HTTP {response.status_code}, " if response is not None else ""
    if message is None:
        return http + "no decodable PKIMessage" + (f" ({describe_response(response)})" if response is not None else "")
    parts = [f"{http}{message.body_type}"]
    status = first_status(message)
    if status is not None:
        code, fail_info, text = status
        parts.append(f"status {STATUS_NAMES.get(code, code)}")
        if fail_info:
            parts.append("failInfo " + ",".join(sorted(fail_info)))
        if text:
            parts.append(f'"{"; ".join(text)}"')
    return ", ".join(parts)


def is_refusal(message: Any) -> bool:
    """A CMP-level refusal: an error body, or a rejection status, and no certificate."""
    if message is None:
        return False
    status = first_status(message)
    if message.body_type == "error":
        return True
    delivered = message.body_type in ("cp", "ip") and any(r.certificate is not None for r in message.responses)
    return status is not None and status[0] == 2 and not delivered


def _refused(obs: Observation, what: str, fail_info: str) -> Result:
    """A request that must be refused. An acceptance FAILs; a refusal PASSes only if the control (the
    legitimate variant of the request, in the same scenario) was accepted, else it proves nothing."""
    expected = f"{what} refused: CMP rejection or error message (failInfo {fail_info} expected), no certificate"
    message, response = obs.message, obs.response
    if message is not None:
        refused, observed = is_refusal(message), describe_cmp(message, response)
    else:
        refused = response is not None and 400 <= response.status_code < 500
        observed = f"HTTP-level refusal: {describe_response(response)}" if refused else describe_cmp(None, response)
    if not refused:
        return failed(expected, observed)
    status = first_status(message) if message is not None else None
    unavailable = {"systemFailure", "systemUnavail", "transactionIdInUse"} & set(status[1] if status else ())
    if (response is not None and response.status_code >= 500) or unavailable:
        return inconclusive("the SUT failed rather than refused (HTTP 5xx or " + ", ".join(sorted(unavailable))
                            + ")", expected, observed)
    control = obs.facts.get("control")
    if control is not None and not control[0]:
        return inconclusive(f"the legitimate request was refused too ({control[1]}), so the refusal proves "
                            "nothing", expected, observed)
    return passed(expected, observed)


@check("csr-delegate-check", "IFA026:C.2.2.2.6:delegate", "Cmf.CertLcm.003")
def csr_delegate_check(obs: Observation) -> Result:
    """A CSR from a VNFM that is not the VNFCI's registered delegate is refused."""
    return _refused(obs, "p10cr from a non-delegate VNFM", "notAuthorized")


@check("csr-bad-pop-rejected", "IFA026:C.2.2.2.6:csr-validation")
def csr_bad_pop_rejected(obs: Observation) -> Result:
    """A CSR whose self-signature does not verify is refused."""
    return _refused(obs, "p10cr with a broken CSR signature", "badPOP")


@check("csr-unregistered-subject-rejected", "IFA026:C.2.2.2.6:csr-validation", "IFA033:11.2.1:csr-registered")
def csr_unregistered_subject_rejected(obs: Observation) -> Result:
    """A CSR whose subjectAltName was not registered for the VNFCI is refused."""
    return _refused(obs, "p10cr with an unregistered subjectAltName", "badCertTemplate")


@check("csr-attestation-verified", "Cmf.CertLcm.011")
def csr_attestation_verified(obs: Observation) -> Result:
    """Delegation mode: a CSR whose key attestation fails against the subject's registered attester is refused."""
    return _refused(obs, f"p10cr with {obs.facts.get('why', 'a failing key attestation statement')}",
                    "badCertTemplate")


@check("csr-created-201", "SOL023:5.3.3:csr-response")
def csr_created_201(obs: Observation) -> Result:
    """An immediately available certificate comes in a 201 Created cp."""
    response, message = obs.response, obs.message
    expected = "HTTP 201 Created, cp with status accepted and a certificate"
    if response is not None and response.status_code == 202:
        return inconclusive("the SUT deferred issuance although the PICS does not list this certificate type "
                            "in pics.deferred_issuance", expected, describe_cmp(message, response))
    ok = (response is not None and response.status_code == 201 and message is not None
          and message.body_type == "cp" and bool(message.responses) and message.responses[0].certificate is not None)
    return verdict_of(ok, expected, describe_cmp(message, response))


@check("csr-waiting-202", "SOL023:5.3.3:waiting")
def csr_waiting_202(obs: Observation) -> Result:
    """A pending issuance is answered 202 Accepted with a cp in status 'waiting'."""
    response, message = obs.response, obs.message
    expected = "HTTP 202 Accepted, cp with status waiting"
    if response is not None and response.status_code == 201:
        return inconclusive("the SUT issued immediately although the PICS lists this certificate type in "
                            "pics.deferred_issuance", expected, describe_cmp(message, response))
    status = first_status(message) if message is not None else None
    ok = response is not None and response.status_code == 202 and status is not None and status[0] == 3
    return verdict_of(ok, expected, describe_cmp(message, response))


@check("cp-failinfo-absent", "SOL023:5.5.3.2:failinfo")
def cp_failinfo_absent(obs: Observation) -> Result:
    """failInfo is absent from an accepted (or grantedWithMods) CertResponse."""
    message = obs.message
    expected = "no failInfo in a CertResponse with status accepted/grantedWithMods"
    if message is None or not message.responses:
        return inconclusive("no CertResponse to inspect", expected)
    bad = [r for r in message.responses if r.status in (0, 1) and r.fail_info]
    return verdict_of(not bad, expected, describe_cmp(message))


@check("csr-issued", "CMF.Certm.Del.002")
def csr_issued(obs: Observation) -> Result:
    """The Certificate Signing Request yields a certificate for the registered VNFCI."""
    message = obs.message
    expected = "a cp with status accepted/grantedWithMods carrying the certificate (after polling, if deferred)"
    cert = obs.facts.get("cert")
    how = obs.facts.get("how", describe_cmp(message, obs.response))
    if cert is None and obs.facts.get("budget_exhausted"):
        return inconclusive("the certificate was still pending when the harness's polling bound ran out", expected, how)
    return verdict_of(cert is not None, expected, how)


@check("poll-response", "SOL023:5.3.6:poll-response")
def poll_response(obs: Observation) -> Result:
    """pollReq is answered 200 OK with PollRepContent (or the final cp)."""
    response, message = obs.response, obs.message
    expected = "HTTP 200 OK with a pollRep (or, once ready, the cp)"
    ok = response is not None and response.status_code == 200 and message is not None and message.body_type in (
        "pollRep", "cp")
    return verdict_of(ok, expected, describe_cmp(message, response))


@check("poll-delivers", "CMF.Certm.Del.005")
def poll_delivers(obs: Observation) -> Result:
    """Query Certificate Info: pollRep gives checkAfter while pending, and polling ends with the certificate."""
    expected = (f"pollRep with checkAfter while pending; the certificate delivered within "
                f"{obs.facts.get('max_polls')} polls / {obs.facts.get('max_seconds')} s")
    polls = obs.facts.get("polls", [])
    cert = obs.facts.get("cert")
    missing_check_after = [p for p in polls if p.get("body") == "pollRep" and p.get("check_after") is None]
    observed = f"{len(polls)} poll(s): " + ", ".join(
        f"{p.get('body')}{'(checkAfter ' + str(p.get('check_after')) + ')' if p.get('check_after') is not None else ''}"
        for p in polls) + ("; certificate delivered" if cert is not None else "; no certificate")
    if not polls:
        return inconclusive("no poll was made", expected, observed)
    if missing_check_after:
        return failed(expected, observed)
    if cert is None and obs.facts.get("budget_exhausted"):
        return inconclusive("still pending when the harness's polling bound ran out", expected, observed)
    return verdict_of(cert is not None, expected, observed)


@check("revoke-http-200", "SOL023:5.3.4:revoked")
def revoke_http_200(obs: Observation) -> Result:
    """Revocation is answered 200 OK with a rp."""
    response, message = obs.response, obs.message
    expected = "HTTP 200 OK with a rp (RevRepContent)"
    ok = response is not None and response.status_code == 200 and message is not None and message.body_type == "rp"
    return verdict_of(ok, expected, describe_cmp(message, response))


@check("revoke-takes-effect", "CMF.Certm.Del.006")
def revoke_takes_effect(obs: Observation) -> Result:
    """The rp accepts the revocation, and the revocation takes effect: a second one is refused."""
    message, second = obs.message, obs.facts.get("second")
    expected = ("rp status accepted/grantedWithMods; then the certificate shows as revoked: a repeated rr refused "
                "with failInfo certRevoked, or the CA reports it revoked")
    status = first_status(message) if message is not None else None
    if status is None or status[0] not in (0, 1):
        return failed(expected, "first rr: " + describe_cmp(message, obs.response))
    ca_status = obs.facts.get("ca_status")
    if ca_status == "good":
        return failed(expected, f"first rr accepted but the CA reports the certificate {ca_status}")
    second_status = first_status(second) if second is not None else None
    observed = f"first rr accepted; second rr: {describe_cmp(second)}" + (f"; CA reports {ca_status}" if ca_status else "")
    if second_status is not None and second_status[0] in (0, 1) and ca_status != "revoked":
        return failed(expected, observed)
    if ca_status == "revoked" or (second_status is not None and "certRevoked" in second_status[1]):
        return passed(expected, observed)
    return inconclusive("no evidence that the revocation took effect (the second rr was refused without "
                        "certRevoked and the CA is not observable)", expected, observed)


@check("revoke-delegate", "IFA033:11.2.1:revoke-delegate")
def revoke_delegate(obs: Observation) -> Result:
    """A VNFM that is not the VNFCI's delegate cannot revoke its certificate."""
    return _refused(obs, "rr from a non-delegate VNFM", "notAuthorized")


def _no_answer(obs: Observation, expected: str) -> Result | None:
    reason = obs.facts.get("no_answer")
    return inconclusive(f"the SUT did not answer: {reason}", expected) if reason else None


def _fail_info(obs: Observation, wanted: str, what: str) -> Result:
    """The refusal names the right PKIFailureInfo bit (judged only when the request was refused)."""
    expected = f"{what}: CMP error or rejection with failInfo {wanted}"
    if (silent := _no_answer(obs, expected)) is not None:
        return silent
    message = obs.message
    if message is None or not is_refusal(message):
        if obs.response is not None and 400 <= obs.response.status_code < 500 and message is None:
            return failed(expected, f"refused at HTTP level only, no failInfo: {describe_response(obs.response)}")
        return inconclusive("the request was not refused (judged by the refusal check)", expected,
                            describe_cmp(message, obs.response))
    status = first_status(message)
    bits = status[1] if status else frozenset()
    return verdict_of(wanted in bits, expected, describe_cmp(message, obs.response))


@check("failinfo-badpop", "RFC9810:5.2.3:badPOP")
def failinfo_badpop(obs: Observation) -> Result:
    """A CSR whose self-signature fails is refused with failInfo badPOP."""
    return _fail_info(obs, "badPOP", "p10cr with a broken CSR signature")


@check("failinfo-notauthorized", "RFC9810:5.2.3:notAuthorized")
def failinfo_notauthorized(obs: Observation) -> Result:
    """A CSR from a VNFM that is not the delegate is refused with failInfo notAuthorized."""
    return _fail_info(obs, "notAuthorized", "p10cr from a non-delegate VNFM")


@check("failinfo-badmessagecheck", "RFC9810:5.2.3:badMessageCheck")
def failinfo_badmessagecheck(obs: Observation) -> Result:
    """A request whose protection does not verify is refused with failInfo badMessageCheck."""
    return _fail_info(obs, "badMessageCheck", "p10cr whose protection does not verify")


@check("malformed-rejected", "RFC9483:3.5:malformed")
def malformed_rejected(obs: Observation) -> Result:
    """Bytes that are not a PKIMessage get an HTTP 4xx or a CMP error, never a 5xx or a certificate."""
    response, message = obs.response, obs.message
    expected = "HTTP 4xx, or a CMP error/rejection (badDataFormat or badRequest); never 5xx"
    if (silent := _no_answer(obs, expected)) is not None:
        return silent
    if response is None or response.status_code >= 500:
        return failed(expected, describe_response(response))
    if message is None:
        return verdict_of(400 <= response.status_code < 500, expected, describe_response(response))
    return verdict_of(is_refusal(message), expected, describe_cmp(message, response))


@check("unsupported-body-rejected", "RFC9483:3.6.4:unsupported-body")
def unsupported_body_rejected(obs: Observation) -> Result:
    """A body type the endpoint does not serve (ir on the pkcs10 path) is answered with a CMP error."""
    response, message = obs.response, obs.message
    expected = "a CMP error message (failInfo badRequest), no certificate, no 5xx"
    if (silent := _no_answer(obs, expected)) is not None:
        return silent
    if response is None or response.status_code >= 500:
        return failed(expected, describe_response(response))
    return verdict_of(message is not None and is_refusal(message), expected, describe_cmp(message, response))


@check("certconf-pkiconf", "RFC9483:4.1.1:certconf")
def certconf_pkiconf(obs: Observation) -> Result:
    """Without implicit confirmation, the VNFM's certConf is answered with pkiConf."""
    expected = "pkiConf (HTTP 200) answering the certConf for the received certificate"
    confirmed = obs.facts.get("confirmation")
    if confirmed is None:
        return inconclusive("no certConf was sent (no certificate, or implicit confirmation was granted)", expected)
    message, response = confirmed.message, confirmed.response
    ok = response.status_code == 200 and message is not None and message.body_type == "pkiconf"
    return verdict_of(ok, expected, describe_cmp(message, response))


@check("implicit-confirm-only-if-asked", "RFC9483:4.1.1:implicit-confirm")
def implicit_confirm_only_if_asked(obs: Observation) -> Result:
    """implicitConfirm is granted only when the request asked for it."""
    expected = "no implicitConfirm in the response to a request that did not ask for it"
    message = obs.message
    if message is None:
        return inconclusive("no decodable response", expected)
    return verdict_of(not message.implicit_confirm, expected,
                      f"{message.body_type} {'grants' if message.implicit_confirm else 'does not grant'} "
                      "implicitConfirm")
