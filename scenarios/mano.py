"""IFA026 C.4 NFV-MANO certificate management over ACME (SOL023 5.2.1a-5.2.6, 5.8): registration by the OSS
(C.4.x.1), the entity's own CSR (C.4.x.2), the same with an HSM-held key and key attestation (C.4.x.2.7), then
Query Subject/Certificate Info, Revoke and Deregister; plus the ACME request rules (SOL023 tables 5.5.2a.x-1)."""

from __future__ import annotations

from functools import partial
from typing import Any

import josepy as jose
from cryptography.hazmat.primitives import serialization

from harness.checks.registry import Observation
from harness.context import IssuedCert, RunContext
from harness.model import Verdict
from harness.recorder import PreconditionFailed, Recorder
from scenarios import acme_flow as af
from scenarios.common import Scenario, note_stimulus
from scenarios.flows_mano import UC, csr as csr_flow, jws_rules, registration as reg_flow
from simulators.acme.client import Probe, body_of
from wire.acme import ATTESTATION_OID, MANO_CERT_TYPE
from simulators.acme.hsm import available as hsm_available
from simulators.vnfm import seqs_of

CHALLENGE = {"NFVO": "tls-alpn-01", "VNFM": "tkauth-01", "VIM": "tls-alpn-01"}


def _applicable(ctx: RunContext) -> str | None:
    if ctx.acme is None:
        return "the profile has no [pixit.acme]: the SUT's ACME server for NFV-MANO certificates is not declared"
    return None


def _registered(ctx: RunContext, rec: Recorder, role: str, **kw: object) -> af.Registration:
    reg = af.oss_register(ctx, role, **kw)  # type: ignore[arg-type]
    if reg.response.status_code not in (200, 201):
        raise PreconditionFailed(f"registration of {reg.fqdn} refused: HTTP {reg.response.status_code} "
                                 f"{reg.response.text[:200]}")
    return reg


def _hsm_applicable(ctx: RunContext) -> str | None:
    if ctx.acme is None:
        return _applicable(ctx)
    if not ctx.profile.pics.acme_key_attestation:
        return "the PICS does not claim key attestation validation (pics.acme_key_attestation)"
    return None


def registration_body(role: str, ctx: RunContext, rec: Recorder) -> None:
    rec.step("0")
    reg = af.oss_register(ctx, role)
    note_stimulus(rec, "0", reg.response, f"newAccount for {reg.fqdn} (EAB of the trusted OSS)")
    rec.step("1")
    acme = af.acme_of(ctx)
    probes = [("untrusted consumer (no EAB)", af.oss_register(ctx, role, eab=("", "")).response, ()),
              ("untrusted consumer (unknown EAB key)",
               af.oss_register(ctx, role, eab=("rogue-oss", jose.b64encode(b"k" * 32).decode())).response, ()),
              ("invalid FQDN", af.oss_register(ctx, role, fqdn=f"not_an fqdn!.{acme.pixit.mano_domain}").response, ())]
    if acme.pixit.oss_eab_kid:
        forged = (acme.pixit.oss_eab_kid, jose.b64encode(b"w" * 32).decode())
        probes.insert(2, ("the trusted OSS's key id with a wrong MAC", af.oss_register(ctx, role, eab=forged).response, ()))
    control = (reg.response.status_code in (200, 201), f"the trusted OSS's registration: HTTP {reg.response.status_code}")
    rec.check(f"acme-registration-refused[{role}]", Observation(
        facts={"probes": probes, "control": control}, trace_seqs=seqs_of(*(p[1] for p in probes))), step="1")
    rec.step("2")
    rec.check("acme-registration", Observation(
        response=reg.response, facts={"response": reg.response, "body": reg.body,
                                      "credential_claimed": ctx.profile.pics.acme_initial_credential},
        trace_seqs=seqs_of(reg.response)), step="2")
    if reg.url:
        query = reg.oss.post(reg.url, None, reg.key, kid=reg.url)
        rec.check("acme-query-subject", Observation(
            facts={"response": query, "body": body_of(query), "status": "valid"}, trace_seqs=seqs_of(query)), step="2")


