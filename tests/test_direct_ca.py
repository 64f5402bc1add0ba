"""The simulated direct-mode CA and VNFCI (IFA026 C.2.1): the CA's side of the flows is the harness's own, so its
rules are proven here rather than by a CMF fault: initial credential checked (MAC, reference) and limited
(C.2.1.1.6 note 4), the registered subject enforced, kur refused for a revoked, expired or deregistered end
entity's certificate (C.2.1.4 pre-condition 1), and a key pair in SoftHSM2 that signs but never leaves it."""

from __future__ import annotations

import base64
import secrets
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.env_cmf import DEFAULT_PORTS, init_cmf
from harness.listeners import EMBEDDED_SPAN, free_ports
from harness.profile import load_profile
from harness.roles.cmf import ROLE
from harness.trace import Trace
from scenarios import all_scenarios
from simulators.direct.actors import DirectActors
from simulators.direct.vnfci import enrol, new_software_key, renew


@pytest.fixture(scope="module")
def actors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DirectActors, dict[str, Path]]]:
    """The harness's direct-mode actors, started from an `nfvct init` environment's profile (free ports) as for a
    run of the direct-mode scenarios; no CMF runs: the tests play its part (CA-1 registration) with the reference
    CMF's credentials, which CA-1 trusts (pixit.sut_client_ca)."""
    env = tmp_path_factory.mktemp("direct") / "env"
    profile = load_profile(init_cmf(env, ports=free_ports(tuple(DEFAULT_PORTS), span=EMBEDDED_SPAN)))
    assert profile.pics.direct_mode
    direct_scenarios = [s for s in all_scenarios() if s.parameters.get("mode") == "direct"]
    assert direct_scenarios
    files = {"cmf.crt": env / "reference" / "cmf.crt", "cmf.key": env / "reference" / "cmf.key",
             "mano_root.crt": env / "import" / "mano_root.crt"}  # trust anchor of CA-1's TLS certificate
    with ROLE.context(profile, Trace(), 3, frozenset(), lambda event: None, direct_scenarios) as ctx:
        assert ctx.direct is not None
        yield ctx.direct, files


def _register(direct: DirectActors, files: dict[str, Path], name: str, *, uses: int = 1,
              seconds: int = 600) -> dict[str, Any]:
    """What a CMF does (CA-1 registration) and the identity configuration it would hand the VNFCI."""
    import ssl
    fqdn = f"{name}.{secrets.token_hex(3)}.direct.vnf.nfvct.test"
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    reference = secrets.token_hex(6)
    context = ssl.create_default_context(cafile=str(files["mano_root.crt"]))
    context.load_cert_chain(str(files["cmf.crt"]), str(files["cmf.key"]))
    with httpx.Client(verify=context) as client:
        answer = client.post(f"{direct.ca1_url}/ca1/v1/end-entities", json={
            "entityId": f"vnfc-test/{fqdn}", "certType": "VNFCI_certificate", "subject": f"CN={fqdn},O=NFVCT Test",
            "subjectAltName": [fqdn], "initialCredential": {"reference": reference, "secret": secret},
            "maxUses": uses, "validSeconds": seconds})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return {"name": name, "subject": f"CN={fqdn},O=NFVCT Test", "subjectAltName": [fqdn],
            "trustAnchor": direct.ca.anchor_pem, "enrolment": {"url": body["enrolmentUrl"],
                                                               "recipient": body["recipient"]},
            "initialCredential": {"reference": reference, "secret": secret}, "entityId": f"vnfc-test/{fqdn}"}


def test_enrol_and_credential_limited_to_its_uses(actors: tuple[DirectActors, dict[str, Path]]) -> None:
    direct, files = actors
    identity = _register(direct, files, "once")
    first = enrol(identity, new_software_key(), direct.tls_trust)
    assert first.ok, first.detail
    assert first.cert is not None and first.cert.subject.rfc4514_string() == identity["subject"]
    second = enrol(identity, new_software_key(), direct.tls_trust)
    assert not second.ok and "already used" in second.detail


