"""The reference CMF's ACME server for NFV-MANO certificates (RFC 8555; SOL023 5.2.1a-5.2.6, 5.8)."""