def _obtain(ctx: RunContext, rec: Recorder, entity: af.Entity, wanted: str,
            csr_der: bytes) -> tuple[af.OrderRun, af.Download]:
    order = af.new_order(entity)
    if order.response.status_code != 201:  # a registered entity's well-formed newOrder: nothing can be issued
        how = f"newOrder refused: HTTP {order.response.status_code} {order.response.text[:200]}"
        rec.check("mano-cert-issued", Observation(facts={"cert": None, "how": how},
                                                  trace_seqs=seqs_of(order.response)), step="6")
        raise PreconditionFailed(how)
    af.validate(ctx, entity, order, wanted)
    seen = order
    if order.reused:
        rec.note("1", Verdict.PASS, "the CMF reused a valid authorization of an earlier order (RFC 8555 7.1.4): the challenge "
                      "checks are judged on that earlier order")
        seen = entity.validated or order
    rec.check("acme-challenges-offered", Observation(facts={"offered": seen.offered}), step="1")
    if seen.used == "tls-alpn-01":
        rec.check("acme-tls-alpn-validated", Observation(
            facts={"status": seen.challenge_status, "probes": seen.probes},
            trace_seqs=seqs_of(seen.challenge_response) if seen.challenge_response else ()), step="1")
    rec.step("3")
    finalized = af.finalize(entity, order, csr_der)
    got = af.download(entity, order, finalized)
    rec.step("6")
    if got.cert is not None:
        ctx.issued.append(IssuedCert(rec.scenario, MANO_CERT_TYPE, got.cert, tuple(got.chain), None,
                                     {"subjectAlternateName": [entity.fqdn]}, seqs_of(finalized)))
    facts = af.certificate_facts(af.acme_of(ctx).anchors, entity.fqdn, got, csr_der)
    seqs = seqs_of(finalized, *([got.response] if got.response is not None else []))
    for name in ("mano-cert-issued", "mano-chain-delivered", "mano-cert-binds-key", "mano-cert-san"):
        rec.check(name, Observation(facts=facts, trace_seqs=seqs), step="6")
    return order, got


def _probe_identifier(ctx: RunContext, rec: Recorder, entity: af.Entity, wanted: str) -> None:
    """RFC 8737 / RFC 9447 refusals on an order of their own: a wrong validation answer must not validate."""
    order = af.new_order(entity)
    if order.response.status_code != 201:
        return
    if wanted == "tkauth-01" and "tkauth-01" in ctx.profile.pics.acme_challenges:
        af.validate(ctx, entity, order, wanted, rogue=True)
        if order.used == "tkauth-01":
            _challenge_refused(rec, "acme-tkauth-untrusted-refused", "token from an untrusted authority", order, entity)
        return
    if wanted == "tkauth-01":
        rec.check("acme-tkauth-untrusted-refused", Observation(facts={
            "not_applicable": "the PICS does not claim tkauth-01 (pics.acme_challenges)"}), step="1")
    af.validate(ctx, entity, order, "tls-alpn-01", wrong=True)
    if order.used == "tls-alpn-01":
        _challenge_refused(rec, "acme-tls-alpn-wrong-refused",
                           "acmeIdentifier for another key authorization (a wrong digest)", order, entity)


def _challenge_refused(rec: Recorder, name: str, label: str, order: af.OrderRun, entity: af.Entity) -> None:
    """The challenge's own status, and the state after: its order must be invalid (RFC 8555 7.1.6)."""
    response = order.challenge_response
    after = entity.client.post(order.url, None, entity.key, kid=entity.account_url)  # POST-as-GET the order
    rec.check(name, Observation(facts={"label": label, "status": order.challenge_status,
                                       "error": body_of(response).get("error") if response is not None else None,
                                       "order_status": body_of(after).get("status") if after.status_code == 200
                                       else f"HTTP {after.status_code}"},
                                trace_seqs=(seqs_of(response) if response is not None else ()) + seqs_of(after)),
              step="1")


