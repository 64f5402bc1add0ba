"""The reference CMF's side of CA-1 (the harness binding served by simulators.ca)."""

from __future__ import annotations

import asyncio
import ssl
import threading
import weakref
from dataclasses import dataclass

import httpx
from cryptography import x509

from reference.cmf.config import CaEndpoint


class CaError(RuntimeError):
    pass


@dataclass(frozen=True)
class CaIssued:
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]


IDLE_CLOSE_SECONDS = 0.5  # pooled connections of a loop are closed once CA-1 has not been used for this long


@dataclass
class _Pool:
    client: httpx.AsyncClient
    in_flight: int = 0
    last_used: float = 0.0
    timer: asyncio.TimerHandle | None = None


class CaClient:
    """CA-1 over HTTPS with mTLS: one pooled, persistent httpx client per event loop, so a burst of issuances
    makes one TLS handshake per connection, not one per request. The connections are closed once CA-1 has been
    idle for IDLE_CLOSE_SECONDS (an idle kept-alive TLS connection would hold up CA-1's graceful shutdown, and
    would race its keep-alive timeout), and by :meth:`close`."""

    def __init__(self, endpoint: CaEndpoint, timeout: float = 10.0, max_connections: int = 16) -> None:
        self.endpoint = endpoint
        self._ssl = ssl.create_default_context(cafile=str(endpoint.server_ca))
        self._ssl.load_cert_chain(str(endpoint.client_cert), str(endpoint.client_key))
        self._timeout = timeout
        self._limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections,
                                    keepalive_expiry=2.0)
        # an httpx.AsyncClient belongs to the loop it first ran on: one pool per loop, forgotten with its loop
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pool] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self.fault_keeps_closed_pool = False  # set by the CMP service under the fault ca-pool-closed-after-idle

    def _pool(self, loop: asyncio.AbstractEventLoop) -> _Pool:
        with self._lock:
            pool = self._pools.get(loop)
            if pool is None:
                pool = _Pool(httpx.AsyncClient(verify=self._ssl, timeout=self._timeout, limits=self._limits))
                self._pools[loop] = pool
        return pool

    def _close_if_idle(self, loop: asyncio.AbstractEventLoop, pool: _Pool) -> None:
        pool.timer = None
        idle = loop.time() - pool.last_used
        if pool.in_flight:
            return  # the last request to finish schedules the next check
        if idle < IDLE_CLOSE_SECONDS:
            pool.timer = loop.call_later(IDLE_CLOSE_SECONDS - idle, self._close_if_idle, loop, pool)
            return
        with self._lock:
            if self._pools.get(loop) is pool:
                del self._pools[loop]
            if self.fault_keeps_closed_pool:  # the fault ca-pool-closed-after-idle: the closed client stays pooled
                self._pools[loop] = pool
        loop.create_task(pool.client.aclose())

    async def _post(self, path: str, payload: dict[str, object]) -> httpx.Response:
        loop = asyncio.get_running_loop()
        pool = self._pool(loop)
        pool.in_flight += 1
        try:
            return await pool.client.post(self.endpoint.base_url + path, json=payload)
        except httpx.HTTPError as exc:
            raise CaError(f"CA-1 request to {path} failed: {exc}") from exc
        finally:
            pool.in_flight -= 1
            pool.last_used = loop.time()
            if pool.timer is None and not pool.in_flight:
                pool.timer = loop.call_later(IDLE_CLOSE_SECONDS, self._close_if_idle, loop, pool)

    def close(self, timeout: float = 2.0) -> None:
        """Close every pooled client on its own loop (call it while the loops still run, e.g. before the
        server that owns them stops); a loop already closed took its connections with it. Bounded."""
        with self._lock:
            pools = list(self._pools.items())
            self._pools.clear()
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, pool in pools:
            if loop.is_closed() or not loop.is_running():
                continue
            if loop is current:  # on the loop itself: waiting here would block it
                loop.create_task(pool.client.aclose())
                continue
            future = asyncio.run_coroutine_threadsafe(pool.client.aclose(), loop)
            try:
                future.result(timeout)
            except Exception:  # noqa: BLE001 - a stuck close must not keep the CMF from stopping
                future.cancel()

    async def issue(
        self, csr_pem: str, cert_type: str, subject_id: str, days: int, san: list[str] | None = None,
        *, seconds: float | None = None,
    ) -> CaIssued:
        payload: dict[str, object] = {
            "csr": csr_pem,
            "certType": self.endpoint.profile.get(cert_type, cert_type),
            "subjectId": subject_id,
            "validityDays": days,
        }
        if san is not None:
            payload["subjectAltName"] = san
        if seconds is not None:  # a short-lived test profile: overrides validityDays
            payload["validitySeconds"] = seconds
        response = await self._post("/ca1/v1/certificates", payload)
        if response.status_code != 201:
            raise CaError(f"CA refused the CSR: {response.status_code} {response.text[:200]}")
        data = response.json()
        cert = x509.load_pem_x509_certificate(data["certificate"].encode())
        chain = tuple(x509.load_pem_x509_certificate(c.encode()) for c in data.get("chain", []))
        return CaIssued(cert, chain)

    async def revoke(self, serial: int, reason: int | None = None) -> None:
        response = await self._post("/ca1/v1/revocations", {"serialNumber": format(serial, "x"), "reason": reason})
        if response.status_code != 200:
            raise CaError(f"CA refused the revocation: {response.status_code} {response.text[:200]}")
