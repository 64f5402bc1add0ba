"""Redaction of secrets, applied when the trace records a message and again by every report
renderer before text reaches a page (defence in depth). Output never shows

* PEM private keys of any type (``PRIVATE KEY``, ``EC``/``RSA``/``ENCRYPTED``/``OPENSSH``
  ``PRIVATE KEY``, PGP private key blocks), raw or inside JSON strings with ``\\n`` escapes,
  and also a BEGIN line whose END is missing (truncated bodies);
* JSON values (strings, numbers, objects, arrays) of keys named like password, secret,
  privateKey, private_key, token, client_secret, preSharedKey, passphrase, apiKey;
  private members of a JWK (``d``, ``p``, ``q``, ``dp``, ``dq``, ``qi``, ``k``);
* the same keys in ``key=value`` form / query strings, in ``key: value`` form (plain text, YAML,
  header lines such as ``X-Api-Key: ...``, ``Cookie:`` / ``Set-Cookie:``) and as XML elements
  (``<password>...</password>``);
* ``Authorization:`` / ``Proxy-Authorization:`` credentials and stray ``Bearer <token>``.

Every function is idempotent: redacting redacted text changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

REDACTED = "[REDACTED]"
REDACTED_KEY = "[REDACTED PRIVATE KEY]"

_PEM_KEY = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]*?PRIVATE KEY(?: BLOCK)?)-----"
    r".*?"
    r"(?:-----END [A-Z0-9 ]*?PRIVATE KEY(?: BLOCK)?-----|(?=\")|\Z)",
    re.DOTALL,
)

# Normalised key (lower case, no "_" / "-") ending in one of these is sensitive.
_KEY_SUFFIXES = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "privatekey",
    "token",
    "presharedkey",
    "apikey",
    "psk",
    "secretkey",
    "privkey",
    "clientkey",
    "credentials",
    "credential",
    "cookie",
    "apitoken",
    "authtoken",
)
# Normalised key containing one of these anywhere is sensitive.
_KEY_INFIXES = ("password", "privatekey", "privkey", "passphrase", "clientsecret", "presharedkey", "secretkey")
_JWK_PRIVATE = frozenset({"d", "p", "q", "dp", "dq", "qi", "k"})

_JSON_KEY = re.compile(r'"(?P<key>(?:[^"\\]|\\.){1,80})"\s*:\s*')
_FORM_PAIR = re.compile(r"(?<![\w\"'])(?P<key>[A-Za-z][\w.-]{0,60})=(?P<value>[^&\s\"',;]+)")
_COLON_KEY = re.compile(r"(?<![\w.-])(?P<key>[A-Za-z][\w.-]{0,60})[ \t]*:[ \t]*")
_FIELD_START = frozenset("\r\n\"'>{,;([")  # a key after one of these (or at the start) is a field name
# inside prose (text flattened to one line, e.g. by a report's shortening) only an unmistakable name is a field
_STRONG_INFIXES = ("password", "passwd", "passphrase", "apikey", "cookie", "privatekey", "clientsecret")
# ``password: hunter2``: the value runs to the end of the line (or a quote / tag)
_COLON_VALUE = re.compile(r"\"[^\"\r\n]*\"?|'[^'\r\n]*'?|[^\s\"'<>][^\r\n\"'<>]*")
_XML_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z][\w:.-]{0,60})>(?P<value>[^<]*)</(?P=tag)>")
_AUTH_HEADER = re.compile(
    r"(?P<prefix>\b(?:proxy-)?authorization\"?\s*:\s*\"?)"
    r"(?P<scheme>(?:bearer|basic|digest|negotiate|token|apikey)\s+)?"
    r"(?P<cred>[^\"\r\n]+)",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(?P<scheme>Bearer)\s+(?P<cred>[A-Za-z0-9._~+/-]+=*)")
_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)


def is_sensitive_key(name: str) -> bool:
    """Whether a JSON member / form field / header with this name holds a secret."""
    norm = re.sub(r"[_\-\s]", "", name).lower()
    if not norm:
        return False
    return norm.endswith(_KEY_SUFFIXES) or any(part in norm for part in _KEY_INFIXES)


def redact_pem(text: str) -> str:
    """Replace every PEM private-key block (any key type, encrypted or not)."""
    return _PEM_KEY.sub(REDACTED_KEY, text)


def _value_end(text: str, start: int) -> int:
    """End index of the JSON value starting at ``start`` (tolerant of broken JSON)."""
    if start >= len(text):
        return start
    first = text[start]
    if first == '"':
        i = start + 1
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == '"':
                return i + 1
            i += 1
        return len(text)
    if first in "{[":
        depth, i, in_str = 0, start, False
        while i < len(text):
            ch = text[i]
            if in_str:
                if ch == "\\":
                    i += 1
                elif ch == '"':
                    in_str = False
            elif ch == '"':
                in_str = True
            elif ch in "{[":
                depth += 1
            elif ch in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return len(text)
    match = re.compile(r"[^,}\]\s]*").match(text, start)
    return match.end() if match else start


def redact_json_values(text: str) -> str:
    """Replace the values of sensitive JSON members by ``"[REDACTED]"``, keeping layout."""
    jwk = '"kty"' in text
    out: list[str] = []
    pos = 0
    for match in _JSON_KEY.finditer(text):
        if match.start() < pos:
            continue  # inside a value we already replaced
        key = match.group("key")
        if not (is_sensitive_key(key) or (jwk and key in _JWK_PRIVATE)):
            continue
        start = match.end()
        end = _value_end(text, start)
        if end <= start or text[start:end] == f'"{REDACTED}"' or text[start:end] == "null":
            continue
        out.append(text[pos:start])
        out.append(f'"{REDACTED}"')
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _redact_form(match: re.Match[str]) -> str:
    if is_sensitive_key(match.group("key")) and match.group("value") != REDACTED:
        return f"{match.group('key')}={REDACTED}"
    return match.group(0)


def _colon_field(text: str, start: int, key: str) -> bool:
    """Whether ``key:`` at ``start`` names a secret: a sensitive field name, not a word of prose ("no secret: x")."""
    if not is_sensitive_key(key):
        return False
    before = text[:start].rstrip(" \t")[-1:]
    if not before or before in _FIELD_START:
        return True
    norm = re.sub(r"[_\-\s]", "", key).lower()
    return any(part in norm for part in _STRONG_INFIXES) or bool(re.search(r"[_.-]", key))


def redact_colon_values(text: str) -> str:
    """Replace the values of ``key: value`` pairs with a sensitive key (plain text, YAML, header lines)."""
    out: list[str] = []
    pos = 0
    for match in _COLON_KEY.finditer(text):
        if match.start() < pos or not _colon_field(text, match.start(), match.group("key")):
            continue
        value = _COLON_VALUE.match(text, match.end())
        if value is None or value.group(0).strip("\"'").strip() in (REDACTED, REDACTED_KEY, ""):
            continue
        out += [text[pos:match.end()], REDACTED]
        pos = value.end()
    out.append(text[pos:])
    return "".join(out)


def _redact_xml(match: re.Match[str]) -> str:
    tag = match.group("tag")
    if not is_sensitive_key(tag.rpartition(":")[2]) or match.group("value").strip() in (REDACTED, REDACTED_KEY, ""):
        return match.group(0)
    return f"<{tag}>{REDACTED}</{tag}>"


def _redact_auth(match: re.Match[str]) -> str:
    if match.group("cred").strip() == REDACTED:
        return match.group(0)
    return f"{match.group('prefix')}{match.group('scheme') or ''}{REDACTED}"


def redact(text: str) -> str:
    """Defence-in-depth redaction of one free text (body, header line, summary, note)."""
    if not text:
        return text
    done = _DONE.get(text)
    if done is None:
        done = _redact(text)
        if len(_DONE) >= _DONE_MAX:
            _DONE.clear()
        _DONE[text] = done
    return done


# one text is redacted for results.json, junit.xml, the HTML and every partial write: each only once
_DONE: dict[str, str] = {}
_DONE_MAX = 16384


def redacted_elsewhere(text: str) -> None:
    """``text`` is what :func:`redact` returned in another process (the report's render workers,
    harness/trace.py): this process takes it as final instead of redacting it once more."""
    if text and len(_DONE) < _DONE_MAX:
        _DONE[text] = text


def _redact(text: str) -> str:
    text = redact_pem(text)
    text = redact_json_values(text)
    text = _AUTH_HEADER.sub(_redact_auth, text)
    text = _BEARER.sub(lambda m: f"{m.group('scheme')} {REDACTED}", text)
    text = _FORM_PAIR.sub(_redact_form, text)
    text = redact_colon_values(text)
    text = _XML_ELEMENT.sub(_redact_xml, text)
    return text


def redact_header(name: str, value: str) -> str:
    """Redact one header value; credential-carrying headers keep only their scheme."""
    if name.strip().lower() in _SENSITIVE_HEADERS or is_sensitive_key(name):
        scheme, _, rest = value.strip().partition(" ")
        if rest and scheme.isalpha() and len(scheme) <= 16:
            return f"{scheme} {REDACTED}"
        return REDACTED
    return redact(value)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A redacted copy of a header mapping (order kept)."""
    return {name: redact_header(name, value) for name, value in headers.items()}
