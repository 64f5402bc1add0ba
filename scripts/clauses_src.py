"""Source of harness/data/clauses.json: the clause-keyed 'shall' statements the checks verify.

Each text is an exact quote from the named document (whitespace-normalised); the catalogue
test proves every quote is in the spec. Run: python scripts/clauses_src.py > harness/data/clauses.json
"""
import json
import pathlib
import runpy

M405 = 'When this method is requested on this resource, the CMF shall return a "405 Method Not Allowed" response as defined in clause 6.4 of ETSI GS NFV-SOL 013 [4].'
M405_VNFM = 'When this method is requested on this resource, the VNFM shall return a "405 Method Not Allowed" response as defined in clause 6.4 of ETSI GS NFV-SOL 013 [4].'

S = [
    # id, document, clause, applies_to, text
    ("SOL023:5.6.2:version", "SOL023", "5.6.2", "CMF",
     'For the Certificate Management interface version as specified in the present document, the MAJOR version field shall be 1, the MINOR version field shall be 0 and the PATCH version field shall be 0'),
    ("SOL023:5.6.3.3.3.1:created", "SOL023", "5.6.3.3.3.1", "CMF",
     'Shall be returned when a new "Individual Subject instance" resource and the associated Subject instance identifier has been created successfully. The response body shall contain a representation of the created Subject instance, as defined in clause 5.6.4.2.2. The HTTP response shall include a "Location" HTTP header that contains the resource URI of the created Subject instance.'),
    ("SOL023:5.6.3.3.3.1:conflict", "SOL023", "5.6.3.3.3.1", "CMF",
     'Shall be returned upon the following error: The operation cannot be executed currently, due to a conflict with the state of the resource. The response body shall contain a ProblemDetails structure, in which the "detail" attribute shall convey more information about the error.'),
    ("SOL023:5.6.3.3.3.2:ok", "SOL023", "5.6.3.3.3.2", "CMF",
     'Shall be returned when information about zero or more subject instances has been queried successfully. The response body shall contain in an array the representations of zero or more subject instances, as defined in clause 5.6.4.2.2.'),
    ("SOL023:5.6.3.3.3.2:filter", "SOL023", "5.6.3.3.3.2", "CMF",
     'The CMF shall support receiving this parameter as part of the URI query string. The VNFM may supply this parameter. All attribute names that appear in the SubjectInstance and in data types referenced from it shall be supported by the CMF in the filter expression.'),
    ("SOL023:5.6.3.3.3.2:exclude-default", "SOL023", "5.6.3.3.3.2", "CMF",
     'The following attributes shall be excluded from the SubjectInstance structure in the response body if this parameter is provided, or none of the parameters "all_fields", "fields", "exclude_fields", "exclude_default" are provided: subjectId.'),
    ("SOL023:5.6.3.3.3.2:all-fields", "SOL023", "5.6.3.3.3.2", "CMF",
     'Include all complex attributes in the response. See clause 5.3 of ETSI GS NFV-SOL 013 [4] for details. The CMF shall support this parameter.'),
    ("SOL023:5.6.3.3.3.2:bad-filter", "SOL023", "5.6.3.3.3.2", "CMF",
     'Shall be returned upon the following error: Invalid attribute-based filtering expression.'),
    ("SOL023:5.6.3.3.3.2:bad-selector", "SOL023", "5.6.3.3.3.2", "CMF",
     'Shall be returned upon the following error: Invalid attribute selector.'),
    ("SOL023:5.6.3.3.3.3:put-405", "SOL023", "5.6.3.3.3.3", "CMF", M405),
    ("SOL023:5.6.3.3.3.4:patch-405", "SOL023", "5.6.3.3.3.4", "CMF", M405),
    ("SOL023:5.6.3.3.3.5:delete-405", "SOL023", "5.6.3.3.3.5", "CMF", M405),
    ("SOL023:5.6.3.4.3.1:post-405", "SOL023", "5.6.3.4.3.1", "CMF", M405),
    ("SOL023:5.6.3.4.3.2:ok", "SOL023", "5.6.3.4.3.2", "CMF",
     'Shall be returned when information about an individual Subject instance has been read successfully. The response body shall contain a representation of the Subject instance, as defined in clause 5.6.4.2.2.'),
    # The spec text says "VNFM" here (an editorial slip for CMF); quoted as written.
    ("SOL023:5.6.3.4.3.3:put-405", "SOL023", "5.6.3.4.3.3", "CMF", M405_VNFM),
    ("SOL023:5.6.3.4.3.4:patch-405", "SOL023", "5.6.3.4.3.4", "CMF", M405),
    ("SOL023:5.6.3.4.3.5:no-content", "SOL023", "5.6.3.4.3.5", "CMF",
     'As the result of successfully executing this method, the "Individual Subject instance" resource shall not exist any longer.'),
    ("SOL023:5.6.3.4.3.5:conflict", "SOL023", "5.6.3.4.3.5", "CMF",
     'Shall be returned upon the following error: The operation cannot be executed currently, due to a conflict with the state of the resource. Typically, this is due to the fact that not all certificates under the "Individual Subject instance" are either expired or have been revoked.'),
    ("SOL023:5.3.3:csr-response", "SOL023", "5.3.3", "CMF",
     'If the certificate is available, the CMF returns a 201 Created response containing CertRepMessage and certificate.'),
    ("SOL023:5.3.3:waiting", "SOL023", "5.3.3", "CMF",
     'If the operation to issue is pending that certificate is ready, the CMF returns a "202 Accepted" response containing the message content a data structure of type "CertRepMessage" with "waiting" status.'),
    ("SOL023:5.3.4:revoked", "SOL023", "5.3.4", "CMF",
     'The CMF returns a "200 OK" response containing the message content a data structure of type "RevReqContent".'),
    ("SOL023:5.3.6:poll-response", "SOL023", "5.3.6", "CMF",
     'The CMF returns a "200 OK" response to the VNFM containing the message content a data structures of type "PollRepContent".'),
    ("SOL023:5.5.3.2:failinfo", "SOL023", "5.5.3.2", "CMF",
     'Will be absent when "status" is "accepted" or "grantedWithMods".'),
    ("SOL023:5.5.2.2:protection", "SOL023", "5.5.2.2", "CMF",
     'Data type of PKIProtection. If used, contains bits that protect the PKI message.'),
    ("SOL023:5.5.2.3:pvno", "SOL023", "5.5.2.3", "CMF", 'Protocol Version Number. Fixed value "2" shall be set.'),
    ("SOL023:5.5.2.3:transaction-id", "SOL023", "5.5.2.3", "CMF", 'Identifies the transaction.'),
    ("SOL023:5.5.2.3:sender-nonce", "SOL023", "5.5.2.3", "CMF", 'Cryptographically secure and fresh 128 random bits.'),
    ("SOL023:5.5.2.3:recip-nonce", "SOL023", "5.5.2.3", "CMF",
     'The value of the senderNonce of the previous message in the same transaction.'),
    ("IFA033:11.2.1:csr-registered", "IFA033", "11.2.1", "CMF",
     'The producer validates the request by checking if the requested entity subject for the certificate has been correctly registered by Register operation.'),
    ("IFA033:11.2.1:deregister-delegate", "IFA033", "11.2.1", "CMF",
     '"Deregister" is the process for the producer to de-register the VNFCI(s) from VNFCI and VNF OAM certificate management, and to de-register the consumer\'s role as the VNFCI\'s delegate for certificate management. The producer validates the request by checking if the consumer is registered as the VNFCI\'s delegate for certificate management.'),
    ("IFA033:11.2.1:revoke-delegate", "IFA033", "11.2.1", "CMF",
     'For the case of VNFCI and/or VNF OAM certificate, the producer validates the request by checking if the consumer is registered as the VNFCI\'s delegate for certificate management.'),
    ("IFA033:11.2.3.3:certificate-chain", "IFA033", "11.2.3.3", "CMF",
     'If certificate chain is requested by the consumer, this parameter shall be present.'),
    ("IFA026:C.2.2.1.4:mtls", "IFA026", "C.2.2.1.4", "CMF",
     'The mTLS connection between CMF and VNFM has been configured.'),
    ("IFA026:C.2.2.1.6:invalid-registration", "IFA026", "C.2.2.1.6", "CMF",
     'If the registration request is invalid, a rejection message is returned to the consumer.'),
    ("IFA026:C.2.2.2.6:delegate", "IFA026", "C.2.2.2.6", "CMF",
     'The CMF verifies whether the consumer is registered as delegate for the VNFCI certificate management; i.e. the entity in charge of the requested VNFCI certificate management. If the verification fails, the CMF returns an error response to the consumer.'),
    ("IFA026:C.2.2.2.6:csr-validation", "IFA026", "C.2.2.2.6", "CMF",
     'The CMF validates the information in the CSR. If the validation fails, the CMF returns an error response to the consumer.'),
    ("IFA026:C.2.2.2.6:ca-issues", "IFA026", "C.2.2.2.6", "CA",
     'The CA issues the VNFCI certificate (including VNFCI public key) and signs it with the private key of the CA and binds the certificate to the VNFCI ID.'),
]

# Per-topic lists live beside this file (scripts/clauses_<topic>.py, each defining S in the same form).
for _topic in sorted(pathlib.Path(__file__).parent.glob("clauses_*.py")):
    if _topic.name != "clauses_src.py":
        S += runpy.run_path(str(_topic))["S"]

print(json.dumps({"schema": "nfvct-clauses/1", "requirements": [
    {"id": i, "document": d, "clause": c, "table": "", "text": t, "applies_to": a,
     "mode": "", "psf": "", "reference": "", "kind": "clause"} for i, d, c, a, t in S]}, indent=1))