def test_wrong_secret_and_unknown_reference_refused(actors: tuple[DirectActors, dict[str, Path]]) -> None:
    direct, files = actors
    identity = _register(direct, files, "mac")
    forged = {**identity, "initialCredential": {**identity["initialCredential"],
                                                "secret": base64.b64encode(b"x" * 32).decode()}}
    result = enrol(forged, new_software_key(), direct.tls_trust)
    assert not result.ok and "badMessageCheck" in result.detail
    unknown = {**identity, "initialCredential": {"reference": "nobody", "secret": identity["initialCredential"]["secret"]}}
    assert "no registered end entity" in enrol(unknown, new_software_key(), direct.tls_trust).detail
    assert enrol(identity, new_software_key(), direct.tls_trust).ok  # the genuine credential still works: control


def test_subject_other_than_registered_refused(actors: tuple[DirectActors, dict[str, Path]]) -> None:
    direct, files = actors
    identity = _register(direct, files, "subject")
    other = {**identity, "subject": "CN=someone-else.direct.vnf.nfvct.test,O=NFVCT Test"}
    result = enrol(other, new_software_key(), direct.tls_trust)
    assert not result.ok and "badCertTemplate" in result.detail


def test_kur_renews_then_refused_when_revoked(actors: tuple[DirectActors, dict[str, Path]]) -> None:
    direct, files = actors
    identity = _register(direct, files, "renew")
    current = enrol(identity, new_software_key(), direct.tls_trust)
    assert current.ok and current.cert is not None
    renewed = renew(identity, current, new_software_key(), direct.tls_trust)
    assert renewed.ok and renewed.cert is not None and renewed.cert.serial_number != current.cert.serial_number
    record = direct.ca.ca.records[renewed.cert.serial_number]
    record.revoked_at = datetime.now(timezone.utc)
    refused = renew(identity, renewed, new_software_key(), direct.tls_trust)
    assert not refused.ok and "revoked" in refused.detail


def test_kur_refused_for_expired_certificate_and_deregistered_entity(
        actors: tuple[DirectActors, dict[str, Path]]) -> None:
    direct, files = actors
    identity = _register(direct, files, "expired")
    current = enrol(identity, new_software_key(), direct.tls_trust)
    assert current.ok and current.cert is not None
    direct.ca.validity_days = 1
    try:
        entity = direct.ca.entities[identity["entityId"]]
        entity.active = False
        refused = renew(identity, current, new_software_key(), direct.tls_trust)
        assert not refused.ok and "no longer registered" in refused.detail
        entity.active = True
        # an expired certificate: re-issue the current one with a notAfter in the past, same key and serial
        record = direct.ca.ca.records[current.cert.serial_number]
        old = record.cert
        issuing = direct.ca.ca.issuing["VNFCI_certificate"]
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        builder = x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.issuer).public_key(
            old.public_key()).serial_number(old.serial_number).not_valid_before(
            old.not_valid_before_utc - timedelta(days=3)).not_valid_after(datetime.now(timezone.utc) - timedelta(days=1))
        for ext in old.extensions:
            builder = builder.add_extension(ext.value, ext.critical)
        expired = builder.sign(issuing.key, hashes.SHA256())
        record.cert = expired
        current.cert = expired
        refused = renew(identity, current, new_software_key(), direct.tls_trust)
        assert not refused.ok and "expired" in refused.detail
    finally:
        direct.ca.validity_days = 30


@pytest.mark.skipif(shutil.which("softhsm2-util") is None, reason="needs SoftHSM2 (make test installs it)")
def test_hsm_key_signs_in_token_and_never_leaves(actors: tuple[DirectActors, dict[str, Path]]) -> None:
    from simulators.direct.hsm_key import HsmEcKey

    direct, files = actors
    key = HsmEcKey.generate(direct.hsm())
    assert key.attributes == {"extractable": False, "sensitive": True, "local": True}
    with pytest.raises(ValueError):
        key.private_numbers()
    identity = _register(direct, files, "hsm")
    result = enrol(identity, key, direct.tls_trust)
    assert result.ok, result.detail
    assert result.cert is not None and result.cert.public_key().public_numbers() == key.public_key().public_numbers()
    assert key.signatures >= 1  # the proof of possession was signed by the token
