"""Pre-flight (`nfvct check PROFILE`, and the start of `nfvct run --profile P`): before any scenario, every SUT
endpoint of the profile is probed once, with short timeouts, layer by layer: TCP, TLS (is it TLS at all, does the
server certificate verify against the profile's CA and match the host), the harness's client certificate (mTLS),
and one HTTP answer (SOL013 api_versions where the API has one). Each problem is one line naming the URL, the
profile key to fix and how; a misconfiguration is found in seconds, not as one timeout per scenario.

Endpoints (CMF): pixit.api_root (as pixit.vnfm, and as pixit.vnfm2 when given: GET {apiRoot}/nfv-cert/api_versions,
and /certnotify/v1/api_versions when the PICS claim notifications), pixit.cmp_base (any HTTP answer) and
pixit.acme.directory (the ACME directory JSON, no client certificate). SM: the approval URL of every fully-active
set, as that set's NFVO (pixit.sm.sets.<name>.nfvo). What the SUT reaches of the harness is not probed here (the
harness's listeners start with the run, and say which key when they cannot bind)."""

from __future__ import annotations

import json
import socket
import ssl
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import h11
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from harness.profile import Identity, Pixit, Profile
from harness.profile_sm import SmPixit

CONNECT_SECONDS = 3.0
TOTAL_SECONDS = 5.0
HOSTNAME_CODES = (62, 64)  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
EXPIRY_CODES = (9, 10)  # X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED
CLIENT_ALERTS = ("UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN", "CERTIFICATE_REQUIRED", "ACCESS_DENIED",
                 "UNSUPPORTED_CERTIFICATE", "CERTIFICATE_EXPIRED", "CERTIFICATE_REVOKED", "DECRYPT_ERROR")


@dataclass(frozen=True)
class Problem:
    url: str
    key: str  # the profile key to fix
    message: str  # names the key and the fix
    warning: bool = False  # the SUT answered, but not as expected: the run judges it (exit 0 on warnings only)

    @property
    def line(self) -> str:
        return f"{'warning: ' if self.warning else ''}{self.url}: {self.message}"


@dataclass(frozen=True)
class Endpoint:
    """One SUT URL as the harness uses it: the trust anchor of its server certificate, the client identity it
    presents there, and what to GET (``expect``: "sol013" ApiVersionInformation, "acme" directory, "http" any)."""

    url: str
    key: str
    trust: Path
    trust_key: str
    identity: Identity | None
    identity_key: str
    get: str
    expect: str = "http"
    client_ca_hint: Path | None = None  # the file the SUT imports to trust ``identity`` (IMPORT.txt)


class _Found(Exception):
    def __init__(self, message: str, key: str, *, origin: bool = False, warning: bool = False) -> None:
        super().__init__(message)
        self.key, self.origin, self.warning = key, origin, warning


def endpoints(profile: Profile) -> list[Endpoint]:
    """The SUT endpoints of ``profile`` as the harness uses them, in profile order."""
    pixit = profile.pixit
    if isinstance(pixit, SmPixit):
        return [Endpoint(s.approval_url, f"pixit.sm.sets.{s.name}.approval_url", pixit.server_ca,
                         "pixit.sm.server_ca", Identity(s.nfvo.cert, s.nfvo.key), f"pixit.sm.sets.{s.name}.nfvo",
                         s.approval_url)
                for s in pixit.own_sets() if s.mode == "fully-active" and s.approval_url]
    assert isinstance(pixit, Pixit)
    hint = None  # what IMPORT.txt tells the vendor to import as the harness's client CA
    if pixit.harness is not None:
        hint = next((p for p in (pixit.harness.directory.parent / "import" / "mano_root.crt",
                                 pixit.harness.file("mano_root.crt")) if p.is_file()), None)

    def at(url: str, key: str, ident: Identity, ident_key: str, get: tuple[str, str]) -> Endpoint:
        return Endpoint(url, key, pixit.server_ca, "pixit.server_ca", ident, ident_key, *get, hint)

    root = pixit.api_root
    claimed = ((root + "/nfv-cert/api_versions", profile.pics.rest_registration),
               (root + "/certnotify/v1/api_versions", profile.pics.cert_notifications))
    gets = [(url, "sol013") for url, claim in claimed if claim] or [(root, "http")]
    out = [at(root, "pixit.api_root", pixit.vnfm, "pixit.vnfm", get) for get in gets]
    if pixit.vnfm2 is not None:
        out.append(at(root, "pixit.api_root", pixit.vnfm2, "pixit.vnfm2", gets[0]))
    out.append(at(pixit.cmp_base, "pixit.cmp_base", pixit.vnfm, "pixit.vnfm", (pixit.cmp_base, "http")))
    if pixit.acme is not None:
        trust, trust_key = ((pixit.acme.server_ca, "pixit.acme.server_ca") if pixit.acme.server_ca
                            else (pixit.server_ca, "pixit.server_ca"))
        out.append(Endpoint(pixit.acme.directory, "pixit.acme.directory", trust, trust_key, None, "",
                            pixit.acme.directory, "acme"))
    return out


