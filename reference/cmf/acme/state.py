"""In-memory state of the reference CMF's ACME server: accounts, initial credentials, orders, authorizations,
challenges and certificates, behind one lock."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

import josepy as jose


def new_id() -> str:
    return secrets.token_urlsafe(12)


@dataclass
class Account:
    id: str
    jwk: jose.JWK
    contact: list[str]
    kind: str  # "registration" (made by a trusted OSS for one FQDN) or "entity" (the NFV-MANO entity's own)
    fqdn: str
    status: str = "valid"
    registration: str = ""  # entity accounts: the registration they were created under
    attestation: dict[str, Any] | None = None  # registered key attestation (IFA033 11.2.1), registration accounts
    orders: list[str] = field(default_factory=list)


@dataclass
class Credential:
    """An initial credential (harness binding: an EAB key) issued to the OSS on registration."""

    kid: str
    key: bytes
    registration: str
    uses_left: int


@dataclass
class Challenge:
    id: str
    authz: str
    type: str
    token: str
    status: str = "pending"
    error: dict[str, Any] | None = None
    validated: str = ""


@dataclass
class Authz:
    id: str
    order: str
    fqdn: str
    expires: str
    challenges: list[str]
    status: str = "pending"


@dataclass
class Order:
    id: str
    account: str
    identifiers: list[dict[str, str]]
    expires: str
    authzs: list[str]
    status: str = "pending"
    cert: str = ""
    error: dict[str, Any] | None = None


@dataclass
class CertRecord:
    id: str
    account: str
    chain_pem: bytes
    serial: int
    der: bytes
    revoked: bool = False


@dataclass
class AcmeState:
    accounts: dict[str, Account] = field(default_factory=dict)
    credentials: dict[str, Credential] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    authzs: dict[str, Authz] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    certs: dict[str, CertRecord] = field(default_factory=dict)
    nonces: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_nonce(self) -> str:
        nonce = jose.b64encode(secrets.token_bytes(16)).decode()
        with self.lock:
            if len(self.nonces) > 10_000:  # bounded: the oldest are forgotten (a client then gets badNonce)
                self.nonces.clear()
            self.nonces.add(nonce)
        return nonce

    def use_nonce(self, nonce: str) -> bool:
        with self.lock:
            if nonce in self.nonces:
                self.nonces.discard(nonce)
                return True
            return False

    def account_by_key(self, jwk: jose.JWK) -> Account | None:
        thumb = jwk.thumbprint()
        return next((a for a in self.accounts.values() if a.jwk.thumbprint() == thumb), None)
