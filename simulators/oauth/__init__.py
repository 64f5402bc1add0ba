"""The harness's OAuth 2.0 authorization server (an actor of the CMF role): client credentials grant (RFC 6749
4.4), JWT access tokens (RFC 9068) with SOL023 annex C scopes, JWKS, introspection (RFC 7662), and the
deliberately bad tokens the authorization probes send. Built on joserfc (JWS/JWT/JWK)."""
