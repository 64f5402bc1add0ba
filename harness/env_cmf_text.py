"""The two files `nfvct init --role cmf` writes from templates: the harness's profile and the reference CMF's own
settings (``str.format`` fields; ``{{``/``}}`` are literal braces)."""

PROFILE = """# nfvct profile of a CMF under test (written by `nfvct init`; README, "Testing your product").
# As written it describes the reference CMF (`nfvct serve-reference --role cmf --profile THIS_FILE`).
# For your product: set [pixit] api_root, cmp_base, server_ca, sut_client_ca and the [pics] claims;
# keep [pixit.harness] and the harness/ and import/ folders: your product is configured to trust them once.

[sut]
name = "reference CMF (serve-reference)"
role = "CMF"

[pics]                                   # what the CMF claims; what it does not claim is NOT APPLICABLE
cert_types = ["VNFCI_certificate", "VNF_OAM_certificate"]
delegation_mode = true
deferred_issuance = ["VNF_OAM_certificate"]
chain_only_when_requested = true
direct_mode = true                       # IFA026 C.2.1 / C.3.1: follows VNF LCM at the harness's VNFM
oauth2 = {oauth}                          # OAuth 2.0 bearer tokens with the SOL023 annex C scopes ([pixit.oauth])

[pixit]
api_root = "{ref_url}"
cmp_base = "{ref_url}/.well-known/cmp/p"
server_ca = "reference/root.crt"         # trust anchor of the CMF's TLS server certificate
sut_client_ca = "reference/root.crt"     # trust anchor of the CMF's client certificate (CA-1, VNF LCM, Notify)
ca_trust_anchors = ["import/operator_root.crt"]
ca_certificates = ["import/issuing_cas.pem"]   # issuing CA certificates (C.6 authorityKeyIdentifier)
max_poll_seconds = 10.0
notify_wait_seconds = 1.5                # how long a notification may take (raise for a remote product)
notify_quiet_seconds = 0.3
short_lived_san_domain = "{short_domain}"   # the SUT's short-lived test profile (expiry notifications)
short_lived_seconds = {short_seconds}
validity_days = 90                       # the validity of every other certificate it issues (C.6 checks)

[pixit.expected_issuers]                 # issuer DN per certificate type (Cmf.CertLcm.004)
{issuers}

[pixit.vnfm]                             # the harness's VNFM (its NFV-MANO certificate)
cert = "harness/vnfm.crt"
key = "harness/vnfm.key"

[pixit.vnfm2]                            # a second, legitimate VNFM that is not the delegate
cert = "harness/vnfm2.crt"
key = "harness/vnfm2.key"

[pixit.acme]                             # ACME for NFV-MANO certificates (IFA026 C.4)
directory = "{acme_url}/acme/directory"
oss_eab_kid = "{eab_kid}"                # the trusted OSS's EAB key (import/oss_eab.json)
oss_eab_key = "{eab_key}"
mano_domain = "{mano_domain}"
token_authority_key = "harness/token_authority.jwk"

[pixit.harness]                          # the harness's own actors: what your CMF must reach (bind: the
                                         # local address they listen on; url: what your CMF is given)
directory = "harness"

[pixit.harness.ca1]                      # CA-1: delegation-mode issuance and direct-mode registration
bind = "{bind}"
port = {ports[ca1]}
url = "{url[ca1]}"

[pixit.harness.notify]                   # the VNFM's notification endpoint (SOL023 clause 7 callbacks)
bind = "{bind}"
port = {ports[notify]}
url = "{url[notify]}"

[pixit.harness.alpn]                     # the MANO entities' tls-alpn-01 responder (RFC 8737)
bind = "{bind}"
port = {ports[alpn]}

[pixit.harness.vnfm_lcm]                 # the VNFM's VNF LCM interface (direct mode, SOL023 clause 6)
bind = "{bind}"
port = {ports[vnfm_lcm]}
url = "{url[vnfm_lcm]}"

[pixit.harness.attestation]              # the attestation service (direct mode, C.2.1.2)
bind = "{bind}"
port = {ports[attestation]}
url = "{url[attestation]}"

[pixit.harness.vnfci]                    # the VNFCIs' configuration endpoint (direct mode)
bind = "{bind}"
port = {ports[vnfci]}
url = "{url[vnfci]}"

[pixit.harness.direct_cmp]               # the CA's CMP endpoint the VNFCIs enrol at (direct mode)
bind = "{bind}"
port = {ports[direct_cmp]}
url = "{url[direct_cmp]}"
"""

SETTINGS = """# The reference CMF's own configuration (written by `nfvct init`); read only by the reference CMF.
[listen]
bind = "127.0.0.1"
port = {ports[cmf]}
acme_port = {ports[acme]}

[tls]                                    # TLS server, client identity (CA-1, VNFM, Notify) and CMP protection
cert = "cmf.crt"
key = "cmf.key"
client_ca = "../import/mano_root.crt"    # issuers of the consumers' certificates

[ca1]
url = "{url[ca1]}"
server_ca = "../import/mano_root.crt"

[cmp]
check_after = {check_after}
deferred_types = ["VNF_OAM_certificate"]

[store]
db = "cmf.sqlite3"

[short_lived]
san_domain = "{short_domain}"
seconds = {short_seconds}

[acme]
oss_eab = "../import/oss_eab.json"
token_authority_jwk = "../import/token_authority.jwk"
token_authority_url = "https://token-authority.nfvct.test/authz"
alpn_host = "{alpn_host}"                # every FQDN resolves to the harness host (test network)
alpn_port = {ports[alpn]}
mano_domain = "{mano_domain}"

[direct]
vnfm_api = "{url[vnfm_lcm]}/vnflcm/v2"
attestation_url = "{url[attestation]}"
policy = "../import/direct_policy.json"
san_domain = "{san_domain}"
trust_anchor = "../import/operator_root.crt"
server_ca = "../import/mano_root.crt"
"""
