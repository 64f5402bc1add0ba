"""The reference CMF's side of CA-1 (the harness binding served by simulators.ca)."""

from __future__ import annotations

import ssl
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


class CaClient:
    def __init__(self, endpoint: CaEndpoint, timeout: float = 10.0) -> None:
        self.endpoint = endpoint
        self._ssl = ssl.create_default_context(cafile=str(endpoint.server_ca))
        self._ssl.load_cert_chain(str(endpoint.client_cert), str(endpoint.client_key))
        self._timeout = timeout

    async def _post(self, path: str, payload: dict[str, object]) -> httpx.Response:
        async with httpx.AsyncClient(verify=self._ssl, timeout=self._timeout) as client:
            try:
                return await client.post(self.endpoint.base_url + path, json=payload)
            except httpx.HTTPError as exc:
                raise CaError(f"CA-1 request to {path} failed: {exc}") from exc

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