def csr_body(role: str, ctx: RunContext, rec: Recorder) -> None:
    rec.step("pre-condition")
    reg = _registered(ctx, rec, role)
    spare = _registered(ctx, rec, role)  # its credential is forged below, never used genuinely
    rec.step("0")
    entity = af.entity_account(ctx, role, reg)
    if entity.account_response is None or entity.account_response.status_code not in (200, 201):
        answer = entity.account_response
        how = f"the entity's newAccount with its initial credential failed: {answer and answer.text[:200]}"
        rec.check("mano-cert-issued", Observation(facts={"cert": None, "how": how},
                                                  trace_seqs=seqs_of(answer) if answer is not None else ()), step="6")
        raise PreconditionFailed(how)
    note_stimulus(rec, "0", entity.account_response, f"{role}'s newAccount with its initial credential")
    rec.step("1")
    forged = af.entity_account(ctx, role, spare, mac_override=jose.b64encode(b"f" * 32).decode()) \
        if spare.credential else None
    other = af.new_order(entity, [af.fresh_fqdn(ctx, role)])
    probes = [("newOrder for an FQDN not registered for this account", other.response, ())]
    if forged is not None and forged.account_response is not None:
        probes.insert(0, ("newAccount with a forged initial credential (wrong MAC key)", forged.account_response, ()))
    wanted = CHALLENGE[role]
    _probe_identifier(ctx, rec, entity, wanted)
    rec.step("2")
    bad_der, _ = af.make_csr(af.fresh_fqdn(ctx, role))
    bad_order = af.new_order(entity)
    bad, early = None, None
    csr_der, _ = af.make_csr(entity.fqdn)
    if bad_order.response.status_code == 201:
        early = _finalize_early(entity, bad_order, csr_der)  # then the order goes on as usual
        af.validate(ctx, entity, bad_order, wanted)
        bad = af.finalize(entity, bad_order, bad_der)
    order, got = _obtain(ctx, rec, entity, wanted, csr_der)
    control = (got.cert is not None, got.how)
    if early is not None:
        rec.check("acme-finalize-not-ready", Observation(facts={**early, "control": control}, trace_seqs=seqs_of(
            *(p[1] for p in early.get("probes", ())))), step="2")
    rec.check(f"acme-unregistered-refused[{role}]", Observation(facts={"probes": probes, "control": control},
                                                                 trace_seqs=seqs_of(*(p[1] for p in probes))), step="1")
    if bad is not None:
        rec.check(f"acme-csr-refused[{role}]", Observation(facts={
            "probes": [("CSR for a name other than the order's identifier", bad, ())], "control": control},
            trace_seqs=seqs_of(bad)), step="2")
    _operations(ctx, rec, reg, entity, order, got)


def _finalize_early(entity: af.Entity, order: af.OrderRun, csr_der: bytes) -> dict[str, Any]:
    """RFC 8555 7.4: finalize (with the entity's genuine CSR) before the order's challenge is answered."""
    if order.body.get("status") != "pending":
        return {"inconclusive": f"the new order was {order.body.get('status')!r}, not pending, before any challenge "
                                "was answered: there was no not-ready order to finalize"}
    url = str(order.body.get("finalize") or "")
    response = entity.client.post(url, {"csr": jose.b64encode(csr_der).decode()}, entity.key, kid=entity.account_url)
    return {"probes": [("finalize while the order is pending (challenge not yet answered)", response,
                        "orderNotReady", 403)]}


def _revoke_by_other(ctx: RunContext, entity: af.Entity, der: str, revoke_url: str) -> dict[str, Any]:
    """RFC 8555 7.6: another entity's account (registered for another FQDN, signing with its own kid) asks to
    revoke this entity's certificate."""
    other_reg = af.oss_register(ctx, entity.role)
    if other_reg.response.status_code not in (200, 201):
        return {"inconclusive": f"no second account: its registration got HTTP {other_reg.response.status_code}"}
    other = af.entity_account(ctx, entity.role, other_reg)
    if not other.account_url:
        answer = other.account_response
        return {"inconclusive": f"no second account: newAccount got HTTP {answer and answer.status_code}"}
    response = other.client.post(revoke_url, {"certificate": der}, other.key, kid=other.account_url)
    return {"probes": [(f"revokeCert by the account of {other.fqdn} (its kid, not the certificate key)", response,
                        "unauthorized", 403)]}


