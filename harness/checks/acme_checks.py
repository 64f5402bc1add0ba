"""Checks of ACME for NFV-MANO certificates (SOL023 5.2.1a-5.2.6, 5.5.2a, 5.8; IFA026 C.4; RFC 8555/8737/9447).

Refusal checks take ``probes``: (label, response, accepted problem types) and a ``control`` showing the same
request succeeds when nothing is wrong with it, so a SUT that refuses everything cannot pass.
"""

from __future__ import annotations

from harness.checks.registry import Observation, Result, check, failed, inconclusive, not_applicable, verdict_of
from simulators.acme.client import problem_type
from harness.plaintext import plain

ENTITIES = ("NFVO", "VNFM", "VIM")
UC = {"NFVO": "C.4.1", "VNFM": "C.4.2", "VIM": "C.4.3"}


def _refused(obs: Observation) -> Result:
    control_ok, control = obs.facts.get("control", (True, ""))
    if not control_ok:
        return inconclusive(f"control failed: {control}")
    bad: list[str] = []
    seen: list[str] = []
    for label, response, kinds in obs.facts["probes"]:
        kind = problem_type(response)
        seen.append(f"{label}: HTTP {response.status_code} {kind or '-'}")
        if not 400 <= response.status_code < 500 or (kinds and kind not in kinds):
            bad.append(label)
    expected = "; ".join(f"{label}: 4xx {'/'.join(kinds) or 'problem'}" for label, _, kinds in obs.facts["probes"])
    observed = "; ".join(seen) + (f" (control: {control})" if control else "")
    return verdict_of(not bad, expected, observed)


def _refusal(name: str, *ids: str) -> None:
    check(name, *ids)(_refused)


for _e in ENTITIES:
    _refusal(f"acme-registration-refused[{_e}]", f"IFA026:{UC[_e]}.1.6:invalid-registration")
    _refusal(f"acme-unregistered-refused[{_e}]", f"IFA026:{UC[_e]}.2.6:unregistered")
    _refusal(f"acme-csr-refused[{_e}]", f"IFA026:{UC[_e]}.2.6:csr-invalid")
_refusal("acme-alg-mac-refused", "SOL023:5.5.2a.3:alg")
_refusal("acme-nonce-malformed", "SOL023:5.5.2a.3:nonce")
_refusal("acme-nonce-replay", "RFC8555:6.5:replay")
_refusal("acme-url-mismatch", "RFC8555:6.4:url")
_refusal("acme-jwk-xor-kid", "SOL023:5.5.2a.3:jwk-kid")
_refusal("acme-attestation-mismatch-refused[NFVO]", "Cmf.CertLcm.009")
_refusal("acme-attestation-mismatch-refused[VNFM]", "Cmf.CertLcm.010")
_refusal("acme-attestation-mismatch-refused[VIM]", "Cmf.CertLcm.012")


def _refused_exactly(obs: Observation) -> Result:
    """Refusals whose status and problem type are both prescribed: each probe is (label, response, type, status)
    and must be answered that status with an application/problem+json of that type; ``control``: the same request
    succeeds once its precondition holds (the order ready, the owner's account)."""
    if obs.facts.get("inconclusive"):
        return inconclusive(obs.facts["inconclusive"])
    control_ok, control = obs.facts.get("control", (True, ""))
    if not control_ok:
        return inconclusive(f"control failed: {control}")
    bad: list[str] = []
    seen: list[str] = []
    for label, response, kind, status in obs.facts["probes"]:
        problem = response.headers.get("content-type", "").startswith("application/problem+json")
        seen.append(f"{label}: HTTP {response.status_code} {problem_type(response) or '-'}"
                    + ("" if problem else f" ({response.headers.get('content-type', 'no content-type')})"))
        if response.status_code != status or problem_type(response) != kind or not problem:
            bad.append(label)
    expected = "; ".join(f"{label}: HTTP {status} problem document {kind}" for label, _, kind, status in obs.facts["probes"])
    return verdict_of(not bad, expected, "; ".join(seen) + (f" (control: {control})" if control else ""))


check("acme-finalize-not-ready", "RFC8555:7.4:order-not-ready")(_refused_exactly)
check("acme-revoke-other-account-refused", "RFC8555:7.6:revoke-authorization")(_refused_exactly)


