"""The authorization server's persistent signing key (an `nfvct init` environment keeps it, so a CMF configured
with its JWKS once keeps trusting it) and the public JWKS a product imports."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from joserfc.jwk import ECKey

from simulators.pki import write_file
from wire.oauth import SIGNING_ALG

SIGNING_KEY = "oauth/signing.jwk"  # under the environment's harness/ folder (private)
PUBLIC_JWKS = "oauth_jwks.json"  # under import/: what a CMF that does not fetch the JWKS URL imports


def new_signing_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": f"nfvct-as-{secrets.token_hex(4)}", "use": "sig",
                                                   "alg": SIGNING_ALG})


def load_signing_key(path: Path) -> ECKey:
    key = ECKey.import_key(json.loads(path.read_text()))
    if not key.kid:
        raise ValueError(f"{path}: the signing key has no kid")
    return key


def jwks(key: ECKey) -> dict[str, list[dict[str, object]]]:
    return {"keys": [dict(key.as_dict(private=False))]}


def ensure_keys(harness_dir: Path, import_dir: Path) -> ECKey:
    """The environment's signing key, made once; the public JWKS is (re)written next to the other imports."""
    path = harness_dir / SIGNING_KEY
    if not path.exists():
        write_file(path, json.dumps(new_signing_key().as_dict(private=True)).encode(), private=True)
    key = load_signing_key(path)
    write_file(import_dir / PUBLIC_JWKS, json.dumps(jwks(key), indent=1).encode())
    return key
