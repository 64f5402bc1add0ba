"""The VNFM's HSM in delegation mode (IFA026 C.2.2.2.7, C.2.2.4.7): SoftHSM2 through PKCS#11 (python-pkcs11).

C.2.2.2.7 step 0: the VNFM has the HSM generate the VNFCI key pair, issue the key attestation statement and sign
the CSR. C.2.2.4.7 steps 3-4: the HSM hands the key pair to the attested HMEE of the VNFCI "through the secure
channel". So, unlike the NFV-MANO entities' keys (simulators/acme/hsm.py: CKA_EXTRACTABLE false), a VNFCI key
is generated CKA_SENSITIVE true (its value is never readable in plaintext) and CKA_EXTRACTABLE true (it leaves the
token only wrapped: C_WrapKey), and the attestation statement says so. The wrap for the HMEE: a fresh AES-256 key
wraps the private key (CKM_AES_KEY_WRAP_PAD), the HMEE's RSA public key wraps the AES key (CKM_RSA_PKCS_OAEP,
SHA-1: SoftHSM 2.6 offers OAEP with SHA-1 only); the HMEE unwraps with cryptography.

The statement is the harness's binding of IFA033 11.2.1 (see simulators/acme/hsm.py), carried in the CSR as
attribute ATTESTATION_OID; the attester's public JWK and the OID are registered with the subject (IFA033 11.2.1
"Register") as the harness's extension member ``keyAttestation`` of each RegistrationRequest subjectId item
(SOL023 5.6.4.1: a receiver ignores attributes it does not understand).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.codec.der import encoder as der_encoder
from pyasn1.type import univ
from pyasn1_alt_modules import rfc2986, rfc5208

from simulators.acme.hsm import SoftHsm
from wire.acme import ATTESTATION_OID
from wire.x509util import san_general_names, subject_from_data

_OAEP = padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None)  # what SoftHSM 2.6 can wrap with


@cache
def _libcrypto() -> Any:
    name = ctypes.util.find_library("crypto")
    return ctypes.CDLL(name) if name else None


def clear_openssl_errors() -> None:
    """Empty the calling thread's OpenSSL error queue. SoftHSM2 shares the system libcrypto with Python's ssl
    module and leaves errors on that queue (on load it asks for the GOST engine: "NO_SUCH_ENGINE"); the next TLS
    read of the same thread then fails with that stale error (seen: ReadError on a keep-alive connection to the
    out-of-process reference CMF). ERR_clear_error is thread-local, so it is called after each token operation."""
    lib = _libcrypto()
    if lib is not None:
        lib.ERR_clear_error()


class DelegationHsm:
    """The VNFM's view of its HSM: VNFCI key pairs, their attestation statements, CSRs and wrapped delivery."""

    def __init__(self, hsm: SoftHsm) -> None:
        self.hsm = hsm
        # python-pkcs11 objects carry their session: SoftHsm shares one logged-in session per process
        self._session = hsm.generate().session
        clear_openssl_errors()  # the token was loaded (and a key made) in this thread just now

    def registration(self) -> dict[str, Any]:
        """The ``keyAttestation`` member registered with the subject: the attester's public key and the OID."""
        return {"attesterJwk": self.hsm.attester_jwk(), "statementOid": ATTESTATION_OID}

    def generate(self, *, sensitive: bool = True) -> Any:
        """A P-256 key pair generated on the token (CKA_LOCAL); returns the private key handle."""
        import secrets

        from pkcs11 import Attribute, KeyType
        from pkcs11.util.ec import encode_named_curve_parameters

        params = self._session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
        _, private = params.generate_keypair(store=True, label=f"vnfci-{secrets.token_hex(4)}",
                                             private_template={Attribute.EXTRACTABLE: True,
                                                               Attribute.SENSITIVE: sensitive})
        clear_openssl_errors()
        return private

    def statement(self, private: Any) -> str:
        try:
            return self.hsm.attest(private)
        finally:
            clear_openssl_errors()

    def csr(self, private: Any, subject_name: dict[str, str] | None, sans: list[str], statement: str | None) -> bytes:
        """A PKCS#10 request for the registered subject and SANs with the token's public key, signed by the token
        (SHA-256, then CKM_ECDSA), carrying ``statement`` as attribute ATTESTATION_OID when given."""
        from pkcs11 import Mechanism
        from pkcs11.util.ec import encode_ecdsa_signature

        builder = (x509.CertificateSigningRequestBuilder().subject_name(subject_from_data(subject_name))
                   .add_extension(x509.SubjectAlternativeName(san_general_names(sans)), critical=not subject_name))
        if statement is not None:
            builder = builder.add_attribute(x509.ObjectIdentifier(ATTESTATION_OID), statement.encode())
        template = builder.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())  # structure only
        request, _ = der_decoder.decode(template.public_bytes(serialization.Encoding.DER),
                                        asn1Spec=rfc2986.CertificationRequest())
        spki, _ = der_decoder.decode(self.hsm.public_spki(private), asn1Spec=rfc2986.SubjectPublicKeyInfo())
        info = request["certificationRequestInfo"]
        info["subjectPKInfo"]["algorithm"] = spki["algorithm"]
        info["subjectPKInfo"]["subjectPublicKey"] = spki["subjectPublicKey"]
        digest = hashlib.sha256(der_encoder.encode(info)).digest()
        request["signature"] = univ.BitString.fromOctetString(
            encode_ecdsa_signature(private.sign(digest, mechanism=Mechanism.ECDSA)))
        clear_openssl_errors()
        return der_encoder.encode(request)

    def wrap_for(self, private: Any, hmee: rsa.RSAPublicKey) -> tuple[bytes, bytes]:
        """(AES key wrapped for the HMEE, private key wrapped under that AES key): C_WrapKey twice, in the token."""
        from pkcs11 import MGF, Attribute, KeyType, Mechanism, ObjectClass
        from pkcs11.util.rsa import decode_rsa_public_key

        pkcs1 = hmee.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
        wrapping = self._session.create_object({**decode_rsa_public_key(pkcs1), Attribute.CLASS: ObjectClass.PUBLIC_KEY,
                                                Attribute.KEY_TYPE: KeyType.RSA, Attribute.WRAP: True,
                                                Attribute.TOKEN: False})
        transport = self._session.generate_key(KeyType.AES, 256, template={
            Attribute.EXTRACTABLE: True, Attribute.SENSITIVE: True, Attribute.WRAP: True, Attribute.TOKEN: False})
        try:
            wrapped_private = transport.wrap_key(private, mechanism=Mechanism.AES_KEY_WRAP_PAD)
            wrapped_key = wrapping.wrap_key(transport, mechanism=Mechanism.RSA_PKCS_OAEP,
                                            mechanism_param=(Mechanism.SHA_1, MGF.SHA1, None))
        finally:
            transport.destroy()
            wrapping.destroy()
            clear_openssl_errors()
        return bytes(wrapped_key), bytes(wrapped_private)

    def exported(self, private: Any) -> bytes | None:
        """The private value in plaintext, if the token lets it out (a non-sensitive key), else None."""
        from pkcs11 import Attribute
        from pkcs11.exceptions import AttributeSensitive

        try:
            return bytes(private[Attribute.VALUE])
        except AttributeSensitive:
            return None


def unwrap(hmee: rsa.RSAPrivateKey, wrapped_key: bytes, wrapped_private: bytes) -> ec.EllipticCurvePrivateKey:
    """The HMEE's side of the delivery: the AES key with its RSA key, then the PKCS#8 private key. SoftHSM's
    CKM_AES_KEY_WRAP_PAD output unwraps to the PrivateKeyInfo followed by zero padding: pyasn1 reads the
    PrivateKeyInfo and leaves the padding."""
    transport = hmee.decrypt(wrapped_key, _OAEP)
    info, _padding = der_decoder.decode(keywrap.aes_key_unwrap_with_padding(transport, wrapped_private),
                                        asn1Spec=rfc5208.PrivateKeyInfo())
    key = serialization.load_der_private_key(der_encoder.encode(info), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the unwrapped key is not an EC private key")
    return key
