"""CMP (RFC 9810 / RFC 9483) message codec for the simulated VNFM (client) and reference CMF
(server), with the SOL023 clause 5.7 generalInfo binding (:mod:`.infotypes`).

All ASN.1 goes through pyasn1 + pyasn1_alt_modules (rfc9810 PKIMessage); X.509 objects and
signatures through ``cryptography``.
"""

from __future__ import annotations

from .asn1util import FAIL_INFO_BITS, PKI_STATUS, cert_hash
from .certreq import CertTemplateView
from .crmf import build_cr, build_ir, build_kur
from .errors import CmpDecodeError
from .header import NONCE_LENGTH, PVNO_CMP2000, PVNO_CMP2021, SigningKey, protection_alg_oid
from .infotypes import (
    CERT_CHAIN_REQUEST,
    CERT_TYPE,
    CERT_TYPE_VNFC,
    CERT_TYPE_VNFOAM,
    HANDLING,
    HANDLING_DELEGATION,
    HANDLING_DIRECT,
    IMPLICIT_CONFIRM,
    KNOWN_URNS,
    VNFCI_ID,
    info_type_oid,
    oid_urn,
    urn_oid,
)
from .parse import (
    CertConfirmView,
    CertResponseView,
    PkiMessageView,
    PollRepView,
    RevDetailsView,
    StatusView,
    parse_message,
)
from .mac import (
    PASSWORD_BASED_MAC,
    PBMAC1,
    MacProtection,
    verify_mac_protection,
    verify_pbmac1_protection,
)
from .pretty import hex_dump, to_value_notation
from .protection import protection_signer, verify_pbm_protection, verify_signature_protection
from .requests import build_cert_conf, build_genm, build_p10cr, build_poll_req, build_rr
from .responses import (
    build_cp,
    build_error,
    build_genp,
    build_ip,
    build_kup,
    build_pki_conf,
    build_poll_rep,
    build_rp,
)

__all__ = [
    "CERT_CHAIN_REQUEST",
    "CERT_TYPE",
    "CERT_TYPE_VNFC",
    "CERT_TYPE_VNFOAM",
    "FAIL_INFO_BITS",
    "HANDLING",
    "HANDLING_DELEGATION",
    "HANDLING_DIRECT",
    "IMPLICIT_CONFIRM",
    "KNOWN_URNS",
    "VNFCI_ID",
    "NONCE_LENGTH",
    "PKI_STATUS",
    "PVNO_CMP2000",
    "PVNO_CMP2021",
    "CertConfirmView",
    "CertResponseView",
    "CmpDecodeError",
    "PkiMessageView",
    "PollRepView",
    "RevDetailsView",
    "SigningKey",
    "StatusView",
    "build_cert_conf",
    "build_cp",
    "build_error",
    "build_p10cr",
    "build_pki_conf",
    "build_poll_rep",
    "build_poll_req",
    "build_rp",
    "build_rr",
    "cert_hash",
    "hex_dump",
    "info_type_oid",
    "oid_urn",
    "parse_message",
    "protection_alg_oid",
    "protection_signer",
    "to_value_notation",
    "urn_oid",
    "verify_pbm_protection",
    "verify_signature_protection",
    "PASSWORD_BASED_MAC",
    "PBMAC1",
    "CertTemplateView",
    "MacProtection",
    "build_cr",
    "build_genm",
    "build_genp",
    "build_ip",
    "build_ir",
    "build_kup",
    "build_kur",
    "verify_mac_protection",
    "verify_pbmac1_protection",
]
