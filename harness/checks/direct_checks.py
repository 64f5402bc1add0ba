"""Direct mode (IFA026 C.2.1, C.3.1; SOL023 clause 6): what the CMF did at the VNFM, the CA, the attestation
service and the VNFCIs, judged from what those simulators received.

Facts use the harness bindings of the README ("Direct mode"): ``expected`` is a list of (vnfcId, identity name,
certificate type, FQDN) from the operator policy; ``registrations`` the CA-1 end-entity registrations
(request bodies) for the scenario's VNFCs; ``configs`` vnfcId -> the identities the VNFCI was configured with."""

from __future__ import annotations

from typing import Any

from harness.checks.registry import Observation, Result, check, failed, inconclusive, verdict_of
from harness.plaintext import plain

def _allowed(method: str, path: str) -> bool:
    """Query VNF, Get Operation Status, Subscribe, Query Subscription Information, Terminate Subscription."""
    if method == "DELETE":
        return path.startswith("/subscriptions/")
    if method == "POST":
        return path == "/subscriptions"
    return method == "GET" and (path.startswith(("/vnf_instances", "/vnf_lcm_op_occs", "/subscriptions")))


@check("direct-subscription", "VNFM.LCM.001", "Cm-Vnfm.002")
def direct_subscription(obs: Observation) -> Result:
    """The CMF holds a subscription at the VNFM to VnfLcmOperationOccurrenceNotification (completed operations),
    created through Subscribe, its callback having passed the VNFM's notification endpoint test."""
    attempts, live = obs.facts["attempts"], obs.facts["subscriptions"]
    expected = "a subscription to VnfLcmOperationOccurrenceNotification whose callback passed the endpoint test"
    refused = [f"endpoint test answered {a.test_status if a.test_status is not None else 'nothing'}"
               for a in attempts if not a.created]
    observed = (f"{len(live)} subscription(s) covering completed LCM operations" if live
                else "no subscription" + (f"; {len(refused)} attempt(s) refused: {', '.join(refused)}" if refused else
                                          " attempt at the VNFM"))
    return verdict_of(bool(live), expected, observed)


@check("direct-vnf-queried", "VNFM.LCM.002")
def direct_vnf_queried(obs: Observation) -> Result:
    """After the VNF LCM occurrence notification the CMF obtains the VNFC asset data with Query VNF."""
    queries = obs.facts["queries"]
    return verdict_of(bool(queries), f"GET .../vnf_instances/{obs.facts['vnf_id']} (Query VNF) after the notification",
                      ", ".join(f"{q.method} {q.path} -> {q.status}" for q in queries) or "no Query VNF")


@check("direct-lcm-operations", "SOL023:6:operations")
def direct_lcm_operations(obs: Observation) -> Result:
    """Every request the CMF sent to the VNF LCM interface is one of the six operations SOL023 clause 6 allows."""
    requests = obs.facts["requests"]
    bad = [f"{r.method} {r.path} -> {r.status}" for r in requests if not _allowed(r.method, r.path)]
    expected = "only Query VNF, Get Operation Status, Subscribe, Query Subscription Information, Terminate Subscription"
    if not requests:
        return inconclusive("the CMF sent no request to the VNF LCM interface during the scenario", expected)
    observed = f"{len(requests)} request(s)" + (f"; outside the allowed operations: {'; '.join(bad)}" if bad else "")
    return verdict_of(not bad, expected, observed)


def _registered(obs: Observation) -> dict[str, dict[str, Any]]:
    return {str(r.get("entityId")): r for r in obs.facts["registrations"]}


@check("direct-identities-registered", "Cmf.CertLcm.001", "IFA026:C.2.1.1.6:register")
def direct_identities_registered(obs: Observation) -> Result:
    """Every identity the policy defines for every new VNFC is registered at the CA as an end entity, with the
    policy's subject and subjectAltName and an initial credential."""
    registered, problems = _registered(obs), []
    for vnfc, name, _, fqdn in obs.facts["expected"]:
        body = registered.get(f"{vnfc}/{name}")
        if body is None:
            problems.append(f"{name} of {vnfc}: not registered")
        elif f"CN={fqdn}" not in str(body.get("subject")) or body.get("subjectAltName") != [fqdn]:
            problems.append(f"{name} of {vnfc}: subject {plain(body.get('subject'))}, SAN {plain(body.get('subjectAltName'))}")
        elif not isinstance(body.get("initialCredential"), dict):
            problems.append(f"{name} of {vnfc}: no initial credential")
    stray = obs.facts.get("strays") or []
    if stray:  # registered for a VNFC the VNF does not have: not an identity of any VNFCI
        problems.append(f"{len(stray)} registered for no VNFC of the VNF: {', '.join(stray[:3])}")
    expected = (f"{len(obs.facts['expected'])} identities registered (policy subject/SAN, initial credential), "
                "nothing for a VNFC the VNF does not have")
    return verdict_of(not problems, expected, "; ".join(problems) or f"{len(registered)} registered as expected")


