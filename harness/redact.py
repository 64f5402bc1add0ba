"""Redaction applied to everything that leaves the process (trace, reports, logs)."""

from __future__ import annotations

import re

_PEM_KEY = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.*?-----END \1-----",
    re.DOTALL,
)
_SECRET_KEYS = r"(?:password|passphrase|secret|client_secret|privateKey|private_key|token|preSharedKey|psk)"
_JSON_SECRET = re.compile(r'("' + _SECRET_KEYS + r'"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
_AUTH_HEADER = re.compile(r"(?im)^(\s*(?:proxy-)?authorization\s*:\s*)\S.*$")


def redact(text: str) -> str:
    if not text:
        return text
    text = _PEM_KEY.sub("[REDACTED PRIVATE KEY]", text)
    text = _JSON_SECRET.sub(r'\1"[REDACTED]"', text)
    return _AUTH_HEADER.sub(r"\1[REDACTED]", text)
