"""Checks on the PKIHeader and protection of every CMP response (SOL023 5.5.2.2, 5.5.2.3).

The SOL023 tables describe the header structure of the profiled messages; the rows quoted
in the catalogue are checked on the CMF's responses against the request they answer.
"""

from __future__ import annotations

from harness.checks.registry import (
    Observation,
    Result,
    check,
    failed,
    inconclusive,
    not_applicable,
    passed,
    verdict_of,
)
from datetime import datetime, timezone

from cryptography import x509

from wire import cmp
from wire.cmp.mac import PASSWORD_BASED_MAC, PBMAC1
from wire.x509util import PathError, build_path

HEADER_CHECKS = ("cmp-pvno", "cmp-transaction-id", "cmp-recip-nonce", "cmp-sender-nonce",
                 "cmp-response-protection", "cmp-protection-cert")


HEADER_SCOPE = ("SOL023 5.5.2.3 gives the PKIHeader of the profiled messages; applied to the CMF's responses, "
                "which RFC 9483 3.1 requires to answer the request's header")


def _pair(obs: Observation) -> tuple[cmp.PkiMessageView, cmp.PkiMessageView] | None:
    request, response = obs.facts.get("request"), obs.message
    if request is None or response is None:
        return None
    return request, response


def _hex(value: bytes | None) -> str:
    return value.hex() if value else "absent"


@check("cmp-pvno", "SOL023:5.5.2.3:pvno", scope=HEADER_SCOPE)
def cmp_pvno(obs: Observation) -> Result:
    """The response's pvno is 2."""
    pair = _pair(obs)
    if pair is None:
        return inconclusive("no decodable CMP response", "pvno 2")
    return verdict_of(pair[1].pvno == 2, "pvno 2", f"pvno {pair[1].pvno} in {pair[1].body_type}")


def _echo(obs: Observation, response_field: str, request_field: str, label: str) -> Result:
    """The response's ``response_field`` carries the request's ``request_field``."""
    pair = _pair(obs)
    if pair is None:
        return inconclusive("no decodable CMP response", label)
    request, response = pair
    wanted, got = getattr(request, request_field), getattr(response, response_field)
    name = {"transaction_id": "transactionID", "recip_nonce": "recipNonce"}[response_field]
    return verdict_of(got == wanted, f"{name} {_hex(wanted)}", f"{name} {_hex(got)} in {response.body_type}")


@check("cmp-transaction-id", "SOL023:5.5.2.3:transaction-id", scope=HEADER_SCOPE)
def cmp_transaction_id(obs: Observation) -> Result:
    """The response carries the transactionID of the request it answers."""
    return _echo(obs, "transaction_id", "transaction_id", "the request's transactionID")


@check("cmp-recip-nonce", "SOL023:5.5.2.3:recip-nonce", scope=HEADER_SCOPE)
def cmp_recip_nonce(obs: Observation) -> Result:
    """The response's recipNonce is the request's senderNonce."""
    return _echo(obs, "recip_nonce", "sender_nonce", "recipNonce = the request's senderNonce")


@check("cmp-sender-nonce", "SOL023:5.5.2.3:sender-nonce", scope=HEADER_SCOPE)
def cmp_sender_nonce(obs: Observation) -> Result:
    """The response's senderNonce is 128 bits and fresh (never seen before in this run)."""
    pair = _pair(obs)
    expected = "a 16-octet senderNonce not used in any earlier message of the run"
    if pair is None:
        return inconclusive("no decodable CMP response", expected)
    request, response = pair
    nonce = response.sender_nonce
    seen: set[bytes] = obs.facts.get("seen_nonces", set())
    if nonce is None or len(nonce) != 16:
        return failed(expected, f"senderNonce {_hex(nonce)} ({len(nonce or b'')} octets)")
    if nonce in seen or nonce == request.sender_nonce:
        return failed(expected, f"senderNonce {nonce.hex()} was already used")
    return passed(expected, f"senderNonce {nonce.hex()}")


@check("cmp-response-protection", "SOL023:5.5.2.2:protection",
       scope="SOL023 5.5.2.2 makes protection optional ('If used'): an unprotected response FAILs only when "
             "the PICS claims protected responses; a present protection must always verify")
def cmp_response_protection(obs: Observation) -> Result:
    """The response is signature-protected by a certificate in extraCerts that chains to pixit.cmp_trust."""
    response = obs.message
    anchors = obs.facts.get("anchors", [])
    expected = "protection present and verifying with an extraCerts certificate trusted via pixit.cmp_trust"
    if response is None:
        return inconclusive("no decodable CMP response", expected)
    if response.protection is None:
        if not obs.facts.get("protection_claimed", True):
            return not_applicable("the PICS does not claim protected CMP responses (pics.cmp_protected_responses)")
        return failed(expected, f"unprotected {response.body_type}")
    signer = cmp.protection_signer(response)
    if signer is None:
        return failed(expected, f"{response.body_type}: protection verifies with none of "
                                f"{len(response.extra_certs)} extraCerts certificate(s)")
    try:
        build_path(signer, response.extra_certs, anchors)
    except PathError as exc:
        return failed(expected, f"signed by '{signer.subject.rfc4514_string()}', not trusted: {exc}")
    return passed(expected, f"{response.body_type} signed by '{signer.subject.rfc4514_string()}'")


def _valid_at(cert: x509.Certificate, when: datetime) -> bool:
    return cert.not_valid_before_utc <= when <= cert.not_valid_after_utc


@check("cmp-protection-cert", "RFC9483:3.3:protection-cert",
       scope="Every CMP response of every transaction (cp, pollRep, pkiConf, rp, error). RFC 9483 3.3 "
             "(paraphrase, unverified): the CMP protection certificate comes first in extraCerts; RFC 5280 "
             "4.2.1.3: a key that signs is certified with digitalSignature when keyUsage is present")
def cmp_protection_cert(obs: Observation) -> Result:
    """The response's CMP protection certificate (the extraCerts certificate whose key verifies the protection)
    is the first in extraCerts, has digitalSignature in its keyUsage (when present), and is valid at the
    response's messageTime and now."""
    response = obs.message
    expected = ("the protection certificate first in extraCerts, keyUsage with digitalSignature, valid at "
                "messageTime and now")
    if response is None:
        return inconclusive("no decodable CMP response", expected)
    if response.protection is None:
        if not obs.facts.get("protection_claimed", True):
            return not_applicable("the PICS does not claim protected CMP responses (pics.cmp_protected_responses)")
        return inconclusive("unprotected: no protection certificate to judge (cmp-response-protection judges it)",
                            expected)
    if response.protection_alg in (PASSWORD_BASED_MAC, PBMAC1):
        return not_applicable("MAC-based protection: there is no protection certificate")
    signer = cmp.protection_signer(response) or (response.extra_certs[0] if response.extra_certs else None)
    if signer is None:
        return failed(expected, f"{response.body_type}: no certificate in extraCerts")
    problems = []
    if response.extra_certs and response.extra_certs[0] != signer:
        problems.append("not the first certificate in extraCerts")
    try:
        usage = signer.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.digital_signature:
            problems.append("keyUsage without digitalSignature")
    except x509.ExtensionNotFound:
        pass
    now = datetime.now(timezone.utc)
    for label, when in (("messageTime", response.message_time), ("now", now)):
        if when is not None and not _valid_at(signer, when.astimezone(timezone.utc)):
            problems.append(f"not valid at {label} {when.isoformat()}")
    who = f"{response.body_type} signed by '{signer.subject.rfc4514_string()}'"
    return verdict_of(not problems, expected, who + (": " + "; ".join(problems) if problems else ""))