@check("direct-ca-selected", "Cmf.CertLcm.004")
def direct_ca_selected(obs: Observation) -> Result:
    """Each identity is registered with the CA profile of its certificate type (VNFCI or VNF OAM issuing CA)."""
    registered = _registered(obs)
    wrong = [f"{name} of {vnfc}: {registered[f'{vnfc}/{name}'].get('certType')} (policy: {kind})"
             for vnfc, name, kind, _ in obs.facts["expected"]
             if f"{vnfc}/{name}" in registered and registered[f"{vnfc}/{name}"].get("certType") != kind]
    seen = [e for e in obs.facts["expected"] if f"{e[0]}/{e[1]}" in registered]
    if not seen:
        return failed("every registered identity with its certificate type's CA", "nothing registered")
    return verdict_of(not wrong, "every registered identity with its certificate type's CA",
                      "; ".join(wrong) or f"{len(seen)} identities, CA per type as the policy says")


def _config_problems(identity: dict[str, Any], reg: dict[str, Any], anchor_pem: str) -> list[str]:
    problems = []
    for key in ("subject", "subjectAltName"):
        if identity.get(key) != reg.get(key):
            problems.append(f"{key} {identity.get(key)!r} is not the registered {reg.get(key)!r}")
    if str(identity.get("trustAnchor", "")).strip() != anchor_pem.strip():
        problems.append("trust anchor missing or not the anchor of the issuing CA" if identity.get("trustAnchor")
                        is not None else "no trust anchor")
    enrolment = identity.get("enrolment") if isinstance(identity.get("enrolment"), dict) else {}
    if not enrolment.get("url"):
        problems.append("no enrolment server (path to the CA's responder)")
    if identity.get("initialCredential") != reg.get("initialCredential"):
        problems.append("initial credential is not the one registered at the CA")
    if not identity.get("trigger"):
        problems.append("no enrolment trigger")
    return problems


@check("direct-vnfci-configured", "IFA026:C.2.1.1.6:configure", "Cmf.CertLcm.008")
def direct_vnfci_configured(obs: Observation) -> Result:
    """Each registered identity reaches its VNFCI with what the CSR and its authentication need: trust anchor,
    enrolment server, the registered initial credential (the authorization), subject/SAN (the FQDN), trigger."""
    registered, configs, problems = _registered(obs), obs.facts["configs"], []
    for entity_id, reg in registered.items():
        vnfc, _, name = entity_id.partition("/")
        identity = next((i for i in configs.get(vnfc, []) if i.get("name") == name), None)
        if identity is None:
            problems.append(f"{name} of {vnfc}: registered but never configured")
            continue
        problems += [f"{name} of {vnfc}: {p}" for p in _config_problems(identity, reg, obs.facts["anchor"])]
    if not registered:
        return failed("every registered identity configured at its VNFCI", "nothing registered to configure")
    return verdict_of(not problems, "every registered identity configured at its VNFCI",
                      "; ".join(problems) or f"{len(registered)} identities configured completely")


@check("direct-enrolled", "IFA026:C.2.1.1.5:certificates")
def direct_enrolled(obs: Observation) -> Result:
    """With the configuration received, the VNFCI obtains a certificate for each configured identity (ir with the
    initial credential; the certificate chains to the configured trust anchor and binds the VNFCI's key)."""
    results = obs.facts["enrolments"]
    bad = [f"{r.identity}: {r.detail}" for r in results if not r.ok]
    if not results:
        return failed("a certificate for every configured identity", "no identity configured to enrol")
    return verdict_of(not bad, "a certificate for every configured identity",
                      "; ".join(bad) or f"{len(results)} certificate(s) received")