def _operations(ctx: RunContext, rec: Recorder, reg: af.Registration, entity: af.Entity, order: af.OrderRun,
                got: af.Download) -> None:
    """After the use case: Query Subject/Certificate Info, Revoke, Deregister (SOL023 5.2.2a-5.2.6)."""
    rec.step("6")
    client = entity.client
    query = client.post(entity.account_url, None, entity.key, kid=entity.account_url)
    rec.check("acme-query-subject", Observation(facts={"response": query, "body": body_of(query), "status": "valid"},
                                                trace_seqs=seqs_of(query)), step="6")
    if got.cert is None:
        return
    info = client.post(order.url, None, entity.key, kid=entity.account_url)
    rec.check("acme-query-order", Observation(facts={"response": info, "body": body_of(info),
                                                     "certificate_url": got.url}, trace_seqs=seqs_of(info)), step="6")
    der = jose.b64encode(got.cert.public_bytes(serialization.Encoding.DER)).decode()
    revoke_url = client.directory()["revokeCert"]
    foreign = _revoke_by_other(ctx, entity, der, revoke_url)
    first = client.post(revoke_url, {"certificate": der, "reason": 4}, entity.key, kid=entity.account_url)
    rec.check("acme-revoke-other-account-refused", Observation(
        facts={**foreign, "control": (first.status_code == 200, f"the owner's revokeCert: HTTP {first.status_code}")},
        trace_seqs=seqs_of(*(p[1] for p in foreign.get("probes", ())), first)), step="6")
    second = client.post(revoke_url, {"certificate": der}, entity.key, kid=entity.account_url)
    ca_status = ctx.ca_status(got.cert.serial_number) if ctx.ca_status is not None else None
    rec.check("acme-revoke", Observation(facts={"first": first, "second": second, "ca_status": ca_status},
                                         trace_seqs=seqs_of(first, second)), step="6")
    if reg.url:
        gone = reg.oss.post(reg.url, {"status": "deactivated"}, reg.key, kid=reg.url)
        after = af.new_order(entity).response
        rec.check("acme-deregister", Observation(facts={"response": gone, "body": body_of(gone), "after": after},
                                                 trace_seqs=seqs_of(gone, after)), step="6")


def hsm_body(role: str, ctx: RunContext, rec: Recorder) -> None:
    reason = hsm_available()
    if reason:
        raise PreconditionFailed(reason)
    token = af.acme_of(ctx).hsm()
    rec.step("pre-condition")
    reg = _registered(ctx, rec, role, attestation={"attesterJwk": token.attester_jwk(),
                                                   "statementOid": ATTESTATION_OID})
    rec.step("0")
    entity = af.entity_account(ctx, role, reg)
    if not entity.account_url:
        raise PreconditionFailed(f"the entity's newAccount failed: HTTP {entity.account_response and entity.account_response.status_code}")
    key = token.generate()
    statement = token.attest(key)
    csr_der = token.csr(key, entity.fqdn, statement)
    rec.note("0", Verdict.PASS, "key pair generated in SoftHSM2 (CKA_EXTRACTABLE false, CKA_SENSITIVE true), key "
             "attestation statement issued, CSR signed by the token")
    rec.step("2")
    wanted = CHALLENGE[role]
    probe_order, bad = af.new_order(entity), None
    if probe_order.response.status_code == 201:
        af.validate(ctx, entity, probe_order, wanted)
        other = token.generate()
        bad = af.finalize(entity, probe_order, token.csr(other, entity.fqdn, statement))
    _order, got = _obtain(ctx, rec, entity, wanted, csr_der)
    if bad is not None:
        rec.check(f"acme-attestation-mismatch-refused[{role}]", Observation(facts={
            "probes": [("CSR for a key other than the attested one", bad, ())],
            "control": (got.cert is not None, got.how)}, trace_seqs=seqs_of(bad)), step="2")


