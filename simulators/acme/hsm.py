"""The NFV-MANO entity's HSM (IFA026 C.4.x.2.7): SoftHSM2 through PKCS#11 (python-pkcs11). Key pairs are
generated on the token as non-extractable, sensitive keys; CSRs are signed by the token; the HSM actor issues a
key attestation statement bound to the public key.

Harness binding for the statement (IFA033 11.2.1 NOTE 1 leaves it open): a compact JWS (ES256, josepy) signed by
the HSM's attestation key, payload {"spkiSha256": base64url(SHA-256(SubjectPublicKeyInfo DER)), "extractable",
"sensitive", "local" (read from the token's CKA_* attributes), "token"}; carried in the CSR as an attribute of
type ATTESTATION_OID (UTF8String); the attester's public JWK and the OID are registered at registration.
The CSR is assembled with cryptography (template) and pyasn1-alt-modules rfc2986 (public key and signature
from the token), never by hand.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import josepy as jose
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.codec.der import encoder as der_encoder
from pyasn1.type import univ
from pyasn1_alt_modules import rfc2986

from wire.acme import ATTESTATION_OID

MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def available() -> str | None:
    """None when SoftHSM2 and python-pkcs11 are usable, else why not."""
    try:
        import pkcs11
        del pkcs11
    except ImportError:
        return "python-pkcs11 is not installed"
    if not Path(MODULE).exists():
        return f"SoftHSM2 is not installed ({MODULE} missing)"
    return None


_TOKEN: tuple[Any, str, str] | None = None  # (pkcs11 token, user PIN, label): one per process (see _token)
_LOCK = threading.Lock()


def _token() -> tuple[Any, str, str]:
    """The process's SoftHSM2 token. PKCS#11 libraries read their configuration once, when first loaded, so
    the token store (a temporary directory removed at exit) and the token are made once per process."""
    global _TOKEN
    with _LOCK:
        if _TOKEN is None:
            import pkcs11

            base = Path(tempfile.mkdtemp(prefix="nfvct-hsm-"))
            atexit.register(shutil.rmtree, base, True)
            (base / "tokens").mkdir()
            conf = base / "softhsm2.conf"
            conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
            os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the library when it loads
            pin, label = secrets.token_hex(8), "nfvct-mano"
            subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin",
                            secrets.token_hex(8), "--pin", pin], check=True, capture_output=True,
                           env={**os.environ, "SOFTHSM2_CONF": str(conf)})
            _TOKEN = (pkcs11.lib(MODULE).get_token(token_label=label), pin, label)
        return _TOKEN


_SESSION: Any = None  # the process's logged-in session, shared by every open SoftHsm (see SoftHsm)
_USERS = 0


class SoftHsm:
    """One user's view of the HSM: the process's PKCS#11 session and its own attestation identity. A token
    allows one login per process and closing a logged-in session logs every session out, so all SoftHsm
    objects share one session, closed when the last of them closes."""

    def __init__(self) -> None:
        global _SESSION, _USERS
        token, pin, self.label = _token()
        with _LOCK:
            if _SESSION is None:
                _SESSION = token.open(user_pin=pin, rw=True)
            _USERS += 1
            self._session = _SESSION
        self._closed = False
        self._attester = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))  # the device's attestation key

    def attester_jwk(self) -> dict[str, Any]:
        return self._attester.public_key().to_partial_json()

    def generate(self) -> Any:
        """A non-extractable P-256 key pair on the token; returns the private key handle."""
        from pkcs11 import Attribute, KeyType
        from pkcs11.util.ec import encode_named_curve_parameters

        params = self._session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
        _, private = params.generate_keypair(store=True, label=f"mano-{secrets.token_hex(4)}",
                                             private_template={Attribute.EXTRACTABLE: False,
                                                               Attribute.SENSITIVE: True})
        return private

    def public_spki(self, private: Any) -> bytes:
        from pkcs11 import Attribute, KeyType, ObjectClass
        from pkcs11.util.ec import encode_ec_public_key

        public = self._session.get_key(object_class=ObjectClass.PUBLIC_KEY, key_type=KeyType.EC,
                                       label=private[Attribute.LABEL])
        return encode_ec_public_key(public)

    def attest(self, private: Any) -> str:
        """The key attestation statement for ``private`` (see the module docstring)."""
        from pkcs11 import Attribute

        statement = {"spkiSha256": jose.b64encode(hashlib.sha256(self.public_spki(private)).digest()).decode(),
                     "extractable": bool(private[Attribute.EXTRACTABLE]),
                     "sensitive": bool(private[Attribute.SENSITIVE]), "local": bool(private[Attribute.LOCAL]),
                     "token": self.label}
        jws = jose.JWS.sign(json.dumps(statement).encode(), key=self._attester, alg=jose.ES256,
                            protect=frozenset(["alg"]), include_jwk=False)
        return jws.to_compact().decode()

    def csr(self, private: Any, fqdn: str, statement: str | None) -> bytes:
        """A PKCS#10 request for ``fqdn`` with the token's public key, signed by the token (SHA-256, then
        CKM_ECDSA: SoftHSM 2.6 has no CKM_ECDSA_SHA256)."""
        from pkcs11 import Mechanism
        from pkcs11.util.ec import encode_ecdsa_signature

        builder = (x509.CertificateSigningRequestBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, fqdn)]))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(fqdn)]), critical=False))
        if statement is not None:
            builder = builder.add_attribute(x509.ObjectIdentifier(ATTESTATION_OID), statement.encode())
        template = builder.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())  # structure only
        request, _ = der_decoder.decode(template.public_bytes(serialization.Encoding.DER),
                                        asn1Spec=rfc2986.CertificationRequest())
        spki, _ = der_decoder.decode(self.public_spki(private), asn1Spec=rfc2986.SubjectPublicKeyInfo())
        info = request["certificationRequestInfo"]
        info["subjectPKInfo"]["algorithm"] = spki["algorithm"]
        info["subjectPKInfo"]["subjectPublicKey"] = spki["subjectPublicKey"]
        digest = hashlib.sha256(der_encoder.encode(info)).digest()
        signature = encode_ecdsa_signature(private.sign(digest, mechanism=Mechanism.ECDSA))
        request["signature"] = univ.BitString.fromOctetString(signature)
        return der_encoder.encode(request)

    def close(self) -> None:
        global _SESSION, _USERS
        with _LOCK:
            if self._closed:
                return
            self._closed = True
            _USERS -= 1
            if _USERS == 0 and _SESSION is not None:
                _SESSION.close()
                _SESSION = None
