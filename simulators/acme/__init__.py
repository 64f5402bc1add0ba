"""ACME (RFC 8555) for NFV-MANO certificates (SOL023 5.2.1a-5.2.6, 5.8): the reference CMF's server, the
harness's traced client, the TLS-ALPN-01 responder (RFC 8737), the token authority (RFC 9447) and the HSM."""
