"""Exceptions of the CMP codec."""

from __future__ import annotations


class CmpDecodeError(ValueError):
    """Raised by :func:`parse_message` for any input that is not a well-formed PKIMessage."""
