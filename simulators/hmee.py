"""The VNFCI's HMEE side of IFA026 C.2.2.4.7 steps 2-4: a TLS channel to the HSM authenticated by the HSM
certificate (given by the VNFM in SetConfigurationRequest) and by the HMEE's remote attestation credential, then the
key pair requested and received wrapped for a key that never leaves the HMEE (see simulators/hsm_release.py)."""

from __future__ import annotations

import base64
import ssl
import tempfile
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from simulators.delegation_hsm import unwrap
from wire.credentials import Issued

TIMEOUT = 10.0


def _peer_der(response: httpx.Response) -> bytes | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    return ssl_object.getpeercert(True) if ssl_object is not None else None  # _ssl._SSLSocket: positional


def fetch_key_pair(directory: Path, vnfc: str, hsm: dict[str, Any], credential: Issued,
                   hooks: dict[str, Any]) -> str:
    """The VNFCI private key (PKCS#8 PEM, for the VNFCI's own TLS server) fetched from the HSM named in ``hsm``
    (``url``, ``certificate`` PEM, ``chain`` [PEM]: the HSM certificate and its issuers)."""
    if not isinstance(hsm.get("certificate"), str) or not isinstance(hsm.get("url"), str):
        raise RuntimeError("SetConfigurationRequest gave no HSM certificate: the HMEE cannot authenticate the HSM")
    pinned = x509.load_pem_x509_certificate(hsm["certificate"].encode())
    anchors = "".join(c for c in hsm.get("chain", []) if isinstance(c, str)) or hsm["certificate"]
    context = ssl.create_default_context(cadata=anchors)
    context.check_hostname = False  # the HSM is authenticated by its pinned certificate below
    with tempfile.TemporaryDirectory(prefix="hmee-", dir=directory) as scratch:
        cert_file, key_file = Path(scratch) / "attested.crt", Path(scratch) / "attested.key"
        cert_file.write_bytes(credential.chain_pem())
        key_file.touch(mode=0o600)
        key_file.write_bytes(credential.key_pem())
        context.load_cert_chain(str(cert_file), str(key_file))
    wrapping = rsa.generate_private_key(65537, 2048)  # the HMEE's own key: the HSM wraps for it
    public = wrapping.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with httpx.Client(verify=context, timeout=TIMEOUT, event_hooks=hooks) as client:
        response = client.post(f"{hsm['url']}/hsm/v1/keys/{vnfc}", json={"wrappingKey": public})
        served = _peer_der(response)
    if served is not None and served != pinned.public_bytes(serialization.Encoding.DER):
        raise RuntimeError("the HSM presented a certificate other than the HSM certificate of the request")
    if response.status_code != 200:
        raise RuntimeError(f"the HSM refused the key pair: HTTP {response.status_code} {response.text[:200]}")
    body = response.json()
    key = unwrap(wrapping, base64.b64decode(body["wrappedKey"]), base64.b64decode(body["wrappedPrivateKey"]))
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()
