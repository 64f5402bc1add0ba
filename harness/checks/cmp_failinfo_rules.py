"""PKIFailureInfo choices (RFC 9810 5.2.3, RFC 9483 3.6.4): where one failInfo bit fits the error, the CMF
names it. Judged on probes of scenario RFC9483-3.6.4[failinfo-choices] (scenarios/cmp_failinfo.py), each
against an accepted control, each invalid variant its own instance.

The RFC texts are not shipped (harness/data/ietf.json holds our summaries). The bit meanings below are
paraphrases of the PKIFailureInfo comments of RFC 4210 that RFC 9810 5.2.3 carries over (paraphrase,
unverified against the published RFC 9810 text).

Also here: the certReqId of the CertResponse answering a p10cr, where SOL023 and RFC 9483 disagree
(SOL023 table 5.5.3.2-1, v5.4.1 line 1183: 'Will be set "0".'; RFC 9483 4.1.4, paraphrase, unverified:
-1 for a p10cr). The PICS says which the SUT follows (pics.p10cr_cert_req_id); only that one is judged.
"""

from __future__ import annotations

from harness.checks.cmp_checks import describe_cmp
from harness.checks.cmp_request_rules import _rejected
from harness.checks.registry import Observation, Result, check, inconclusive, not_applicable, verdict_of

_SCOPE = ("Probe variants (instances), each otherwise identical to the accepted control p10cr; a refusal "
          "without this failInfo bit FAILs, a refusal in which the SUT failed (systemFailure, HTTP 5xx) is "
          "INCONCLUSIVE")


@check("failinfo-baddataformat", "RFC9810:5.2.3:badDataFormat", scope=_SCOPE)
def failinfo_baddataformat(obs: Observation) -> Result:
    """A request with a part that does not decode (a CSR public key that is no key, a PKIMessage cut short) is
    refused with failInfo badDataFormat.

    RFC 9810 5.2.3 (paraphrase, unverified): badDataFormat, the data submitted has the wrong format;
    badRequest is for a transaction that is not permitted or supported, which does not fit bytes that
    cannot be read.
    """
    return _rejected(obs, "request with an undecodable part", "badDataFormat", require_bit=True)


@check("failinfo-badsendernonce", "RFC9810:5.2.3:badSenderNonce",
       scope=_SCOPE + ". Variants: senderNonce absent, 64 bits instead of 128, the control's senderNonce replayed "
                      "in a new transaction")
def failinfo_badsendernonce(obs: Observation) -> Result:
    """A request whose senderNonce is missing, not 128 bits, or already used is refused with badSenderNonce.

    RFC 9483 3.1 (paraphrase, unverified): senderNonce is required in every message, a fresh 128-bit random
    number. RFC 9483 3.5 (paraphrase, unverified): the recipient checks the nonces. RFC 9810 5.2.3
    (paraphrase, unverified): badSenderNonce, the sender nonce is missing or not valid.
    """
    return _rejected(obs, "p10cr with a missing, short or replayed senderNonce", "badSenderNonce",
                     require_bit=True)


@check("failinfo-badalg", "RFC9810:5.2.3:badAlg",
       scope=_SCOPE + ". Variants: a CSR whose subjectPublicKeyInfo names an algorithm no implementation knows "
                      "(an OID under 2.25), a CSR with a known key whose signatureAlgorithm is such an OID")
def failinfo_badalg(obs: Observation) -> Result:
    """A CSR whose key or signature algorithm the CMF does not support is refused with failInfo badAlg.

    RFC 9810 5.2.3 (paraphrase, unverified): badAlg, an unrecognized or unsupported algorithm identifier.
    Neither badDataFormat (the CSR decodes) nor badPOP (the signature cannot even be checked) fits.
    """
    return _rejected(obs, "p10cr whose CSR uses an unsupported algorithm", "badAlg", require_bit=True)


CLAIMS = {"sol023": 0, "rfc9483": -1}
CERT_REQ_ID_CHECKS = ("cp-cert-req-id-sol023", "cp-cert-req-id-rfc9483")


def _cert_req_id(obs: Observation, claim: str) -> Result:
    claimed = obs.facts.get("claimed", "sol023")
    want = CLAIMS[claim]
    expected = f"certReqId {want} in the CertResponse answering a p10cr"
    if claimed != claim:
        return not_applicable(f"pics.p10cr_cert_req_id claims {claimed!r}, not {claim!r} (the specifications "
                              "conflict here; the report lists it)")
    message = obs.message
    if message is None or not message.responses:
        return inconclusive("no CertResponse to inspect", expected, describe_cmp(message, obs.response))
    ids = [r.cert_req_id for r in message.responses]
    return verdict_of(all(i == want for i in ids), expected,
                      f"certReqId {', '.join(map(str, ids))} in {message.body_type}")


@check("cp-cert-req-id-sol023", "SOL023:5.5.3.2:cert-req-id",
       scope="Judged only when pics.p10cr_cert_req_id = \"sol023\" (the default); SOL023 and RFC 9483 4.1.4 "
             "conflict on this value")
def cp_cert_req_id_sol023(obs: Observation) -> Result:
    """SOL023 table 5.5.3.2-1: the CertResponse's certReqId "Will be set "0"."."""
    return _cert_req_id(obs, "sol023")


@check("cp-cert-req-id-rfc9483", "RFC9483:4.1.4:cert-req-id",
       scope="Judged only when pics.p10cr_cert_req_id = \"rfc9483\"; SOL023 table 5.5.3.2-1 says 0")
def cp_cert_req_id_rfc9483(obs: Observation) -> Result:
    """RFC 9483 4.1.4 (paraphrase, unverified): the certReqId of the response to a p10cr is -1."""
    return _cert_req_id(obs, "rfc9483")


FAILINFO_CHECKS = ("failinfo-baddataformat", "failinfo-badsendernonce", "failinfo-badalg")