def _challenge_refused(obs: Observation) -> Result:
    """A wrong validation answer leaves the challenge invalid, so its order cannot become ready."""
    if obs.facts.get("not_applicable"):
        return not_applicable(obs.facts["not_applicable"])
    status, error, order = obs.facts["status"], obs.facts.get("error"), obs.facts.get("order_status")
    observed = f"{obs.facts['label']}: challenge {status or 'without status'}" + (
        f" ({error.get('type', '')}: {error.get('detail', '')})" if isinstance(error, dict) else "") + (
        f"; order {order}" if order is not None else "")
    expected = f"{obs.facts['label']}: challenge invalid, and its order invalid (RFC 8555 7.1.6)"
    return verdict_of(status == "invalid" and order in (None, "invalid"), expected, observed)


check("acme-tls-alpn-wrong-refused", "RFC8737:3:tls-alpn-01")(_challenge_refused)
check("acme-tkauth-untrusted-refused", "RFC9447:3:tkauth-01")(_challenge_refused)


@check("acme-registration", "CMF.Certm.Mano.001", "Cm-Oss.001", "Cmf.CertLcm.002")
def acme_registration(obs: Observation) -> Result:
    """The trusted OSS's newAccount registers the entity: 201, Location, a valid account (and the initial
    credential where the PICS claims one)."""
    response, body = obs.facts["response"], obs.facts["body"]
    want_credential = obs.facts["credential_claimed"]
    expected = "201 Created, Location, status valid" + (", initialCredential (keyId, macKey)" if want_credential else "")
    problems = []
    if response.status_code != 201:
        problems.append(f"HTTP {response.status_code}")
    if not response.headers.get("location"):
        problems.append("no Location")
    if body.get("status") != "valid":
        problems.append(f"status {body.get('status')!r}")
    credential = body.get("initialCredential")
    if want_credential and not (isinstance(credential, dict) and credential.get("keyId") and credential.get("macKey")):
        problems.append("no initialCredential")
    observed = f"HTTP {response.status_code}, status {body.get('status')!r}" + (f"; {', '.join(problems)}" if problems else "")
    return verdict_of(not problems, expected, observed)


@check("acme-query-subject", "CMF.Certm.Mano.004")
def acme_query_subject(obs: Observation) -> Result:
    """Query Subject Info (SOL023 5.2.5): POST-as-GET on the account returns its status, contact and orders URL."""
    response, body = obs.facts["response"], obs.facts["body"]
    expected = "200 OK with status, contact and orders (RFC 8555 7.1.2)"
    missing = [k for k in ("status", "orders") if k not in body]
    ok = response.status_code == 200 and not missing and body.get("status") == obs.facts["status"]
    return verdict_of(ok, expected, f"HTTP {response.status_code}, status {body.get('status')!r}"
                      + (f", missing {', '.join(missing)}" if missing else ""))


@check("acme-query-order", "CMF.Certm.Mano.005")
def acme_query_order(obs: Observation) -> Result:
    """Query Certificate Info (SOL023 5.2.6): POST-as-GET on the order returns status valid and the certificate URL."""
    response, body, url = obs.facts["response"], obs.facts["body"], obs.facts["certificate_url"]
    expected = f"200 OK, status valid, certificate {url}"
    ok = response.status_code == 200 and body.get("status") == "valid" and body.get("certificate") == url
    return verdict_of(ok, expected, f"HTTP {response.status_code}, status {body.get('status')!r}, "
                      f"certificate {body.get('certificate')!r}")


@check("acme-challenges-offered", "SOL023:5.8.1:challenges")
def acme_challenges_offered(obs: Observation) -> Result:
    """Every authorization offers both tls-alpn-01 (RFC 8737) and tkauth-01 (RFC 9447)."""
    offered = obs.facts["offered"]
    missing = [t for t in ("tls-alpn-01", "tkauth-01") if t not in offered]
    return verdict_of(not missing, "tls-alpn-01 and tkauth-01 offered",
                      f"offered {', '.join(offered) or 'nothing'}" + (f"; missing {', '.join(missing)}" if missing else ""))


@check("acme-tls-alpn-validated", "RFC8737:3:tls-alpn-01")
def acme_tls_alpn_validated(obs: Observation) -> Result:
    """The CMF really validated tls-alpn-01: it connected with SNI = the FQDN and ALPN acme-tls/1 before it
    marked the challenge valid."""
    status, probes = obs.facts["status"], obs.facts["probes"]
    expected = "a TLS connection with SNI = FQDN and ALPN acme-tls/1, then challenge valid"
    observed = f"challenge {status}; {len(probes)} validation connection(s)"
    if status != "valid":
        return failed(expected, observed)
    return verdict_of(any(p.alpn == "acme-tls/1" for p in probes), expected, observed)


