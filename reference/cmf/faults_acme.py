"""Faults of the reference CMF's ACME server (NFV-MANO certificates, IFA026 C.4, SOL023 5.2.1a-5.8)."""

from __future__ import annotations

from dataclasses import replace

from wire.faults import Fault

ACME_SCENARIOS = "C.4.|SOL023-5.5.2a"
# narrower scopes keep the suite fast: each fault runs over the scenarios holding the checks it breaks
_REGISTRATION = ("acme-register-untrusted", "acme-register-bad-fqdn", "acme-account-no-orders",
                 "acme-registration-no-location")
_JWS = ("acme-no-replay-nonce", "acme-accept-mac-alg", "acme-nonce-encoding-badnonce", "acme-accept-replayed-nonce",
        "acme-ignore-url", "acme-accept-jwk-and-kid", "acme-no-problem-json", "acme-account-by-jwk",
        "acme-non-json-500")
_SCOPE = {**{n: "SOL023-5.5.2a" for n in _JWS}, **{n: "(ACME newAccount" for n in _REGISTRATION},
          "acme-skip-attestation": "/HSM"}
_CSR_SCENARIOS = "(ACME, "  # the three C.4.x.2 CSR scenarios (their titles)
_E = ("C.4.1", "C.4.2", "C.4.3")


def _each(suffix: str) -> tuple[str, ...]:
    return tuple(f"IFA026:{uc}{suffix}" for uc in _E)


