"""Parsing what the SUT sends, with the SUT (not the harness) to blame when it breaks.

Every byte the SUT sends (HTTP bodies, headers, DER, PEM, certificates, JWS) is hostile
input. Parsing it must never become a harness ERROR: ERROR is reserved for real harness
bugs (ISO/IEC 9646, DESIGN.md "Verdicts"). The rule, applied by
:meth:`harness.recorder.Recorder.check` and :func:`harness.runner.run_scenario`:

* :class:`SutInputError` says "the SUT's data could not be interpreted". Its ``violation``
  names the spec rule the data breaks when there is one (a duplicated certificate
  extension: RFC 5280 4.2), and the check that read it is **FAIL** with that reason. A
  check that expects a parseable JSON/ProblemDetails/certificate and gets an unparseable
  one also judges it **FAIL** (the SUT violated the format it had to send); the helpers
  below raise with ``violation`` set for that reason.
* Exceptions that only parsers raise on their input (``RecursionError``, ``json``
  decode errors, ``UnicodeDecodeError``, pyasn1 errors, ``CmpDecodeError``,
  ``x509.DuplicateExtension``) are mapped by :func:`classify`: a duplicate extension is a
  FAIL (RFC 5280), the others **INCONCLUSIVE** ("the SUT's answer could not be parsed: ...")
  because the harness cannot tell which rule the check wanted to judge.
* Everything else (``KeyError``, ``TypeError``, a bare ``ValueError``, ...) stays ERROR.

A scenario body broken by SUT data (outside any check) is INCONCLUSIVE for its
remaining checks: the flow could not go on, nothing was judged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from pyasn1.error import PyAsn1Error

from harness.model import Verdict

MAX_JSON_DEPTH = 200  # far above any SOL023/RFC 8555 body; far below Python's recursion limit
RFC5280_DUPLICATE = ("RFC 5280 4.2: a certificate MUST NOT include more than one instance of a "
                     "particular extension")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")


class SutInputError(Exception):
    """The SUT's data could not be interpreted; ``violation`` names the rule it breaks (if any)."""

    def __init__(self, message: str, *, violation: str = "") -> None:
        super().__init__(message)
        self.violation = violation


class JsonTooDeep(SutInputError):
    """A JSON text nested deeper than :data:`MAX_JSON_DEPTH`: callers that tolerate invalid JSON still raise it."""


@dataclass(frozen=True)
class Blame:
    """How an exception out of SUT parsing is judged."""

    verdict: Verdict
    reason: str


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)


def json_depth(data: str | bytes) -> int:
    """Maximum nesting of arrays/objects in a JSON text (iterative; strings skipped)."""
    raw = _as_bytes(data)
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return raw.count(b"[") + raw.count(b"{")  # an upper bound is enough below the limit
    depth = deepest = 0
    for byte in _STRING.sub(b'""', raw):
        if byte in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSE:
            depth -= 1
    return deepest


def parse_json(data: str | bytes, what: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` with bounded nesting; raises :class:`SutInputError` (a format violation)."""
    depth = json_depth(data)
    if depth > max_depth:
        raise JsonTooDeep(f"{what}: JSON nested {depth} levels deep (the harness reads at most {max_depth})",
                            violation=f"{what} is not a usable JSON document")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise SutInputError(f"{what}: not valid JSON ({_short(exc)})",
                            violation=f"{what} is not valid JSON") from exc


def json_or_none(data: str | bytes, what: str) -> Any:
    """The parsed JSON, or None when it is not JSON; too deep a nesting still raises :class:`JsonTooDeep`."""
    try:
        return parse_json(data, what)
    except JsonTooDeep:
        raise
    except SutInputError:
        return None


def load_certificate(data: bytes | str, what: str) -> x509.Certificate:
    """A DER or PEM certificate from the SUT, with its extensions parsed now (not lazily in a check)."""
    raw = _as_bytes(data)
    try:
        cert = x509.load_pem_x509_certificate(raw) if raw.lstrip().startswith(b"-----") \
            else x509.load_der_x509_certificate(raw)
    except (ValueError, TypeError) as exc:
        raise SutInputError(f"{what}: not a parseable X.509 certificate ({_short(exc)})",
                            violation=f"{what} is not a valid X.509 certificate") from exc
    return checked_certificate(cert, what)


def checked_certificate(cert: x509.Certificate, what: str) -> x509.Certificate:
    """Touch ``cert.extensions`` so a duplicated or malformed extension surfaces here."""
    try:
        cert.extensions  # noqa: B018 - parsed lazily by cryptography
    except x509.DuplicateExtension as exc:
        raise SutInputError(f"{what}: extension {exc.oid.dotted_string} appears more than once",
                            violation=RFC5280_DUPLICATE) from exc
    except ValueError as exc:
        raise SutInputError(f"{what}: extensions cannot be parsed ({_short(exc)})",
                            violation=f"{what} has malformed extensions (RFC 5280 4.2)") from exc
    return cert


def _short(exc: BaseException, limit: int = 200) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "..."


def classify(exc: BaseException) -> Blame | None:
    """The verdict for an exception raised while interpreting SUT data, or None (a harness ERROR)."""
    from wire.cmp import CmpDecodeError

    if isinstance(exc, SutInputError):
        if exc.violation:
            return Blame(Verdict.FAIL, f"{exc.violation}: {exc}")
        return Blame(Verdict.INCONCLUSIVE, f"the SUT's answer could not be parsed: {exc}")
    if isinstance(exc, x509.DuplicateExtension):
        return Blame(Verdict.FAIL, f"{RFC5280_DUPLICATE}: extension {exc.oid.dotted_string} appears more than once")
    if isinstance(exc, (RecursionError, json.JSONDecodeError, UnicodeError, PyAsn1Error, CmpDecodeError)):
        return Blame(Verdict.INCONCLUSIVE,
                     f"the SUT's answer could not be parsed: {type(exc).__name__}: {_short(exc)}")
    return None
