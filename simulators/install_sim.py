"""Installation actors of IFA026 C.2.2.3 / C.3.2.3 / C.2.2.4 (delegation mode; the CMF is not involved).

IFA006 (AllocateComputeRequest, Vi-Vnfm) and IFA008 (SetConfigurationRequest, Ve-Vnfm) have no wire
format in the specs the harness implements, so these are the harness's own bindings (README
"Installation bindings"), JSON over HTTPS with mutual TLS:

* ``POST /vim/v1/compute`` AllocateComputeRequest ``{"vnfcId", "certificate": PEM, "privateKey": PEM,
  "chain": [PEM, ...]}`` -> 201 AllocateComputeResponse ``{"computeId", "vnfcAddress"}``;
* ``POST /vnfi/v1/configuration`` SetConfigurationRequest, same credential members plus
  ``"vnfcAddress"`` -> 200 SetConfigurationResponse ``{"vnfcAddress"}``.

A VNFCI "has" its certificate, chain and private key when it serves TLS with them on 127.0.0.1:
the harness proves the installation by a handshake verified against the CA trust anchor.
Key stores (VNFM and VIM) expose what they still hold, for the Vnfm.Sc.005 / Vim.Sc.008 checks:
the harness's stand-in for what a VNFM or VIM vendor would have to attest.
"""

from __future__ import annotations

import ssl
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.hmee import fetch_key_pair
from wire.credentials import Issued
from wire.serve import TlsFiles, serve


@dataclass
class KeyStore:
    """Private keys held for VNFCIs, with install attempts and age (Vnfm.Sc.005: attempts or retention)."""

    max_attempts: int = 2
    retention_seconds: float = 0.5
    keep_forever: bool = False  # a fault: never deletes
    _keys: dict[str, tuple[str, float, int]] = field(default_factory=dict)  # vnfc -> (PEM, stored, attempts)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, vnfc: str, key_pem: str) -> None:
        with self._lock:
            self._keys[vnfc] = (key_pem, time.monotonic(), 0)

    def get_for_attempt(self, vnfc: str) -> str | None:
        self.purge()
        with self._lock:
            if vnfc not in self._keys:
                return None
            pem, stored, attempts = self._keys[vnfc]
            self._keys[vnfc] = (pem, stored, attempts + 1)
            return pem

    def delete(self, vnfc: str) -> None:
        if not self.keep_forever:
            with self._lock:
                self._keys.pop(vnfc, None)

    def purge(self) -> None:
        """Delete keys whose attempts are used up or whose retention period expired, whichever first."""
        if self.keep_forever:
            return
        now = time.monotonic()
        with self._lock:
            for vnfc, (_, stored, attempts) in list(self._keys.items()):
                if attempts >= self.max_attempts or now - stored >= self.retention_seconds:
                    del self._keys[vnfc]

    def holds(self, vnfc: str) -> bool:
        self.purge()
        with self._lock:
            return vnfc in self._keys


class Vnfci:
    """A VNFC instance: serves TLS on 127.0.0.1 with whatever credentials were installed into it."""

    def __init__(self, stack: ExitStack, workdir: Path) -> None:
        self._stack, self._dir = stack, Path(tempfile.mkdtemp(prefix="vnfci-", dir=workdir))

    @property
    def directory(self) -> Path:
        return self._dir

    def install(self, cert_pem: str, key_pem: str, chain: list[str]) -> str:
        """Install and start serving; the key file lives only in the VNFCI's own directory. Returns its URL."""
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
        if cert.public_key() != key.public_key():
            raise RuntimeError("the certificate does not certify the private key")
        ident = uuid.uuid4().hex[:8]
        cert_file, key_file = self._dir / f"{ident}.crt", self._dir / f"{ident}.key"
        cert_file.write_text(cert_pem + "".join(chain))
        key_file.touch(mode=0o600)
        key_file.write_text(key_pem)
        app = Starlette(routes=[Route("/", lambda request: Response("VNFCI", media_type="text/plain"))])
        served = self._stack.enter_context(serve(app, TlsFiles(cert_file, key_file, None, "none"), name="vnfci"))
        return served.base_url


