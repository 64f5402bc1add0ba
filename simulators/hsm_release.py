"""The VNFM-integrated HSM's key release to a VNFCI's HMEE (IFA026 C.2.2.4.7 steps 2-4), the harness's binding.

IFA026 leaves the HMEE-HSM protocol out of scope (table C.2.2.4.7-2 NOTE). The binding: HTTPS on 127.0.0.1 with
the HSM certificate as server certificate (the VNFM gives it to the VNFI in SetConfigurationRequest, step 0) and
the HMEE's remote attestation credential as client certificate (issued by the attestation service once the HMEE
was attested: pre-condition 4; its CN is the VNFCI identifier). ``POST /hsm/v1/keys/{vnfcId}`` with
``{"wrappingKey": PEM of the HMEE's RSA public key}`` -> 200 ``{"wrappedKey", "wrappedPrivateKey"}`` (base64; see
simulators/delegation_hsm.py for the wrap); 403 for a credential that is not that VNFCI's attested HMEE. TLS
accepts only client certificates of the attestation service (``client_ca``).
"""

from __future__ import annotations

import base64
import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.delegation_hsm import DelegationHsm
from wire.serve import TlsFiles, serve


@dataclass
class HsmKeyRelease:
    hsm: DelegationHsm
    faults: frozenset[str] = frozenset()
    keys: dict[str, Any] = field(default_factory=dict)  # vnfcId -> private key handle on the token
    released: list[tuple[str, str]] = field(default_factory=list)  # (vnfcId, client CN) of every key handed out
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _client_cn(self, request: Request) -> str | None:
        der = getattr(request.state, "tls_client_cert", None)
        if not der:
            return None
        names = x509.load_der_x509_certificate(der).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else ""

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hsm/v1/keys/{vnfc}", self.release, methods=["POST"])])

    async def release(self, request: Request) -> Response:
        vnfc = request.path_params["vnfc"]
        client = self._client_cn(request)
        if client != vnfc and "hsm-releases-to-anyone" not in self.faults:
            return JSONResponse({"status": 403, "detail": "not the attested HMEE of this VNFCI"}, status_code=403)
        try:
            body = await request.json()
            wrapping = serialization.load_pem_public_key(str(body["wrappingKey"]).encode())
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"status": 400, "detail": f"wrappingKey (an RSA public key PEM) needed: {exc}"},
                                status_code=400)
        if not isinstance(wrapping, rsa.RSAPublicKey) or wrapping.key_size < 2048:
            return JSONResponse({"status": 400, "detail": "wrappingKey must be RSA, 2048 bits or more"}, status_code=400)
        with self._lock:
            private = self.keys.get(vnfc)
        if private is None:
            return JSONResponse({"status": 404, "detail": f"no key pair for {vnfc}"}, status_code=404)
        wrapped_key, wrapped_private = await run_in_threadpool(self.hsm.wrap_for, private, wrapping)
        with self._lock:
            self.released.append((vnfc, client or ""))
        return JSONResponse({"wrappedKey": base64.b64encode(wrapped_key).decode(),
                             "wrappedPrivateKey": base64.b64encode(wrapped_private).decode()})


def start_hsm_release(stack: ExitStack, release: HsmKeyRelease, cert: Path, key: Path,
                      attestation_ca: Path) -> str:
    """Serve the key release on 127.0.0.1 (ephemeral port) until ``stack`` closes; returns its base URL."""
    auth = "none" if "hsm-releases-to-anyone" in release.faults else "optional"
    served = stack.enter_context(serve(release.app(), TlsFiles(cert, key, None if auth == "none" else attestation_ca, auth),
                                       name="hsm-release"))
    return served.base_url