def preflight(profile: Profile, *, connect: float = CONNECT_SECONDS, total: float = TOTAL_SECONDS) -> list[Problem]:
    """Every problem of the profile's SUT endpoints, in profile order; endpoints on one host:port are probed one
    after the other (a dead listener is reported once, with every key that names it), hosts in parallel."""
    groups: dict[tuple[str, str, int], list[Endpoint]] = {}
    invalid = []
    for endpoint in endpoints(profile):
        try:
            groups.setdefault(origin(endpoint.url), []).append(endpoint)
        except ValueError as exc:  # e.g. a port that is not a number
            invalid.append(Problem(endpoint.url, endpoint.key, f"not a valid URL: {exc} ({endpoint.key})"))
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(groups)))) as pool:
        found = list(pool.map(lambda group: _probe_group(group, connect, total), groups.values()))
    return list(dict.fromkeys(invalid + [p for problems in found for p in problems]))  # each line once


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _probe_group(group: list[Endpoint], connect: float, total: float) -> list[Problem]:
    problems: list[Problem] = []
    for endpoint in group:
        try:
            try:
                _probe(endpoint, connect, total)
            except (ValueError, OSError, h11.ProtocolError) as exc:  # anything the layers above did not name
                raise _Found(f"probing failed: {type(exc).__name__}: {exc}", endpoint.key) from None
        except _Found as found:
            if found.origin:  # the listener itself: the same for every endpoint on it
                keys = ", ".join(dict.fromkeys(e.key for e in group))
                return [*problems, Problem(endpoint.url, found.key or keys, f"{found} ({keys})")]
            problem = Problem(endpoint.url, found.key, str(found), found.warning)
            if all(p.message != problem.message for p in problems):
                problems.append(problem)
    return problems


def _probe(e: Endpoint, connect: float, total: float) -> None:
    scheme, host, port = origin(e.url)
    deadline = time.monotonic() + total
    sock = _tcp(host, port, connect)
    try:
        if scheme == "https":
            sock = _tls(sock, e, host, port, deadline, connect, total)
        _http(sock, e, deadline, total)
    finally:
        sock.close()


def _tcp(host: str, port: int, connect: float) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=connect)
    except socket.gaierror as exc:
        raise _Found(f"cannot resolve host {host}: {exc.strerror}", "", origin=True) from None
    except ConnectionRefusedError:
        raise _Found(f"nothing listening at {host}:{port}: start the SUT, or correct the URL", "",
                     origin=True) from None
    except TimeoutError:
        raise _Found(f"no TCP answer from {host}:{port} within {connect:g} s (wrong host, or a firewall)", "",
                     origin=True) from None
    except OSError as exc:
        raise _Found(f"cannot connect to {host}:{port}: {exc.strerror or exc}", "", origin=True) from None


