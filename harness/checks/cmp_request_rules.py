"""The RFC 9483 / RFC 9810 request rules the NFV profile inherits, judged on the SUT's answer to probes.

Every probe is a request that differs from a legitimate one in one field only; the scenario
(scenarios/cmp_rules.py) sends the legitimate one too, as the control: without an accepted
control a refusal proves nothing and the verdict is INCONCLUSIVE, never PASS.

The RFC texts are not shipped with the project (harness/data/ietf.json holds our summaries).
Wording in double quotes below is RFC text as found in a second source; wording marked
"(paraphrase, unverified)" has NOT yet been compared with the published RFC text and must be
before it is relied on. Where the RFC says SHOULD or leaves the choice to local policy, the
check does not FAIL the SUT for the choice (see each check's scope).
"""

from __future__ import annotations

from harness.checks.cmp_checks import _no_answer, _refused, describe_cmp
from harness.checks.registry import Observation, Result, check, failed, inconclusive, passed
from harness.model import Verdict
from wire.cmp.status import first_status


def _rejected(obs: Observation, what: str, bit: str, *, require_bit: bool) -> Result:
    """Refused (with the control accepted); with ``require_bit`` the refusal names failInfo ``bit``."""
    if (silent := _no_answer(obs, f"{what} refused")) is not None:
        return silent
    if "control" not in obs.facts:
        return inconclusive("no legitimate request of the same kind was sent (no control)", f"{what} refused")
    result = _refused(obs, what, bit)
    if result.verdict is not Verdict.PASS or not require_bit:
        return result
    status = first_status(obs.message) if obs.message is not None else None
    bits = status[1] if status else frozenset()
    if bit in bits:
        return result
    return failed(f"{what} refused with failInfo {bit}", describe_cmp(obs.message, obs.response))


@check("pvno-unsupported-rejected", "RFC9483:3.1:pvno",
       scope="Probe: a p10cr with pvno 1 (cmp1999), otherwise identical to the accepted control.")
def pvno_unsupported_rejected(obs: Observation) -> Result:
    """A request with an unsupported pvno (1) is refused with failInfo unsupportedVersion.

    RFC 9483 3.1, pvno (paraphrase, unverified): 3 where EnvelopedData or hashAlg need it,
    otherwise 2. RFC 9810 clause 7 (paraphrase of the RFC 4210 clause-7 text it carries over,
    unverified): a server that gets a version higher or lower than it supports MUST answer with
    an ErrorMsg whose failInfo has the unsupportedVersion bit set.
    """
    return _rejected(obs, "p10cr with pvno 1", "unsupportedVersion", require_bit=True)


@check("sender-protection-cert", "RFC9483:3.1:sender",
       scope="Probe: a p10cr signed with the VNFM's NFV-MANO key and certificate whose sender names another "
             "DN. failInfo badMessageCheck is expected (RFC 9483 3.5) but not required.")
def sender_protection_cert(obs: Observation) -> Result:
    """A signature-protected request whose sender is not the protection certificate's subject is refused.

    RFC 9483 3.1, sender (paraphrase, unverified): names the originator; with signature-based
    protection it is the subject of the CMP protection certificate. RFC 9483 3.5 (paraphrase,
    unverified): the recipient validates the protection and the sender's binding to it, failInfo
    badMessageCheck. Still to confirm: whether 3.1 says MUST or SHOULD here; if SHOULD, an
    accepting SUT must not FAIL.
    """
    return _rejected(obs, "p10cr whose sender is not the protection certificate's subject", "badMessageCheck",
                     require_bit=False)


@check("senderkid-protection-cert", "RFC9483:3.1:senderKID",
       scope="Probe: a p10cr whose senderKID is not the SubjectKeyIdentifier of the protection certificate. "
             "A p10cr without senderKID is probed too but not judged: RFC 9483 3.1 marks the field "
             "RECOMMENDED (a MUST for the sender under signature-based protection) and names no "
             "reaction of the recipient to its absence.")
def senderkid_protection_cert(obs: Observation) -> Result:
    """A signature-protected request whose senderKID is not the protection certificate's SKI is refused.

    RFC 9483 3.1, senderKID (RECOMMENDED): "For signature-based protection, MUST be used and
    contain the value of the SubjectKeyIdentifier if present in the CMP protection certificate".
    RFC 9810 5.1.1 (paraphrase, unverified): senderKID and recipKID are usable to indicate which
    keys protected the message. failInfo badMessageCheck expected, not required.
    """
    result = _rejected(obs, "p10cr with a wrong senderKID", "badMessageCheck", require_bit=False)
    missing = obs.facts.get("missing")
    if missing:
        return Result(result.verdict, result.expected, f"{result.observed}; without senderKID (not judged): "
                                                         f"{missing}", result.reason)
    return result


@check("recipnonce-first-rejected", "RFC9483:3.1:recipNonce",
       scope="Probe: a p10cr (the first message of a transaction) carrying a recipNonce. failInfo "
             "badRecipientNonce is expected but not required.")
def recipnonce_first_rejected(obs: Observation) -> Result:
    """A first message of a transaction that carries a recipNonce is refused.

    RFC 9483 3.1, recipNonce (paraphrase, unverified): absent in the first message of a PKI
    management operation, the peer's last senderNonce in later ones. RFC 9483 3.5 (paraphrase,
    unverified): the recipient checks the nonces; a bad recipNonce is reported as badRecipientNonce.
    """
    return _rejected(obs, "p10cr with a recipNonce in the first message", "badRecipientNonce", require_bit=False)


