"""Clause-keyed statements of ACME for NFV-MANO certificates (IFA026 C.4 flows, SOL023 5.5.2a and 5.8.1): same
form as scripts/clauses_src.py's S. Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

_INVALID = "If the registration request is invalid, a rejection message is returned to the consumer."
_UNREGISTERED = "The CMF verifies whether the consumer is registered. If the verification fails, the CMF returns an error response to the consumer."
_CSR = "The CMF validates the information in the CSR and initial credential where used. If the validation fails, the CMF returns an error response to the consumer."

S = []
for _uc in ("C.4.1", "C.4.2", "C.4.3"):
    S += [
        (f"IFA026:{_uc}.1.6:invalid-registration", "IFA026", f"{_uc}.1.6", "CMF", _INVALID),
        (f"IFA026:{_uc}.2.6:unregistered", "IFA026", f"{_uc}.2.6", "CMF", _UNREGISTERED),
        (f"IFA026:{_uc}.2.6:csr-invalid", "IFA026", f"{_uc}.2.6", "CMF", _CSR),
    ]
S += [
    ("SOL023:5.5.2a.3:alg", "SOL023", "5.5.2a.3", "CMF",
     'This field shall not contain "none" or a Message Authentication Code (MAC) algorithm.'),
    ("SOL023:5.5.2a.3:nonce", "SOL023", "5.5.2a.3", "CMF",
     'If the value of a "nonce" header parameter is not valid according to this encoding, then the verifier shall reject the JWS as malformed.'),
    ("SOL023:5.5.2a.3:jwk-kid", "SOL023", "5.5.2a.3", "CMF",
     'Either "jwk" parameter or "kid" parameter shall be included.'),
    ("SOL023:5.8.1:challenges", "SOL023", "5.8.1", "CMF",
     'For "Identifier validation challenge", authentication method shall support both TLS Application-Layer Protocol Negotiation (ALPN) Challenge Extension specified in IETF RFC 8737 [16] and ACME Authority Token Challenge specified in IETF RFC 9447 [17], and the most appropriate method shall be selected based on the service provider\'s policies.'),
]