@check("mano-cert-issued", "CMF.Certm.Mano.002", "Cm-Mano.001", "Cmf.CertLcm.005")
def mano_cert_issued(obs: Observation) -> Result:
    """The order becomes valid and the certificate URL delivers a PEM certificate chain for the entity."""
    cert, how = obs.facts.get("cert"), obs.facts["how"]
    return verdict_of(cert is not None, "order valid, certificate downloaded (application/pem-certificate-chain)", how)


@check("mano-chain-delivered", "Cmf.CertLcm.007")
def mano_chain_delivered(obs: Observation) -> Result:
    """The download carries the chain: leaf + intermediates, verifying to the CMF's trust anchor."""
    if obs.facts.get("cert") is None:
        return inconclusive("no certificate obtained")
    error = obs.facts["chain_error"]
    expected = "leaf and every intermediate delivered, path verifies to a configured trust anchor"
    return verdict_of(not error, expected, error or f"{obs.facts['chain_len']} certificate(s), path verified")


@check("mano-cert-binds-key", "RFC8555:7.4:csr-key")
def mano_cert_binds_key(obs: Observation) -> Result:
    """The issued certificate certifies the public key of the CSR the entity sent."""
    if obs.facts.get("cert") is None:
        return inconclusive("no certificate obtained")
    same = obs.facts["cert_spki"] == obs.facts["csr_spki"]
    return verdict_of(same, "certificate public key = CSR public key", "same key" if same else "another key")


@check("mano-cert-san", "Cmf.CertLcm.008", "RFC8555:7.4:identifiers")
def mano_cert_san(obs: Observation) -> Result:
    """The certificate's subjectAltName is exactly the registered FQDN."""
    if obs.facts.get("cert") is None:
        return inconclusive("no certificate obtained")
    names, fqdn = obs.facts["san"], obs.facts["fqdn"]
    return verdict_of(names == [f"dns:{fqdn}"], f"subjectAltName = dns:{fqdn}", f"subjectAltName = {plain(names)}")


@check("acme-revoke", "CMF.Certm.Mano.006")
def acme_revoke(obs: Observation) -> Result:
    """revokeCert (SOL023 5.2.2a) answers 200 and takes effect: a second revocation reports alreadyRevoked
    (and the CA reports the serial revoked, when it is observable)."""
    first, second, ca = obs.facts["first"], obs.facts["second"], obs.facts.get("ca_status")
    expected = "200, then alreadyRevoked" + (" and the CA reports revoked" if ca is not None else "")
    observed = f"HTTP {first.status_code}; second: HTTP {second.status_code} {problem_type(second) or '-'}" + (
        f"; CA: {ca}" if ca is not None else "")
    ok = first.status_code == 200 and problem_type(second) == "alreadyRevoked" and ca in (None, "revoked")
    return verdict_of(ok, expected, observed)


@check("acme-deregister", "CMF.Certm.Mano.003")
def acme_deregister(obs: Observation) -> Result:
    """Deregistration (SOL023 5.2.4): the OSS deactivates the registration; the entity can no longer order."""
    response, body, after = obs.facts["response"], obs.facts["body"], obs.facts["after"]
    expected = "200 with status deactivated; a later newOrder by the entity refused (4xx)"
    observed = (f"HTTP {response.status_code}, status {body.get('status')!r}; later newOrder: HTTP "
                f"{after.status_code} {problem_type(after) or '-'}")
    ok = response.status_code == 200 and body.get("status") == "deactivated" and 400 <= after.status_code < 500
    return verdict_of(ok, expected, observed)


@check("acme-problem-document", "RFC8555:6.7:problem")
def acme_problem_document(obs: Observation) -> Result:
    """Every error response is application/problem+json with an urn:ietf:params:acme:error: type."""
    errors = obs.facts["errors"]
    if not errors:
        return inconclusive("no error response observed")
    bad = [f"HTTP {r.status_code} {r.headers.get('content-type', '-')}" for r in errors
           if not r.headers.get("content-type", "").startswith("application/problem+json") or not problem_type(r)]
    return verdict_of(not bad, "application/problem+json with an ACME error type",
                      f"{len(errors)} error response(s)" + (f"; not conforming: {', '.join(bad[:5])}" if bad else ""))


@check("acme-replay-nonce", "RFC8555:6.5:replay-nonce")
def acme_replay_nonce(obs: Observation) -> Result:
    """Every successful response to a POST carries a fresh Replay-Nonce."""
    ok_posts = obs.facts["posts"]
    if not ok_posts:
        return inconclusive("no successful POST observed")
    missing = [r.request.url.path for r in ok_posts if not r.headers.get("replay-nonce")]
    return verdict_of(not missing, "Replay-Nonce on every successful POST response",
                      f"{len(ok_posts)} response(s)" + (f"; without: {', '.join(missing[:5])}" if missing else ""))