@dataclass
class InstallSimulators:
    """The VIM and the VNFI of the installation use cases, with their named faults."""

    stack: ExitStack
    workdir: Path
    faults: frozenset[str] = frozenset()
    vim_keys: KeyStore = field(default_factory=KeyStore)
    fail_allocations: int = 0  # the VIM refuses this many AllocateComputeRequests first (installation attempts)
    hmee_credentials: dict[str, Issued] = field(default_factory=dict)  # vnfcId -> remote attestation credential
    hmee_hooks: dict[str, Any] = field(default_factory=dict)  # httpx event hooks of the HMEE's client (the trace)

    def __post_init__(self) -> None:
        self.vim_keys.keep_forever = "vim-keeps-key" in self.faults
        self._vnfci = Vnfci(self.stack, self.workdir)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/vim/v1/compute", self._allocate, methods=["POST"]),
                                 Route("/vnfi/v1/configuration", self._configure, methods=["POST"])])

    def _credentials(self, body: Any) -> tuple[str, str, str, list[str]]:
        if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in
                                                 ("vnfcId", "certificate", "privateKey")):
            raise ValueError("vnfcId, certificate and privateKey are required")
        chain = [c for c in body.get("chain", []) if isinstance(c, str)]
        if "vnfi-no-chain" in self.faults:
            chain = []
        return body["vnfcId"], body["certificate"], body["privateKey"], chain

    async def _allocate(self, request: Request) -> Response:
        try:
            vnfc, cert, key, chain = self._credentials(await request.json())
        except ValueError as exc:
            return JSONResponse({"status": 400, "detail": str(exc)}, status_code=400)
        if self.fail_allocations > 0:
            self.fail_allocations -= 1
            return JSONResponse({"status": 503, "detail": "no compute capacity (simulated)"}, status_code=503)
        self.vim_keys.put(vnfc, key)  # the VIM handles the key only to install it (Vim.Sc.007)
        try:
            address = self._vnfci.install(cert, key, chain)  # C.2.2.3 step 1: instantiate and install
        except RuntimeError as exc:  # e.g. the certificate does not belong to the private key
            return JSONResponse({"status": 422, "detail": f"installation failed: {exc}"}, status_code=422)
        finally:
            self.vim_keys.delete(vnfc)  # Vim.Sc.008: deleted once the installation attempt has been made
        return JSONResponse({"computeId": str(uuid.uuid4()), "vnfcAddress": address}, status_code=201)

    async def _configure(self, request: Request) -> Response:
        body = await request.json()
        if isinstance(body, dict) and "hsm" in body:  # C.2.2.4.7: the key pair comes from the HSM to the HMEE
            return await self._configure_hmee(body)
        try:
            _, cert, key, chain = self._credentials(body)
        except ValueError as exc:
            return JSONResponse({"status": 400, "detail": str(exc)}, status_code=400)
        try:
            return JSONResponse({"vnfcAddress": self._vnfci.install(cert, key, chain)})
        except RuntimeError as exc:
            return JSONResponse({"status": 422, "detail": f"installation failed: {exc}"}, status_code=422)


    async def _configure_hmee(self, body: dict[str, Any]) -> Response:
        """IFA026 C.2.2.4.7 steps 1-4: install certificate and chain, then the HMEE fetches its key pair from the
        HSM over TLS (HSM certificate from the request, the HMEE's attestation credential) and installs it."""
        from starlette.concurrency import run_in_threadpool

        vnfc, cert, hsm = body.get("vnfcId"), body.get("certificate"), body.get("hsm")
        if not isinstance(vnfc, str) or not isinstance(cert, str) or not isinstance(hsm, dict):
            return JSONResponse({"status": 400, "detail": "vnfcId, certificate and hsm are required"}, status_code=400)
        chain = [] if "vnfi-no-chain" in self.faults else [c for c in body.get("chain", []) if isinstance(c, str)]
        credential = self.hmee_credentials.get(vnfc)
        if credential is None:
            return JSONResponse({"status": 422, "detail": f"{vnfc}: no attested HMEE"}, status_code=422)
        try:
            key_pem = await run_in_threadpool(fetch_key_pair, self._vnfci.directory, vnfc, hsm, credential,
                                              self.hmee_hooks)
            return JSONResponse({"vnfcAddress": self._vnfci.install(cert, key_pem, chain)})
        except (RuntimeError, ValueError, KeyError, httpx.HTTPError, ssl.SSLError) as exc:
            return JSONResponse({"status": 422, "detail": f"installation failed: {type(exc).__name__}: {exc}"},
                                status_code=422)


def start_install_simulators(stack: ExitStack, workdir: Path, tls: TlsFiles,
                             faults: frozenset[str]) -> tuple[InstallSimulators, str]:
    sims = InstallSimulators(stack, workdir, faults)
    served = stack.enter_context(serve(sims.app(), tls, name="vim-vnfi"))
    return sims, served.base_url
