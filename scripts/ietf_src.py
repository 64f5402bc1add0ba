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
]
print(json.dumps({"schema": "nfvct-ietf/1", "requirements": [
    {"id": i, "document": d, "clause": c, "table": "", "text": PREFIX + t, "applies_to": "CMF",
     "mode": "", "psf": "", "reference": "", "kind": "summary"} for i, d, c, t in S]}, indent=1))
