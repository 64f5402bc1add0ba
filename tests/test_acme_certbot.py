"""certbot's `acme` client (ClientV2) against the reference CMF's ACME server (issue 4, interop (b)): account
with the initial credential as EAB, order, tkauth-01, finalize, download, revoke, deactivate."""

from __future__ import annotations

import datetime
from pathlib import Path

import josepy as jose
from acme import challenges, client, messages
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.roles.cmf import ROLE
from harness.trace import Trace
from scenarios.acme_flow import make_csr, new_account_key
from simulators.acme.client import AcmeClient, body_of


class TkAuth01Response(challenges.ChallengeResponse):
    """RFC 9447 3: the challenge response carries the authority token (certbot's acme has no class for it)."""

    typ = "tkauth-01"
    tkauth: str = jose.field("tkauth")


def test_certbot_acme_client_full_flow(tmp_path: Path) -> None:
    trace = Trace()
    # the reference CMF from an `nfvct init` environment (free ports), and the harness's actors: CA-1 (whose
    # records say what was revoked) and the ACME entities' token authority
    with ROLE.embedded(tmp_path, frozenset(), 0, 1) as profile, \
            ROLE.context(profile, trace, 0, frozenset(), lambda event: None) as ctx:
        acme_pixit = profile.pixit.acme
        assert acme_pixit is not None and ctx.acme is not None and ctx.acme.token_authority is not None
        assert ctx.ca_status is not None
        authority = ctx.acme.token_authority
        server_ca = str(profile.pixit.server_ca)
        fqdn = "nfvo-certbot.mano.nfvct.test"
        # C.4.1.1: the OSS registers the NFVO (harness client) and receives the initial credential
        oss = AcmeClient("OSS", acme_pixit.directory, server_ca, trace)
        oss_key = new_account_key()
        eab = oss.eab(oss_key, acme_pixit.oss_eab_kid, acme_pixit.oss_eab_key)
        registered = oss.post(oss.directory()["newAccount"], {"contact": [f"mailto:cert-admin@{fqdn}"],
                                                               "termsOfServiceAgreed": True,
                                                               "externalAccountBinding": eab}, oss_key)
        assert registered.status_code == 201, registered.text
        credential = body_of(registered)["initialCredential"]
        oss.close()

        # C.4.1.2 with certbot's client: the NFVO's own account (EAB = initial credential), order, tkauth-01
        key = new_account_key()
        net = client.ClientNetwork(key, alg=jose.ES256, verify_ssl=server_ca, user_agent="nfvct-test")
        directory = client.ClientV2.get_directory(acme_pixit.directory, net)
        acme = client.ClientV2(directory, net)
        binding = messages.ExternalAccountBinding.from_data(key.public_key(), credential["keyId"],
                                                            credential["macKey"], directory)
        regr = acme.new_account(messages.NewRegistration.from_data(
            email=f"cert-admin@{fqdn}", terms_of_service_agreed=True, external_account_binding=binding))
        assert regr.body.status == "valid"
        csr_der, csr_key = make_csr(fqdn)
        csr_pem = x509.load_der_x509_csr(csr_der).public_bytes(serialization.Encoding.PEM)
        orderr = acme.new_order(csr_pem)
        challb = next(c for c in orderr.authorizations[0].body.challenges
                      if c.chall.to_partial_json().get("type") == "tkauth-01")
        acme.answer_challenge(challb, TkAuth01Response(tkauth=authority.issue(fqdn, key)))
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=20)
        orderr = acme.poll_and_finalize(orderr, deadline)
        certs = x509.load_pem_x509_certificates(orderr.fullchain_pem.encode())
        assert certs[0].public_key().public_numbers() == csr_key.public_key().public_numbers()
        assert certs[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value \
            .get_values_for_type(x509.DNSName) == [fqdn]
        assert len(certs) >= 2  # leaf + the NFV-MANO issuing CA

        acme.revoke(certs[0], rsn=4)
        assert ctx.ca_status(certs[0].serial_number) == "revoked"
        deactivated = acme.deactivate_registration(regr)
        assert deactivated.body.status == "deactivated"


def test_initial_credentials_never_in_trace_or_report(tmp_path: Path) -> None:
    """The initial credential's MAC key (a secret the CMF hands to the OSS) is redacted everywhere."""
    import re

    from harness.runner import run
    from reports import write_reports

    leak = re.compile(r'macKey[^A-Za-z]{1,12}[A-Za-z0-9_-]{20,}')
    assert leak.search('"macKey": "' + "A" * 43 + '"')  # the pattern does catch an unredacted key
    result = run(None, pattern="C.4.1.", seed=3)
    texts = [e.body_text for e in result.trace] + [p.read_text() for p in write_reports(result, tmp_path).values()]
    assert any("initialCredential" in t for t in texts)  # the answer carrying it was traced...
    for text in texts:  # ...with its value redacted
        assert not leak.search(text), text[:500]
