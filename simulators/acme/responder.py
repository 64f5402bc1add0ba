"""The NFV-MANO entity's TLS-ALPN-01 responder (RFC 8737 3), on loopback: for each FQDN under validation it
presents a self-signed certificate naming only that FQDN with a critical acmeIdentifier extension (SHA-256 of the
key authorization, DER OCTET STRING via pyasn1) to clients negotiating ALPN acme-tls/1. It records every probe,
so a check can tell whether the CMF really validated."""

from __future__ import annotations

import errno
import hashlib
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyasn1.codec.der import encoder as der_encoder
from pyasn1.type import univ

from harness.profile_keys import ProfileError
from harness.trace import Trace
from wire.acme import ACME_IDENTIFIER_OID, ACME_TLS_ALPN
from wire.serve import LOOPBACK, take_reserved


@dataclass(frozen=True)
class ProbeSeen:
    fqdn: str
    alpn: str
    at: float


def challenge_cert(fqdn: str, key_auth: str) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) of the RFC 8737 3 validation certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    digest = der_encoder.encode(univ.OctetString(hashlib.sha256(key_auth.encode()).digest()))
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acme-tls-alpn-01")]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acme-tls-alpn-01")]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(fqdn)]), critical=False)
            .add_extension(x509.UnrecognizedExtension(ACME_IDENTIFIER_OID, digest), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class TlsAlpnResponder:
    """Serves on 127.0.0.1:``port`` (0: ephemeral) until closed; one connection at a time, bounded."""

    def __init__(self, trace: Trace | None = None, *, port: int = 0, actor: str = "MANO entity",
                 host: str = LOOPBACK) -> None:
        self.trace, self.actor = trace, actor
        self.probes: list[ProbeSeen] = []
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="nfvct-alpn-")
        held = take_reserved(host, port) if port else None  # an embedded environment's port, held until now
        if held is not None:
            held.close()
        self._sock = self._bind(host, port)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._sni = ""  # the name of the connection being served (one at a time)
        self._default = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._default.set_alpn_protocols([ACME_TLS_ALPN])
        self._default.sni_callback = self._select
        self._thread = threading.Thread(target=self._serve, name="nfvct-tls-alpn", daemon=True)
        self._thread.start()

    @staticmethod
    def _bind(host: str, port: int, patience: float = 3.0) -> socket.socket:
        """Listen on ``host:port``; a fixed port still held for a moment (the previous run's responder on the same
        environment winding down) is retried for ``patience`` seconds, bounded, before it is a profile error."""
        deadline = time.monotonic() + patience
        while True:
            try:
                return socket.create_server((host, port))
            except OSError as exc:
                if not port or exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                    raise ProfileError(f"pixit.harness.alpn: could not listen on {host}:{port}: {exc.strerror}") \
                        from None
                time.sleep(0.1)

    def serve_challenge(self, fqdn: str, key_auth: str) -> None:
        cert_pem, key_pem = challenge_cert(fqdn, key_auth)
        base = Path(self._tmp.name) / fqdn
        base.with_suffix(".crt").write_bytes(cert_pem)
        base.with_suffix(".key").write_bytes(key_pem)
        base.with_suffix(".key").chmod(0o600)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.set_alpn_protocols([ACME_TLS_ALPN])
        context.load_cert_chain(str(base.with_suffix(".crt")), str(base.with_suffix(".key")))
        self._contexts[fqdn.lower()] = context

    def withdraw(self, fqdn: str) -> None:
        self._contexts.pop(fqdn.lower(), None)

    def probes_for(self, fqdn: str) -> list[ProbeSeen]:
        return [p for p in self.probes if p.fqdn == fqdn.lower()]

    def _select(self, sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> int | None:
        context = self._contexts.get((name or "").lower())
        self._sni = (name or "").lower()
        if context is None:
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        sock.context = context
        return None

    def _serve(self) -> None:
        deadline = time.monotonic() + 3600  # bounded even if never closed
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(3)
            try:
                with self._default.wrap_socket(conn, server_side=True) as tls:
                    name = self._sni
                    alpn = tls.selected_alpn_protocol() or ""
                    self.probes.append(ProbeSeen(name.lower(), alpn, time.time()))
                    if self.trace is not None:
                        self.trace.record("CMF", self.actor, "note",
                                          f"tls-alpn-01 validation connection: SNI {name}, ALPN {alpn}",
                                          channel="TLS (RFC 8737)")
            except (OSError, ssl.SSLError):
                conn.close()

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()
        self._tmp.cleanup()
