"""Source of harness/data/ietf.json: the IETF clauses the CMP checks are keyed by.

The RFC texts are not shipped with the project, so these entries are our summaries, labelled
as such (kind "summary"), never quotes. Run: python scripts/ietf_src.py > harness/data/ietf.json
"""
import json

PREFIX = "Summary (the RFC text is not shipped): "
S = [
    ("RFC9810:5.2.3:badPOP", "RFC9810", "5.2.3",
     "PKIFailureInfo badPOP tells the requester that the proof-of-possession (here the PKCS#10 self-signature) failed."),
    ("RFC9810:5.2.3:badMessageCheck", "RFC9810", "5.2.3",
     "PKIFailureInfo badMessageCheck tells the requester that the integrity check of its message failed "
     "(e.g. the protection signature did not verify)."),
    ("RFC9810:5.2.3:notAuthorized", "RFC9810", "5.2.3",
     "PKIFailureInfo notAuthorized tells the requester that it is not authorized for the request."),
    ("RFC9810:5.2.3:grantedWithMods", "RFC9810", "5.2.3",
     "PKIStatus accepted means the requester got exactly what it asked for; when the certificate differs from "
     "the request, the status is grantedWithMods and the requester has to check the differences."),
    ("RFC9483:4.1.1:certconf", "RFC9483", "4.1.1",
     "Unless implicit confirmation was granted, the end entity confirms a received certificate with certConf and "
     "the PKI management entity answers with pkiConf."),
    ("RFC9483:4.1.1:implicit-confirm", "RFC9483", "4.1.1",
     "The PKI management entity may grant implicit confirmation (implicitConfirm in the response's generalInfo) "
     "only when the request asked for it."),
    ("RFC9483:3.5:malformed", "RFC9483", "3.5",
     "A PKI management entity validates each received PKIMessage; a message it cannot parse is answered with an "
     "error (failInfo badDataFormat or badRequest), never processed."),
    ("RFC9483:3.6.4:unsupported-body", "RFC9483", "3.6.4",
     "A request with a body type the PKI management entity does not support at this endpoint is answered with a "
     "CMP error message (failInfo badRequest), not processed."),
    ("RFC9483:3.1:pvno", "RFC9483", "3.1",
     "pvno is 2 (cmp2000), or 3 (cmp2021) only where hashAlg or EnvelopedData need it; a receiver answers a "
     "version it does not support with an error message carrying failInfo unsupportedVersion (RFC 9810 clause 7)."),
    ("RFC9483:3.1:sender", "RFC9483", "3.1",
     "With signature-based protection the sender field is the subject of the CMP protection certificate; a "
     "message whose sender differs is refused (RFC 9483 3.5, failInfo badMessageCheck)."),
    ("RFC9483:3.1:senderKID", "RFC9483", "3.1",
     "senderKID is recommended; with signature-based protection the sender uses it, carrying the "
     "SubjectKeyIdentifier of the CMP protection certificate where that has one; a message whose senderKID names "
     "another key is refused."),
    ("RFC9483:3.1:recipNonce", "RFC9483", "3.1",
     "recipNonce is absent in the first message of a PKI management operation and echoes the peer's last "
     "senderNonce in every later one; a first message carrying one is refused (failInfo badRecipientNonce)."),
    ("RFC9483:3.1:messageTime", "RFC9483", "3.1",
     "messageTime is recommended and, when present, is the time the message was produced; whether a request with "
     "a missing or distant messageTime is accepted is local policy, and a refusal for it carries failInfo badTime "
     "(RFC 9810 5.2.3)."),
    ("RFC9483:4.1.1:certconf-content", "RFC9483", "4.1.1",
     "certConf holds exactly one CertStatus whose certReqId is that of the CertResponse, whose certHash uses the "
     "certificate's signature hash (or hashAlg, cmp2021), and whose statusInfo has no failInfo when accepted; "
     "other content is refused, not confirmed."),
    ("RFC8555:6.4:url", "RFC8555", "6.4",
     "The JWS protected header carries a url equal to the URL the request was sent to; the server rejects a "
     "mismatch as unauthorized."),
    ("RFC8555:6.5:replay", "RFC8555", "6.5",
     "Each JWS carries a nonce the server issued and not yet used; a request with an unknown or already used "
     "nonce is rejected with badNonce."),
    ("RFC8555:6.5:replay-nonce", "RFC8555", "6.5",
     "The server includes a fresh Replay-Nonce header field in every successful response to a POST request."),
    ("RFC8555:6.7:problem", "RFC8555", "6.7",
     "Errors are reported as problem documents (application/problem+json) whose type is an "
     "urn:ietf:params:acme:error: URN."),
    ("RFC8555:7.4:csr-key", "RFC8555", "7.4",
     "On finalize, the server issues the certificate for the public key of the CSR the client submitted."),
    ("RFC8555:7.4:identifiers", "RFC8555", "7.4",
     "The certificate is issued for the identifiers of the order (validated by its authorizations) and no others."),
    ("RFC8737:3:tls-alpn-01", "RFC8737", "3",
     "tls-alpn-01: the server validates by connecting to the identifier with ALPN acme-tls/1 and SNI = the name; "
     "the self-signed certificate must name only the identifier and carry a critical acmeIdentifier extension with "
     "SHA-256 of the key authorization, else the challenge fails."),
    ("RFC9447:3:tkauth-01", "RFC9447", "3",
     "tkauth-01: the client answers with an Authority Token (a JWT) from a token authority the server trusts, "
     "whose atc claim names the identifier and binds the account key; a token the server cannot verify fails "
     "the challenge."),
]
print(json.dumps({"schema": "nfvct-ietf/1", "requirements": [
    {"id": i, "document": d, "clause": c, "table": "", "text": PREFIX + t, "applies_to": "CMF",
     "mode": "", "psf": "", "reference": "", "kind": "summary"} for i, d, c, t in S]}, indent=1))