def unreachable(url: str, connect: float = CONNECT_SECONDS) -> str | None:
    """Why nothing answers TCP at ``url``'s host and port, or None when something does (a scenario that judges
    the SUT's silence asks this first: silence from a SUT that is not there is not a FAIL)."""
    _, host, port = origin(url)
    try:
        _tcp(host, port, connect).close()
    except _Found as found:
        return f"{url}: {found.args[0]}"
    return None


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _tls(sock: socket.socket, e: Endpoint, host: str, port: int, deadline: float, connect: float,
         total: float) -> ssl.SSLSocket:
    where = f"{host}:{port}"
    try:
        context = ssl.create_default_context(cafile=str(e.trust))
        if e.identity is not None:
            context.load_cert_chain(str(e.identity.cert), str(e.identity.key))
    except (ssl.SSLError, OSError) as exc:
        raise _Found(f"cannot load {e.trust_key} or {e.identity_key}: {exc}", e.trust_key) from None
    sock.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        return context.wrap_socket(sock, server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        reason = exc.verify_message or exc.reason or str(exc)
        if exc.verify_code in EXPIRY_CODES:
            raise _Found(f"the SUT's TLS server certificate is not valid now: {reason}: renew it", "",
                         origin=True) from None
        if exc.verify_code in HOSTNAME_CODES:
            raise _Found(f"server certificate does not match host {host}: {reason.rstrip('.')}: put a name the "
                         "SUT's certificate has in the URL", "", origin=True) from None
        raise _Found(f"server certificate does not verify against {e.trust_key} (file {e.trust}): {reason}: set "
                     f"{e.trust_key} to the CA that issued the SUT's TLS server certificate", e.trust_key) from None
    except ssl.SSLError as exc:
        if _client_refused(exc):
            raise _Found(_refused(e, exc.reason or str(exc)), e.identity_key or e.key) from None
        if _plain_http(host, port, deadline, connect):
            raise _Found(f"https URL but the server at {where} speaks plain HTTP ({exc.reason}): use http:// in "
                         f"the URL, or the SUT's TLS port", "", origin=True) from None
        closed = isinstance(exc, ssl.SSLEOFError) and e.identity is not None
        hint = f"; if it refused the client certificate, see {e.identity_key}" if closed else " (is it a TLS port?)"
        raise _Found(f"TLS handshake with {where} failed: {exc.reason or exc}{hint}", "", origin=True) from None
    except TimeoutError:
        raise _Found(f"accepted the connection but did not complete a TLS handshake within {total:g} s", "",
                     origin=True) from None
    except OSError as exc:
        if _plain_http(host, port, deadline, connect):
            raise _Found(f"https URL but the server at {where} speaks plain HTTP: use http:// in the URL, or the "
                         "SUT's TLS port", "", origin=True) from None
        raise _Found(f"TLS handshake with {where} failed: {type(exc).__name__}: {exc}", "", origin=True) from None


def _client_refused(exc: ssl.SSLError) -> bool:
    reason = (exc.reason or str(exc)).upper()
    return "ALERT" in reason and any(a in reason for a in CLIENT_ALERTS)


def _refused(e: Endpoint, reason: str) -> str:
    if e.identity is None:
        return f"the SUT asks for a client certificate the harness does not present at {e.key} ({reason})"
    fix = f"import the CA that issued {e.identity.cert} into the SUT as a trusted client CA"
    if e.client_ca_hint is not None and _chains_to(e.identity.cert, e.client_ca_hint):
        fix = f"import {e.client_ca_hint} into the SUT as a trusted client CA"
    return (f"the SUT refused the harness's client certificate {e.identity.cert.name} ({reason}): {fix}, or set "
            f"{e.identity_key} to an identity it trusts")


def _chains_to(cert: Path, anchor: Path) -> bool:
    try:
        chain = {c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(cert.read_bytes())}
        return any(c.public_bytes(Encoding.DER) in chain for c in x509.load_pem_x509_certificates(anchor.read_bytes()))
    except (OSError, ValueError):
        return False


def _plain_http(host: str, port: int, deadline: float, connect: float) -> bool:
    """Whether a fresh connection answers a plain-HTTP request with an HTTP status line."""
    try:
        with socket.create_connection((host, port), timeout=connect) as plain:
            plain.settimeout(max(0.5, deadline - time.monotonic()))
            plain.sendall(f"GET / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
            return plain.recv(16).startswith(b"HTTP/")
    except OSError:
        return False


def _http(sock: socket.socket, e: Endpoint, deadline: float, total: float) -> None:
    """One GET over the connection; an HTTP answer of any status passes here, :func:`_judge` says the rest."""
    parts = urlsplit(e.get)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = h11.Connection(h11.CLIENT)
    request = h11.Request(method="GET", target=target, headers=[
        ("Host", parts.netloc), ("Accept", "application/json"), ("Connection", "close"),
        ("User-Agent", "nfvct-preflight")])
    status, body, received = 0, b"", 0
    try:
        sock.settimeout(_remaining(deadline))
        sock.sendall(conn.send(request) + conn.send(h11.EndOfMessage()))
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                sock.settimeout(_remaining(deadline))
                data = sock.recv(65536)
                received += len(data)
                conn.receive_data(data)
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                body += event.data[:65536 - len(body)]
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                break
    except TimeoutError:
        if not status:
            raise _Found(f"accepted the connection but did not answer HTTP within {total:g} s", "",
                         origin=True) from None
    except ssl.SSLError as exc:
        if _client_refused(exc):
            raise _Found(_refused(e, exc.reason or str(exc)), e.identity_key or e.key) from None
        raise _Found(f"TLS failed after the handshake: {exc.reason or exc}", e.key) from None
    except (h11.RemoteProtocolError, OSError) as exc:
        if not status and not received and e.identity is not None and isinstance(sock, ssl.SSLSocket):
            raise _Found(_refused(e, "the connection was closed right after the TLS handshake"),
                         e.identity_key) from None
        if not status:
            raise _Found(f"answered something that is not HTTP ({type(exc).__name__}: {exc})", e.key) from None
    _judge(e, status, body)


def _judge(e: Endpoint, status: int, body: bytes) -> None:
    if e.expect == "http":
        return
    if status in (401, 403) and e.identity is not None:
        raise _Found(_refused(e, f"GET {e.get} answered {status}"), e.identity_key)
    wanted = "apiVersions" if e.expect == "sol013" else "newNonce"
    try:
        ok = status == 200 and wanted in json.loads(body)
    except (ValueError, TypeError):
        ok = False
    if not ok:
        what = "ApiVersionInformation (SOL013 9.3)" if e.expect == "sol013" else "an ACME directory"
        raise _Found(f"GET {e.get} answered {status}, not {what}: is {e.key} right? (the run judges it)", e.key,
                     warning=True)


def report(problems: list[Problem], profile: Profile) -> tuple[list[str], list[str]]:
    """(stdout lines, stderr lines) of `nfvct check`: the problems on stderr; the OK lines when none is fatal."""
    errors = [p.line for p in problems]
    if any(not p.warning for p in problems):
        return [], errors
    reached = endpoints(profile)
    urls = list(dict.fromkeys(e.url for e in reached))
    if not urls:
        return ["profile OK: no SUT endpoint to probe (the SUT only connects to the harness)"], errors
    return [f"profile OK: {len(urls)} endpoints reachable"] + [f"  {u}" for u in urls], errors


def gate(profile: Profile, stream: TextIO | None = None) -> bool:
    """The pre-flight of `nfvct run --profile P`: True to go on (warnings printed); False after printing one line
    per problem and why nothing ran (the caller exits 2 without a report)."""
    stream = stream or sys.stderr
    problems = preflight(profile)
    for problem in problems:
        print(problem.line, file=stream)
    fatal = [p for p in problems if not p.warning]
    if fatal:
        print(f"nfvct: pre-flight: {len(fatal)} problem{'s' if len(fatal) > 1 else ''} with the SUT's endpoints "
              "(above); no scenario run, no report written (`nfvct check` re-checks, --no-preflight skips)",
              file=stream)
    return not fatal
