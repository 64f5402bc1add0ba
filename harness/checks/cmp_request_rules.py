"""The RFC 9483 / RFC 9810 request rules the NFV profile inherits, judged on the SUT's answer to probes.

Every probe is a request that differs from a legitimate one in one field only; the scenario
(scenarios/cmp_rules.py) sends the legitimate one too, as the control: without an accepted
control a refusal proves nothing and the verdict is INCONCLUSIVE, never PASS.

The RFC texts are not shipped with the project (harness/data/ietf.json holds our summaries);
the sentences quoted in the docstrings below are RFC 9483 / RFC 9810 as we read them, to be
re-checked against the published RFCs. Where the RFC says SHOULD or leaves the choice to local
policy, the check does not FAIL the SUT for the choice (see each check's scope).
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

    RFC 9483 3.1, pvno: "MUST be 2 to indicate CMP v2 in all other cases" (3 only for hashAlg /
    EnvelopedData). RFC 9810 clause 7: a server receiving "a message with a version higher or lower
    than it supports ... MUST send back an ErrorMsg with the unsupportedVersion bit set".
    """
    return _rejected(obs, "p10cr with pvno 1", "unsupportedVersion", require_bit=True)


@check("sender-protection-cert", "RFC9483:3.1:sender",
       scope="Probe: a p10cr signed with the VNFM's NFV-MANO key and certificate whose sender names another "
             "DN. failInfo badMessageCheck is expected (RFC 9483 3.5) but not required.")
def sender_protection_cert(obs: Observation) -> Result:
    """A signature-protected request whose sender is not the protection certificate's subject is refused.

    RFC 9483 3.1, sender: "MUST contain a name representing the originator of the message" and
    "MUST be the subject of the CMP protection certificate, i.e., the certificate for the private
    key used to sign the message"; RFC 9483 3.5: the recipient "MUST" validate the protection and
    the binding of the sender to it, else badMessageCheck.
    """
    return _rejected(obs, "p10cr whose sender is not the protection certificate's subject", "badMessageCheck",
                     require_bit=False)


@check("senderkid-protection-cert", "RFC9483:3.1:senderKID",
       scope="Probe: a p10cr whose senderKID is not the SubjectKeyIdentifier of the protection certificate. "
             "A p10cr without senderKID is probed too but not judged: RFC 9483 3.1 marks the field "
             "RECOMMENDED, so its absence is the sender's fault, not a rule the CMF must enforce.")
def senderkid_protection_cert(obs: Observation) -> Result:
    """A signature-protected request whose senderKID is not the protection certificate's SKI is refused.

    RFC 9483 3.1, senderKID: "MUST be the SubjectKeyIdentifier if present in the CMP protection
    certificate" (for signature-based protection); RFC 9810 5.1.1: senderKID "MUST" identify the
    key used for the protection when it is present. failInfo badMessageCheck expected, not required.
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

    RFC 9483 3.1, recipNonce: "MUST be absent in the first message of a PKI management operation";
    RFC 9483 3.5: the recipient checks the nonces, a bad recipNonce is reported as badRecipientNonce.
    """
    return _rejected(obs, "p10cr with a recipNonce in the first message", "badRecipientNonce", require_bit=False)


@check("messagetime-badtime", "RFC9483:3.1:messageTime",
       scope="Probes: a p10cr with a messageTime five years in the past, and one without messageTime. "
             "Accepting either is the SUT's local policy and PASSes (RFC 9483 3.1: messageTime \"SHOULD be "
             "present\"; RFC 9810 5.2.3: badTime is judged \"as defined by local policy\"); what FAILs is a "
             "refusal of the time that does not say so with failInfo badTime.")
def messagetime_badtime(obs: Observation) -> Result:
    """A request refused for its messageTime says so with failInfo badTime; accepting it is local policy.

    RFC 9483 3.1, messageTime: "SHOULD be present"; RFC 9810 5.2.3 PKIFailureInfo: "badTime --
    messageTime was not sufficiently close to the system time, as defined by local policy".
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

    RFC 9483 4.1.1, certConf: "content REQUIRED -- MUST contain exactly one CertStatus".
    """
    return _certconf_refused(obs, "certConf with two CertStatus entries")


@check("certconf-known-req-id", "RFC9483:4.1.1:certconf-content", scope=_CERTCONF_SCOPE)
def certconf_known_req_id(obs: Observation) -> Result:
    """A certConf whose certReqId matches no CertResponse of the transaction is refused.

    RFC 9483 4.1.1, CertStatus certReqId: "MUST be set to the certReqId of the corresponding
    CertResponse"; RFC 9810 5.3.18: certConf confirms the certificates of this transaction.
    """
    return _certconf_refused(obs, "certConf with an unknown certReqId")


@check("certconf-no-failinfo-accepted", "RFC9483:4.1.1:certconf-content", scope=_CERTCONF_SCOPE)
def certconf_no_failinfo_accepted(obs: Observation) -> Result:
    """A certConf whose statusInfo says "accepted" but carries failInfo is refused.

    RFC 9483 4.1.1, CertStatus statusInfo failInfo: "MAY be present if status is rejection" and
    "MUST be absent if status is accepted".
    """
    return _certconf_refused(obs, "certConf with failInfo and status accepted")


@check("certconf-hash-alg", "RFC9483:4.1.1:certconf-content", scope=_CERTCONF_SCOPE)
def certconf_hash_alg(obs: Observation) -> Result:
    """A certConf whose certHash was made with another hash algorithm (and no hashAlg) is refused.

    RFC 9483 4.1.1, certHash: "MUST be the hash of the certificate, using the same hash algorithm
    as is used to create and verify the certificate signature" (or the hashAlg of cmp2021);
    RFC 9810 5.3.18 says the same of certHash and hashAlg.
    """
    return _certconf_refused(obs, "certConf with a certHash made with another algorithm")


REQUEST_RULE_CHECKS = ("pvno-unsupported-rejected", "sender-protection-cert", "senderkid-protection-cert",
                       "recipnonce-first-rejected", "messagetime-badtime")
CERTCONF_CHECKS = ("certconf-one-status", "certconf-known-req-id", "certconf-no-failinfo-accepted",
                   "certconf-hash-alg")