def jws_body(ctx: RunContext, rec: Recorder) -> None:
    rec.step("1")
    reg = _registered(ctx, rec, "NFVO")
    entity = af.entity_account(ctx, "NFVO", reg)
    if not entity.account_url:
        raise PreconditionFailed("the entity's newAccount gave no account URL")
    client, new_order = entity.client, entity.client.directory()["newOrder"]
    payload = {"identifiers": [{"type": "dns", "value": entity.fqdn}]}

    def send(probe: Probe, kid: str | None = entity.account_url) -> object:
        return client.post(new_order, payload, entity.key, kid=kid, probe=probe)

    control = af.new_order(entity).response
    ok = (control.status_code == 201, f"the same newOrder, well-formed: HTTP {control.status_code}")
    cases = (("acme-alg-mac-refused", "alg HS256 (a MAC)", Probe(alg_mac=True), ("badSignatureAlgorithm", "malformed")),
             ("acme-nonce-malformed", "nonce 'not base64url!'", Probe(raw_nonce="not base64url!"), ("malformed",)),
             ("acme-nonce-replay", "nonce of the previous request", Probe(replay_nonce=True), ("badNonce",)),
             ("acme-url-mismatch", "url header of another resource", Probe(url=client.directory()["revokeCert"]),
              ("unauthorized",)),
             ("acme-jwk-xor-kid", "both jwk and kid", Probe(jwk_and_kid=True), ("malformed",)))
    for name, label, probe, kinds in cases:
        probes = [(label, send(probe), kinds)]
        if name == "acme-jwk-xor-kid":  # RFC 8555 6.2: newOrder is signed by an account, so kid, never jwk
            probes += [("jwk instead of the account's kid", send(Probe(), kid=None), ("malformed",)),
                       ("neither jwk nor kid", send(Probe(neither=True)), ("malformed",))]
        rec.check(name, Observation(facts={"probes": probes, "control": ok},
                                    trace_seqs=seqs_of(*(r for _, r, _ in probes))), step="1")
    raw = client.http.post(new_order, content=b'{"protected": ', headers={"Content-Type": "application/jose+json"})
    client.responses.append(raw)  # not a JWS, not even JSON: its error is judged with the others (a problem document)
    responses = [r for c in af.acme_of(ctx).clients for r in c.responses]
    rec.check("acme-problem-document", Observation(facts={"errors": [r for r in responses if r.status_code >= 400]}),
              step="1")
    rec.check("acme-replay-nonce", Observation(facts={"posts": [r for r in responses if r.status_code < 300]}),
              step="1")


_REG_CHECKS = ("acme-registration-refused[{}]", "acme-registration", "acme-query-subject")
_CSR_CHECKS = ("acme-unregistered-refused[{}]", "acme-challenges-offered", "acme-csr-refused[{}]",
               "mano-cert-issued", "mano-chain-delivered", "mano-cert-binds-key", "mano-cert-san",
               "acme-query-subject", "acme-query-order", "acme-revoke", "acme-deregister", "acme-finalize-not-ready",
               "acme-revoke-other-account-refused")


def scenarios() -> list[Scenario]:
    out: list[Scenario] = []
    for role in ("NFVO", "VNFM", "VIM"):
        uc = UC[role]
        out.append(Scenario(f"{uc}.1[{role}]", f"{uc}.1", f"Registration of {role} (ACME newAccount by the OSS)",
                            reg_flow(role), tuple(c.format(role) for c in _REG_CHECKS),
                            partial(registration_body, role), {"entity": role}, _applicable, uses=frozenset()))
        extra = ("acme-tls-alpn-validated", "acme-tls-alpn-wrong-refused") if CHALLENGE[role] == "tls-alpn-01" \
            else ("acme-tkauth-untrusted-refused",)
        out.append(Scenario(f"{uc}.2[{role}]", f"{uc}.2", f"CSR Request for {role} certificate (ACME, "
                            f"{CHALLENGE[role]})", csr_flow(role), tuple(c.format(role) for c in _CSR_CHECKS) + extra,
                            partial(csr_body, role), {"entity": role, "challenge": CHALLENGE[role]}, _applicable,
                            issues=True, uses=frozenset()))
    for role in ("NFVO", "VNFM", "VIM"):
        uc = UC[role]
        alpn = ("acme-tls-alpn-validated",) if CHALLENGE[role] == "tls-alpn-01" else ()
        out.append(Scenario(f"{uc}.2.7[{role}]/HSM", f"{uc}.2.7", f"CSR Request for {role} certificate with an "
                            "HSM-held key and key attestation (SoftHSM2, PKCS#11)", csr_flow(role, hsm=True),
                            (f"acme-attestation-mismatch-refused[{role}]", "acme-challenges-offered",
                             "mano-cert-issued", "mano-chain-delivered", "mano-cert-binds-key", "mano-cert-san")
                            + alpn, partial(hsm_body, role), {"entity": role, "challenge": CHALLENGE[role]},
                            _hsm_applicable, issues=True, uses=frozenset()))
    out.append(Scenario("SOL023-5.5.2a[jws]", "SOL023 5.5.2a", "ACME request rules: algorithm, nonce, url, jwk/kid",
                        jws_rules(), ("acme-alg-mac-refused", "acme-nonce-malformed", "acme-nonce-replay",
                                      "acme-url-mismatch", "acme-jwk-xor-kid", "acme-problem-document",
                                      "acme-replay-nonce"), jws_body, {}, _applicable, uses=frozenset()))
    return out
