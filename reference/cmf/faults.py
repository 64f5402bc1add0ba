"""Named faults of the reference CMF: each one a documented deviation from the specs.

``requirements`` lists every requirement ID a run with the fault must report as FAIL: first
the ones the fault violates directly, then those it breaks as a consequence. The test suite
runs every fault and asserts the set of FAILed requirements equals this list exactly.
"""

from __future__ import annotations

from reference.cmf import faults_acme, faults_attestation, faults_direct, faults_notify, faults_oauth
from wire.faults import Fault, scoped


_M405 = (
    "SOL023:5.6.3.3.3.3:put-405",
    "SOL023:5.6.3.3.3.4:patch-405",
    "SOL023:5.6.3.3.3.5:delete-405",
    "SOL023:5.6.3.4.3.1:post-405",
    "SOL023:5.6.3.4.3.3:put-405",
    "SOL023:5.6.3.4.3.4:patch-405",
)

CORE_SCENARIOS = "not SOL023-7.3|installation|C.4.|SOL023-5.5.2a|direct mode|SOL023-C."

_CORE: tuple[Fault, ...] = (
    Fault("no-mtls", ("IFA026:C.2.2.1.4:mtls",),
          "Accepts TLS clients that present no certificate and serves them anonymously."),
    Fault("no-api-versions", ("Cm-Vnfm.001", "SOL023:5.6.2:version"),
          "Serves no {apiRoot}/nfv-cert/api_versions resource (404)."),
    Fault("api-version-wrong", ("SOL023:5.6.2:version",),
          "api_versions announces version 2.0.0 under uriPrefix /nfv-cert/v2."),
    Fault("no-location-header", ("SOL023:5.6.3.3.3.1:created",),
          "201 Created on subject registration without the Location header."),
    Fault("location-other-host", ("SOL023:5.6.3.3.3.1:created",),
          "201 Created on subject registration with a Location on another host (https://192.0.2.7/..., the "
          "documentation address: the harness must neither follow nor accept it)."),
    Fault("register-no-conflict", ("SOL023:5.6.3.3.3.1:conflict",),
          "Registers a VNFCI that is already registered (201 instead of 409 Conflict)."),
    Fault("accept-invalid-registration", ("IFA026:C.2.2.1.6:invalid-registration",),
          "Accepts a RegistrationRequest with typeOfVnfcCertHandling=direct_mode or no subjectAlternateName."),
    Fault("register-despite-refusal", ("IFA026:C.2.2.1.6:invalid-registration", "CMF.Certm.Del.004",
                                       "SOL023:5.6.3.3.3.2:ok"),
          "Answers an invalid RegistrationRequest with 400 but registers what it could read of it anyway (so the "
          "subjects listing then carries invalid SubjectInstances)."),
    Fault("accept-empty-subject-name", ("IFA026:C.2.2.1.6:invalid-registration",),
          "Registers certificateData whose subjectName is an empty CertSubjectData (SOL023 table 5.6.4.3.2-1 note: "
          "at least one attribute shall be present)."),
    Fault("register-non-json-500", ("IFA026:C.2.2.1.6:invalid-registration",),
          "Answers a RegistrationRequest body that is not JSON with HTTP 500 (the parse error escapes) instead of "
          "400 (found by mutation testing, docs/mutation-triage.md)."),
    Fault("accept-subject-name-string", ("IFA026:C.2.2.1.6:invalid-registration",),
          "Registers certificateData whose subjectName is a string, not a CertSubjectData object (found by "
          "mutation testing)."),
    Fault("reject-vnfoam-registration", ("CMF.Certm.Del.001", "Cmf.CertLcm.003"),
          "Refuses every registration with certType VNF_OAM_certificate (422)."),
    Fault("ignore-filter", ("SOL023:5.6.3.3.3.2:filter",),
          "GET subjects ignores the filter parameter and returns every subject."),
    Fault("accept-bad-filter", ("SOL023:5.6.3.3.3.2:bad-filter",),
          "Answers 200 to a syntactically invalid filter expression instead of 400."),
    Fault("accept-bad-selector", ("SOL023:5.6.3.3.3.2:bad-selector",),
          "Answers 200 to an invalid attribute selector instead of 400."),
    Fault("no-default-exclusion", ("SOL023:5.6.3.3.3.2:exclude-default",),
          "Includes subjectId in GET subjects responses when no selector is given."),
    Fault("ignore-all-fields", ("SOL023:5.6.3.3.3.2:all-fields",),
          "Ignores all_fields: subjectId stays excluded."),
    Fault("list-items-no-links", ("SOL023:5.6.3.3.3.2:ok", "CMF.Certm.Del.004"),
          "GET subjects returns SubjectInstance items without _links.self."),
    Fault("subject-wrong-data", ("CMF.Certm.Del.004",),
          "Query Subject Info returns certificateData without the registered subjectAlternateName values."),
    Fault("subject-no-links", ("SOL023:5.6.3.4.3.2:ok",),
          "GET on an Individual Subject returns a representation without _links.self."),
    Fault("methods-allowed", _M405,
          "Answers unsupported methods on the subject resources with 200/204 instead of 405."),
    Fault("405-no-allow", _M405,
          "Answers unsupported methods on the subject resources with 405 but no Allow header (RFC 9110 15.5.6)."),
    Fault("deregister-ignores-valid-certs", ("SOL023:5.6.3.4.3.5:conflict",),
          "Deregisters a subject that still has valid certificates (204 instead of 409)."),
    Fault("deregister-keeps-resource", ("SOL023:5.6.3.4.3.5:no-content", "CMF.Certm.Del.003"),
          "Answers 204 to DELETE but keeps the Individual Subject resource."),
    Fault("skip-deregister-delegate-check", ("IFA033:11.2.1:deregister-delegate",),
          "Lets a VNFM that is not the delegate deregister another VNFM's subject."),
    Fault("skip-delegate-check", ("IFA026:C.2.2.2.6:delegate", "Cmf.CertLcm.003"),
          "Issues a certificate for a VNFCI to a VNFM that is not its registered delegate."),
    Fault("accept-bad-pop", ("IFA026:C.2.2.2.6:csr-validation",
                             # the CA then refuses the CSR and the consumer gets systemUnavail, not badPOP:
                             "RFC9810:5.2.3:badPOP"),
          "Does not verify the CSR's self-signature (proof of possession)."),
    Fault("skip-csr-subject-check", ("IFA026:C.2.2.2.6:csr-validation", "IFA033:11.2.1:csr-registered"),
          "Does not compare the CSR's subject and subjectAltName with the registered certificateData."),
    Fault("csr-san-superset", ("IFA026:C.2.2.2.6:csr-validation", "IFA033:11.2.1:csr-registered"),
          "Accepts a CSR whose subjectAltNames include the registered ones plus others (a subset test, not "
          "equality)."),
    Fault("csr-ignores-subject-dn", ("IFA026:C.2.2.2.6:csr-validation", "IFA033:11.2.1:csr-registered"),
          "Compares only the CSR's subjectAltNames with the registration: a CSR with another subject DN is issued."),
    Fault("wrong-public-key", ("CMF.Certm.Del.002", "Cmf.CertLcm.006", "IFA026:C.2.2.2.6:ca-issues",
                               "RFC9810:5.2.3:grantedWithMods"),
          "Forwards a CSR for a CMF-generated key instead of the consumer's CSR."),
    Fault("wrong-subject", ("CMF.Certm.Del.002", "RFC9810:5.2.3:grantedWithMods"),
          "Adds an unregistered subjectAltName (cmf-added.invalid) to the CSR forwarded to the CA."),
    Fault("cmf-signs-itself", ("Cmf.CertLcm.004", "Cmf.CertLcm.006", "IFA026:C.2.2.2.6:ca-issues",
                               # its own (non-CA) certificate heads the chain it delivers:
                               "IFA033:11.2.3.3:certificate-chain", "CMF.Certm.Del.002", "Cmf.CertLcm.007",
                               # and its bare certificates miss the C.6 profile the CA applies (its validity too):
                               "IFA026:C.6:key-usage", "IFA026:C.6:extended-key-usage", "IFA026:C.6:validity",
                               "IFA026:C.6:authority-key-identifier", "IFA026:C.6:crl-distribution-point",
                               "IFA026:C.6:authority-info-access"),
          "Signs certificates with the CMF's own key instead of forwarding the CSR to a CA."),
    Fault("wrong-ca-selection", ("Cmf.CertLcm.004",),
          "Sends VNF OAM CSRs to the VNFCI issuing CA."),
    Fault("no-chain", ("IFA033:11.2.3.3:certificate-chain", "CMF.Certm.Del.002", "Cmf.CertLcm.007"),
          "Never returns the certificate chain, even when certChainRequest is true."),
    Fault("chain-always", ("IFA033:11.2.3.3:certificate-chain",),
          "Returns the certificate chain although certChainRequest is false (PICS claims it does not)."),
    Fault("failinfo-on-accept", ("SOL023:5.5.3.2:failinfo",),
          "Sets failInfo (badRequest) in accepted CertResponses."),
    Fault("bad-response-protection", ("SOL023:5.5.2.2:protection",),
          "Signs CMP responses with a key that does not belong to the certificate in extraCerts."),
    Fault("unprotected-responses", ("SOL023:5.5.2.2:protection",),
          "Sends CMP responses without protection."),
    Fault("pvno-3", ("SOL023:5.5.2.3:pvno",), "Sets pvno 3 (cmp2021) in every CMP response."),
    Fault("new-transaction-id", ("SOL023:5.5.2.3:transaction-id",),
          "Answers with a fresh transactionID instead of the request's."),
    Fault("no-nonce-echo", ("SOL023:5.5.2.3:recip-nonce",),
          "Puts a random value, not the request's senderNonce, in recipNonce."),
    Fault("stale-sender-nonce", ("SOL023:5.5.2.3:sender-nonce",),
          "Uses the same senderNonce in every CMP response."),
    Fault("generic-failinfo", ("RFC9810:5.2.3:badPOP", "RFC9810:5.2.3:notAuthorized",
                                "RFC9810:5.2.3:badMessageCheck", "RFC9483:3.1:pvno", "RFC9483:3.1:messageTime",
                                "RFC9810:5.2.3:badDataFormat", "RFC9810:5.2.3:badSenderNonce",
                                "RFC9810:5.2.3:badAlg"),
          "Every CMP rejection carries failInfo badRequest, whatever the reason."),
    Fault("malformed-500", ("RFC9483:3.5:malformed", "RFC9810:5.2.3:badDataFormat"),
          "Answers bytes that are not a PKIMessage (also a PKIMessage cut short) with HTTP 500."),
    Fault("unsupported-body-pkiconf", ("RFC9483:3.6.4:unsupported-body",),
          "Answers body types it does not support on pkcs10 (e.g. ir) with pkiConf."),
    Fault("certconf-error", ("RFC9483:4.1.1:certconf",), "Answers every certConf with an error message."),
    Fault("implicit-confirm-always", ("RFC9483:4.1.1:implicit-confirm",),
          "Grants implicitConfirm also when the request did not ask for it."),
    Fault("csr-200", ("SOL023:5.3.3:csr-response",),
          "Answers an immediately issued certificate with HTTP 200 instead of 201 Created."),
    Fault("waiting-200", ("SOL023:5.3.3:waiting",),
          "Answers a deferred issuance ('waiting') with HTTP 200 instead of 202 Accepted."),
    Fault("poll-202", ("SOL023:5.3.6:poll-response",),
          "Answers pollReq with HTTP 202 instead of 200 OK."),
    Fault("poll-forgets-request", ("CMF.Certm.Del.005", "CMF.Certm.Del.002"),
          "Loses a deferred request after the first pollRep: the next pollReq gets an error (badRequest)."),
    Fault("revoke-201", ("SOL023:5.3.4:revoked",),
          "Answers a revocation request with HTTP 201 instead of 200 OK."),
    Fault("revoke-no-effect", ("CMF.Certm.Del.006", "SOL023:5.6.3.4.3.5:no-content", "CMF.Certm.Del.003"),
          "Answers rr with an accepted rp but never revokes the certificate."),
    Fault("skip-revoke-delegate-check", ("IFA033:11.2.1:revoke-delegate",),
          "Revokes a certificate on request of a VNFM that is not the VNFCI's delegate."),
    # RFC 9483 / RFC 9810 request rules (scenario RFC9483-3.1[request-rules])
    Fault("accept-any-pvno", ("RFC9483:3.1:pvno",), "Accepts requests with any pvno (e.g. 1) instead of "
          "answering unsupportedVersion."),
    Fault("skip-sender-check", ("RFC9483:3.1:sender",),
          "Accepts signature-protected requests whose sender is not the protection certificate's subject."),
    Fault("skip-senderkid-check", ("RFC9483:3.1:senderKID",),
          "Accepts signature-protected requests whose senderKID is wrong or missing."),
    Fault("accept-first-recipnonce", ("RFC9483:3.1:recipNonce",),
          "Accepts a p10cr or rr (the first message of a transaction) that carries a recipNonce."),
    Fault("messagetime-wrong-failinfo", ("RFC9483:3.1:messageTime",),
          "Refuses a messageTime outside its tolerance with failInfo badRequest instead of badTime."),
    Fault("certconf-content-unchecked", ("RFC9483:4.1.1:certconf-content",),
          "Confirms any certConf of the transaction: two CertStatus, an unknown certReqId, failInfo with "
          "status accepted, or a certHash made with another algorithm all get pkiConf."),
    # header rules on refusals (issue 14: header and protection rules on every response, errors included)
    Fault("certconf-error-unechoed", ("SOL023:5.5.2.3:recip-nonce", "SOL023:5.5.2.3:transaction-id"),
          "Answers a certConf it refuses with an error message under a fresh transactionID and without recipNonce, "
          "as if the certConf could not be read (every other answer is correct)."),
    Fault("csr-error-unprotected", ("SOL023:5.5.2.2:protection",),
          "Refuses a p10cr whose CSR it cannot use (badAlg, badDataFormat) with an unprotected error message "
          "(every other answer is protected)."),
    # failInfo choices (scenario RFC9483-3.6.4[failinfo-choices]), certReqId, protection certificate, CSR content
    Fault("failinfo-badrequest-everywhere", ("RFC9810:5.2.3:badDataFormat", "RFC9810:5.2.3:badSenderNonce"),
          "Answers badRequest where badDataFormat (an undecodable message or CSR key) or badSenderNonce (a missing, "
          "short or replayed senderNonce) fit."),
    Fault("failinfo-baddataformat-for-alg", ("RFC9810:5.2.3:badAlg",),
          "Answers badDataFormat where badAlg fits: a CSR whose key or signature algorithm it does not support."),
    Fault("cert-req-id-rfc9483", ("SOL023:5.5.3.2:cert-req-id",),
          "Sets certReqId -1 (RFC 9483 4.1.4) in the cp answering a p10cr, although its PICS claims SOL023's 0 "
          "(pics.p10cr_cert_req_id = \"sol023\"); it confirms certConf for -1 accordingly."),
    Fault("pics-claims-rfc9483-cert-req-id", ("RFC9483:4.1.4:cert-req-id",),
          "The reference's own PICS statement (its profile.toml) claims pics.p10cr_cert_req_id = \"rfc9483\" "
          "while it sends SOL023's certReqId 0 (embedded runs only: the harness writes that profile)."),
    Fault("protection-cert-no-digitalsignature", ("RFC9483:3.3:protection-cert",),
          "Signs its CMP responses with a second identity of its own (reference/cmf-cmp-nods.crt, same subject "
          "and issuer) whose keyUsage lacks digitalSignature."),
    Fault("protection-cert-expired", ("RFC9483:3.3:protection-cert", "SOL023:5.5.2.2:protection"),
          "Signs its CMP responses with a third identity of its own (reference/cmf-cmp-expired.crt, same subject, "
          "issuer and extensions) that expired yesterday."),
    Fault("drop-csr-san", ("CMF.Certm.Del.002", "RFC9810:5.2.3:grantedWithMods"),
          "Asks CA-1 for a certificate without the CSR's subjectAltName (an empty CA-1 subjectAltName list) and "
          "answers \"accepted\"."),
    # the validity of its certificate profiles (found by mutation testing, docs/mutation-triage.md)
    Fault("ordinary-cert-short-lived", ("IFA026:C.6:validity",),
          "Asks CA-1 for the short-lived test validity ([short_lived] seconds) for every certificate, not only for "
          "subjectAltNames under the short-lived domain: ordinary certificates expire within seconds."),
    Fault("short-lived-profile-ignored", ("IFA026:C.6:validity",),
          "Never asks CA-1 for the short-lived test validity: certificates for subjectAltNames under the "
          "short-lived domain get the ordinary validity (validity_days).", only="SOL023-7.3.2[expiry]"),
    Fault("ca-pool-closed-after-idle", ("CMF.Certm.Del.002",),
          "Keeps its CA-1 client pooled after closing it for idleness, so the first CSR after CA-1 was idle "
          "(and every later one) is answered with HTTP 500.", only="C.2.2.2[VNFCI]"),
)

# Per topic: the Certificate Notification interface, ACME and direct mode. The faults of the harness's own
# actors (the CA-1 certificate profile, the installation simulators) are in simulators/faults.py.
# The CMF's own faults are proven over the Certificate Management scenarios; their knock-on effects on the
# notification and installation scenarios (which consume its certificates) are not part of the declared lists.
FAULTS: tuple[Fault, ...] = (scoped(_CORE, CORE_SCENARIOS) + faults_notify.FAULTS + faults_acme.FAULTS
                             + faults_direct.FAULTS + faults_attestation.FAULTS + faults_oauth.FAULTS)

BY_NAME: dict[str, Fault] = {f.name: f for f in FAULTS}


if len(BY_NAME) != len(FAULTS):
    raise ValueError("duplicate fault names")


def validate(names: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    unknown = sorted(set(names) - BY_NAME.keys())
    if unknown:
        raise ValueError(f"unknown fault(s): {', '.join(unknown)}; see `nfvct faults`")
    return frozenset(names)
