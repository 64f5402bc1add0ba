"""Certificate Notification pieces in isolation (the scenarios and faults run in test_faults)."""

from __future__ import annotations

import base64
import ssl

import httpx
import pytest
from pyasn1.codec.der import decoder
from pyasn1_alt_modules import rfc9810

from harness.checks.notify_checks import about
from harness.trace import Trace
from wire import cmp
from simulators.notify_endpoint import notification_endpoint
from simulators.pki import build_test_pki
from reference.cmf.notifier import cert_rep_message_b64, matches
from reference.cmf.notify import validate_subscription
from simulators.vnfm import make_csr

GOOD = {"callbackUri": "https://127.0.0.1:1/notify/a", "authentication": {"authType": ["TLS_CERT"]}}


@pytest.mark.parametrize("body,problem", [
    (GOOD, None),
    ({**GOOD, "verbosity": "SHORT", "filter": {"certificateState": ["REVOKED"]}}, None),
    ({"authentication": GOOD["authentication"]}, "callbackUri"),
    ({"callbackUri": GOOD["callbackUri"]}, "authentication"),
    ({**GOOD, "verbosity": "LOUD"}, "verbosity"),
    ({**GOOD, "filter": {"certificationType": ["MANO_certificate"]}}, "certificationType"),
    ([GOOD], "JSON object"),
])
def test_subscription_request_validation(body: object, problem: str | None) -> None:
    result = validate_subscription(body)
    assert (result is None) if problem is None else (problem in (result or ""))


def test_filter_matching() -> None:
    assert matches(None, "VNFCI_certificate", "VALID")
    assert matches({"certificationType": ["VNFCI_certificate"]}, "VNFCI_certificate", "REVOKED")
    assert not matches({"certificationType": ["VNF_OAM_certificate"]}, "VNFCI_certificate", "VALID")
    assert not matches({"certificateState": ["REVOKED"]}, "VNFCI_certificate", "VALID")


def test_certificate_id_is_read_as_serial_hex_or_decimal() -> None:
    assert about({"certificateId": "0a1b"}, 0xA1B)
    assert about({"certificateId": "A1B"}, 0xA1B)
    assert about({"certificateId": str(0xA1B)}, 0xA1B)
    assert not about({"certificateId": "a1c"}, 0xA1B)
    assert not about("not a notification", 1)


def test_full_notification_carries_the_cert_rep_message() -> None:
    pki = build_test_pki()
    csr, csr_der = make_csr({"commonName": "a.vnf.nfvct.test"}, ["a.vnf.nfvct.test"])
    request = cmp.parse_message(cmp.build_p10cr(csr_der=csr_der, sender=pki.vnfm.cert.subject,
                                                recipient=pki.cmf.cert.subject, signer_key=pki.vnfm.key,
                                                signer_cert=pki.vnfm.cert))
    issued = pki.issuing["VNFCI_certificate"]
    cp = cmp.build_cp(request=request, status=0, cert=issued.cert, signer_key=pki.cmf.key, signer_cert=pki.cmf.cert)
    rep, rest = decoder.decode(base64.b64decode(cert_rep_message_b64(cp)), asn1Spec=rfc9810.CertRepMessage())
    assert rest == b"" and int(rep["response"][0]["status"]["status"]) == 0
    del csr


def test_notification_endpoint_answers_as_7_5_5_requires(tmp_path) -> None:
    pki = build_test_pki()
    files = pki.write(tmp_path)
    trace = Trace()
    with notification_endpoint(trace, files["vnfm.crt"], files["vnfm.key"], files["mano_root.crt"]) as endpoint:
        ok = endpoint.configure("ok")
        broken = endpoint.configure("broken", test_status=404, fail_posts=1)
        context = ssl.create_default_context(cafile=str(files["mano_root.crt"]))
        context.load_cert_chain(str(files["cmf.crt"]), str(files["cmf.key"]))
        with httpx.Client(verify=context) as client:
            assert client.get(ok).status_code == 204
            assert client.post(ok, json={"id": "1"}).status_code == 204
            assert client.put(ok, json={}).status_code == 405
            assert client.get(broken).status_code == 404
            assert [client.post(broken, json={}).status_code for _ in range(2)] == [503, 204]
        received = endpoint.received("ok")
        assert [r.method for r in received] == ["GET", "POST", "PUT"]
        assert received[0].client == pki.cmf.cert.subject.rfc4514_string()
        assert endpoint.wait_for(lambda rs: len(rs) == 6, 1.0)
    assert any(e.sender == "CMF" and e.receiver == "VNFM" for e in trace.events())