@check("messagetime-badtime", "RFC9483:3.1:messageTime",
       scope="Probes: a p10cr with a messageTime five years in the past, and one without messageTime. "
             "Accepting either is the SUT's local policy and PASSes (RFC 9483 3.1: messageTime is "
             "RECOMMENDED; RFC 9810 5.2.3: badTime is judged \"as defined by local policy\"); what FAILs is a "
             "refusal of the time that does not say so with failInfo badTime.")
def messagetime_badtime(obs: Observation) -> Result:
    """A request refused for its messageTime says so with failInfo badTime; accepting it is local policy.

    RFC 9483 3.1, messageTime (RECOMMENDED): "MUST be the time at which the message was produced,
    if present". RFC 9810 5.2.3 PKIFailureInfo (RFC 4210 wording, unverified in RFC 9810): "badTime
    -- messageTime was not sufficiently close to the system time, as defined by local policy".
    """
    expected = "accepted (local policy), or refused with failInfo badTime"
    if (silent := _no_answer(obs, expected)) is not None:
        return silent
    message, response = obs.message, obs.response
    observed = "five years off: " + describe_cmp(message, response)
    missing = obs.facts.get("missing")
    if missing:
        observed += f"; without messageTime (not judged): {missing}"
    status = first_status(message) if message is not None else None
    if message is None or status is None:
        return inconclusive("no decodable CMP answer", expected, observed)
    accepted = status[0] in (0, 1) and any(r.certificate is not None for r in message.responses)
    if accepted:
        return passed(expected, observed + " (accepted: the SUT's local policy)")
    control = obs.facts.get("control")
    if control is None or not control[0]:
        return inconclusive(f"no accepted legitimate request ({control[1] if control else 'no control'})",
                            expected, observed)
    if "badTime" in status[1]:
        return passed(expected, observed)
    if {"systemFailure", "systemUnavail"} & set(status[1]):
        return inconclusive("the SUT failed rather than refused", expected, observed)
    return failed(expected, observed)


_CERTCONF_SCOPE = ("Probe: after an accepted p10cr without implicit confirmation, a certConf with correct header "
                   "(transactionID, recipNonce) whose content violates RFC 9483 4.1.1; control: a correct "
                   "certConf in another transaction answered with pkiConf. Any refusal (error message) PASSes: "
                   "the RFC names no failInfo for it.")


def _certconf_refused(obs: Observation, what: str) -> Result:
    if (silent := _no_answer(obs, f"{what} refused")) is not None:
        return silent
    message = obs.message
    if message is not None and message.body_type == "pkiconf":
        return failed(f"{what} refused with an error message, not confirmed", describe_cmp(message, obs.response))
    return _rejected(obs, what, "badRequest", require_bit=False)


@check("certconf-one-status", "RFC9483:4.1.1:certconf-content", scope=_CERTCONF_SCOPE)
def certconf_one_status(obs: Observation) -> Result:
    """A certConf with two CertStatus entries (one certificate was delivered) is refused.

    RFC 9483 4.1.1, certConf (paraphrase, unverified): the content holds exactly one CertStatus.
    """
    return _certconf_refused(obs, "certConf with two CertStatus entries")


@check("certconf-known-req-id", "RFC9483:4.1.1:certconf-content", scope=_CERTCONF_SCOPE)
def certconf_known_req_id(obs: Observation) -> Result:
    """A certConf whose certReqId matches no CertResponse of the transaction is refused.

    RFC 9483 4.1.1, CertStatus certReqId (paraphrase, unverified): the certReqId of the
    CertResponse being confirmed. RFC 9810 5.3.18 (paraphrase, unverified): certConf confirms the
    certificates of this transaction.
    """
    return _certconf_refused(obs, "certConf with an unknown certReqId")


@check("certconf-no-failinfo-accepted", "RFC9483:4.1.1:certconf-content", scope=_CERTCONF_SCOPE)
def certconf_no_failinfo_accepted(obs: Observation) -> Result:
    """A certConf whose statusInfo says "accepted" but carries failInfo is refused.

    RFC 9483 4.1.1, CertStatus statusInfo (paraphrase, unverified): failInfo only with status
    rejection, absent with status accepted. Still to confirm the keyword: if the RFC does not make
    this a MUST, a CMF that confirms such a certConf must not FAIL.
    """
    return _certconf_refused(obs, "certConf with failInfo and status accepted")


@check("certconf-hash-alg", "RFC9483:4.1.1:certconf-content", scope=_CERTCONF_SCOPE)
def certconf_hash_alg(obs: Observation) -> Result:
    """A certConf whose certHash was made with another hash algorithm (and no hashAlg) is refused.

    RFC 9483 4.1.1, certHash (paraphrase, unverified): the hash of the certificate with the hash
    algorithm of the certificate signature, unless hashAlg (cmp2021) names another; RFC 9810
    5.3.18 (paraphrase, unverified) says the same of certHash and hashAlg.
    """
    return _certconf_refused(obs, "certConf with a certHash made with another algorithm")


REQUEST_RULE_CHECKS = ("pvno-unsupported-rejected", "sender-protection-cert", "senderkid-protection-cert",
                       "recipnonce-first-rejected", "messagetime-badtime")
CERTCONF_CHECKS = ("certconf-one-status", "certconf-known-req-id", "certconf-no-failinfo-accepted",
                   "certconf-hash-alg")