_ALL: tuple[Fault, ...] = (
    Fault("acme-no-replay-nonce", ("RFC8555:6.5:replay-nonce",),
          "Omits the Replay-Nonce header from successful responses to POST requests."),
    Fault("acme-accept-mac-alg", ("SOL023:5.5.2a.3:alg",),
          "Accepts a JWS whose alg is a MAC (HS256) and does not verify it."),
    Fault("acme-nonce-encoding-badnonce", ("SOL023:5.5.2a.3:nonce",),
          "Rejects a nonce that is not base64url with badNonce instead of as malformed."),
    Fault("acme-accept-replayed-nonce", ("RFC8555:6.5:replay",),
          "Accepts a nonce that was already used."),
    Fault("acme-ignore-url", ("RFC8555:6.4:url",),
          "Does not compare the JWS url header with the request URL."),
    Fault("acme-accept-jwk-and-kid", ("SOL023:5.5.2a.3:jwk-kid",),
          "Accepts a protected header carrying both jwk and kid."),
    Fault("acme-order-stays-pending", ("RFC8737:3:tls-alpn-01", "RFC9447:3:tkauth-01"),
          "After a failed challenge the challenge and authorization are invalid but the order stays pending."),
    Fault("acme-account-by-jwk", ("SOL023:5.5.2a.3:jwk-kid",),
          "Accepts requests after newAccount that carry the account key as jwk instead of the account URL as kid."),
    Fault("acme-no-problem-json", ("RFC8555:6.7:problem",),
          "Sends its ACME errors as application/json instead of application/problem+json."),
    Fault("acme-non-json-500", ("RFC8555:6.7:problem",),
          "Answers a request body that is not JSON (not a JWS at all) with HTTP 500 text/plain, not a problem "
          "document (found by mutation testing, docs/mutation-triage.md)."),
    Fault("acme-refuse-initial-credential", ("CMF.Certm.Mano.002", "Cm-Mano.001", "Cmf.CertLcm.005"),
          "Refuses the entity's newAccount with its genuine, unspent initial credential (as if deregistered), so "
          "nothing can be issued (found by mutation testing)."),
    Fault("acme-neworder-500", ("CMF.Certm.Mano.002", "Cm-Mano.001", "Cmf.CertLcm.005"),
          "Answers every newOrder with 500 serverInternal (found by mutation testing)."),
    Fault("acme-neworder-crash", ("CMF.Certm.Mano.002", "Cm-Mano.001", "Cmf.CertLcm.005"),
          "newOrder raises an unhandled error: HTTP 500 text/plain and the server closes the keep-alive connection, "
          "so the client's next request finds it closed (found by mutation testing: the harness's ACME client "
          "sends such an unanswered request once more)."),
    Fault("acme-finalize-not-ready-404", ("RFC8555:7.4:order-not-ready",),
          "Refuses finalize of an order that is not ready with orderNotReady but HTTP 404, not 403 (found by "
          "mutation testing)."),
    Fault("acme-revoke-other-account-402", ("RFC8555:7.6:revoke-authorization",),
          "Refuses revokeCert of another account's certificate with unauthorized but HTTP 402, not 403 (found by "
          "mutation testing)."),
    Fault("acme-registration-no-location", ("CMF.Certm.Mano.001", "Cm-Oss.001", "Cmf.CertLcm.002"),
          "Answers the OSS's registration (newAccount) 201 without the Location of the account."),
    Fault("acme-cert-download-broken", ("CMF.Certm.Mano.002", "Cm-Mano.001", "Cmf.CertLcm.005"),
          "The certificate URL of a valid order serves no certificate (a text instead of a PEM chain)."),
    Fault("acme-register-untrusted", _each(".1.6:invalid-registration"),
          "Registers an FQDN for any consumer, without the trusted OSS's external account binding."),
    Fault("acme-register-bad-fqdn", _each(".1.6:invalid-registration"),
          "Registers whatever the contact names, without validating the FQDN."),
    Fault("acme-skip-eab-check", _each(".2.6:unregistered"),
          "Creates an entity account without verifying the MAC of its initial credential (EAB)."),
    Fault("acme-order-any-fqdn", _each(".2.6:unregistered"),
          "Accepts orders for FQDNs that are not registered for the ordering account."),
    Fault("acme-skip-csr-check", _each(".2.6:csr-invalid"),
          "Finalizes with a CSR whose names differ from the order's identifiers."),
    Fault("acme-offer-alpn-only", ("SOL023:5.8.1:challenges",),
          "Offers only tls-alpn-01 (no tkauth-01) in authorizations."),
    Fault("acme-skip-validation", ("RFC8737:3:tls-alpn-01", "RFC9447:3:tkauth-01"),
          "Marks every challenge valid without validating it."),
    Fault("acme-authz-prevalid", ("RFC8737:3:tls-alpn-01", "RFC9447:3:tkauth-01"),
          "Creates every authorization valid (no challenge to answer), as if reused from an earlier order."),
    Fault("acme-alpn-ignore-digest", ("RFC8737:3:tls-alpn-01",),
          "tls-alpn-01: accepts any acmeIdentifier value (does not compare the key authorization digest)."),
    Fault("acme-tkauth-any-issuer", ("RFC9447:3:tkauth-01",),
          "tkauth-01: accepts authority tokens without verifying the token authority's signature."),
    Fault("acme-skip-attestation", ("Cmf.CertLcm.009", "Cmf.CertLcm.010", "Cmf.CertLcm.012"),
          "Issues certificates without validating the registered key attestation statement."),
    Fault("acme-no-chain", ("Cmf.CertLcm.007",),
          "The certificate download carries the leaf only, no intermediate CA certificate."),
    Fault("acme-cert-wrong-key", ("RFC8555:7.4:csr-key",),
          "Has the certificate issued for a key the CMF made up, not the CSR's."),
    Fault("acme-san-extra", ("Cmf.CertLcm.008", "RFC8555:7.4:identifiers"),
          "Adds a name that was not ordered to the certificate's subjectAltName."),
    Fault("acme-account-no-orders", ("CMF.Certm.Mano.004",),
          "Account objects lack the orders URL (RFC 8555 7.1.2)."),
    Fault("acme-order-no-certificate-url", ("CMF.Certm.Mano.005",),
          "POST-as-GET on a valid order omits the certificate URL."),
    Fault("acme-revoke-no-effect", ("CMF.Certm.Mano.006",),
          "Answers revokeCert with 200 but never revokes the certificate."),
    Fault("acme-deactivate-no-effect", ("CMF.Certm.Mano.003",),
          "Answers account deactivation with status deactivated but keeps the registration active."),
)
FAULTS: tuple[Fault, ...] = tuple(replace(f, only=_SCOPE.get(f.name, _CSR_SCENARIOS)) for f in _ALL)