@check("direct-attested-first", "IFA026:C.2.1.2.6:attested")
def direct_attested_first(obs: Observation) -> Result:
    """For a VNFCI that requires attestation, the CMF asked the attestation service before registering it."""
    query_seq, first_registration = obs.facts["query_seq"], obs.facts["registration_seq"]
    expected = "attestation result requested before the first registration at the CA"
    if query_seq is None:
        return failed(expected, "the attestation service was never asked about this VNFCI")
    if first_registration is None:
        return failed(expected, "attestation asked, but the attested VNFCI was never registered")
    return verdict_of(query_seq < first_registration, expected,
                      f"attestation query (trace #{query_seq}), registration (trace #{first_registration})")


@check("direct-unattested-refused", "IFA026:C.2.1.2.6:attested")
def direct_unattested_refused(obs: Observation) -> Result:
    """Nothing is registered or configured for a VNFCI whose attestation failed (result contraindicated); the
    attested control VNFCI of the same VNF was provisioned, so the CMF did act on the notification."""
    registered, configured, control = obs.facts["registered"], obs.facts["configured"], obs.facts["control"]
    expected = "no registration and no configuration for the unattested VNFCI (control VNFCI provisioned)"
    observed = f"{registered} registration(s), {configured} configuration(s); control provisioned: {plain(control)}"
    if not control:
        return failed(expected, observed)
    return verdict_of(registered == 0 and configured == 0, expected, observed)


@check("direct-hsm-configured", "IFA026:C.2.1.3.6:hsm")
def direct_hsm_configured(obs: Observation) -> Result:
    """The configuration of a VNFCI whose keys must be in an HSM carries the HSM details."""
    identities = obs.facts["identities"]
    missing = [str(i.get("name")) for i in identities if not isinstance(i.get("hsm"), dict) or not i["hsm"]]
    if not identities:
        return failed("HSM details in every identity's configuration", "no configuration received")
    return verdict_of(not missing, "HSM details in every identity's configuration",
                      f"missing for {', '.join(missing)}" if missing else
                      f"HSM details for {len(identities)} identities: {plain(identities[0].get('hsm'))}")


@check("direct-renewal-condition", "IFA026:C.2.1.4.6:condition")
def direct_renewal_condition(obs: Observation) -> Result:
    """The CMF configured a renewal condition that fires while the certificate is still valid (renew before
    expiry by a positive time shorter than the certificate's lifetime)."""
    condition, lifetime = obs.facts["condition"], obs.facts["lifetime_seconds"]
    expected = f"renewal.beforeExpirySeconds in (0, {lifetime:.0f})"
    before = condition.get("beforeExpirySeconds") if isinstance(condition, dict) else None
    if not isinstance(before, (int, float)) or isinstance(before, bool):
        return failed(expected, f"no renewal condition configured ({condition!r})")
    return verdict_of(0 < before < lifetime, expected, f"beforeExpirySeconds {before}")


@check("direct-renewed", "IFA026:C.2.1.4.5:renewed", "Cmf.CertLcm.001")
def direct_renewed(obs: Observation) -> Result:
    """The VNFCI's kur, signed with its still valid certificate, returns a new certificate for the same identity
    and the new key (the CMF kept the identity registered for renewal)."""
    result, old = obs.facts["renewal"], obs.facts["old"]
    expected = "kup with a new certificate: same subject, new key, new serial"
    if not result.ok or result.cert is None:
        return failed(expected, result.detail)
    ok = result.cert.subject == old.subject and result.cert.serial_number != old.serial_number
    return verdict_of(ok, expected, f"new serial {result.cert.serial_number:x}, subject {result.cert.subject.rfc4514_string()}")


@check("direct-revoked-on-termination", "Cmf.CertLcm.001")
def direct_revoked_on_termination(obs: Observation) -> Result:
    """When VNFCs go (the VNF terminates, or a heal replaces them), their certificates are revoked (CMF -> CA)."""
    statuses = obs.facts["statuses"]
    good = [s for s, status in statuses.items() if status != "revoked"]
    if not statuses:
        return failed("every certificate of the removed VNFCs revoked", "no certificate to watch")
    return verdict_of(not good, "every certificate of the removed VNFCs revoked",
                      f"still valid: {', '.join(f'{s:x}' for s in good)}" if good else
                      f"{len(statuses)} certificate(s) revoked")

