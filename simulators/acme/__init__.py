"""The harness's side of ACME for NFV-MANO certificates: the traced client (OSS and entities), the TLS-ALPN-01
responder (RFC 8737), the token authority (RFC 9447) and the entities' HSM."""
