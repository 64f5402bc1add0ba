"""Test PKI generation: roots, intermediates, and end-entity certificates for the simulated actors.

Two hierarchies, kept apart on purpose so chain checks mean something:

* the MANO infrastructure root, which issues the NFV-MANO certificates the actors use for
  mTLS and CMP protection (CMF, VNFM, a second VNFM, the CA simulator), and
* the operator CA root with one issuing intermediate per certificate type (VNFCI, VNF OAM),
  which the simulated CA uses to sign what the CMF forwards.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wire.credentials import Issued, PrivateKey, new_key

__all__ = ["Issued", "PrivateKey", "new_key"]


def _name(cn: str, org: str = "NFVCT Test") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _ski(key: PrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def make_root(cn: str, *, days: int = 3650) -> Issued:
    key = new_key()
    now = datetime.now(timezone.utc)
    name = _name(cn)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(_ski(key), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_intermediate(parent: Issued, cn: str, *, days: int = 1825) -> Issued:
    key = new_key()
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(parent.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), critical=False
        )
        .sign(parent.key, hashes.SHA256())
    )
    return Issued(cert, key, (parent.cert, *parent.chain))


def make_entity(
    parent: Issued,
    cn: str,
    *,
    dns: tuple[str, ...] = (),
    ips: tuple[str, ...] = (),
    server: bool = True,
    client: bool = True,
    days: int = 365,
) -> Issued:
    """An NFV-MANO style end-entity certificate (TLS server and/or client)."""
    key = new_key()
    now = datetime.now(timezone.utc)
    usages = [u for u, on in ((ExtendedKeyUsageOID.SERVER_AUTH, server), (ExtendedKeyUsageOID.CLIENT_AUTH, client)) if on]
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(parent.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(_ski(key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), critical=False
        )
    )
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    names += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    cert = builder.sign(parent.key, hashes.SHA256())
    return Issued(cert, key, (parent.cert, *parent.chain))


@dataclass
class TestPki:
    """Every certificate a default run needs, generated fresh per run."""

    mano_root: Issued
    mano_ca: Issued
    cmf: Issued  # CMF TLS server + CMP protection certificate
    vnfm: Issued  # the VNFM's NFV-MANO certificate
    vnfm2: Issued  # a second, legitimate VNFM that is not the registered delegate
    ca_server: Issued  # TLS certificate of the CA simulator's CA-1 endpoint
    operator_root: Issued
    issuing: dict[str, Issued] = field(default_factory=dict)  # per certificate type

    def write(self, directory: Path) -> dict[str, Path]:
        """Write PEM files for servers that need paths (uvicorn, openssl). Keys stay here only."""
        directory.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for label in ("cmf", "vnfm", "vnfm2", "ca_server"):
            issued: Issued = getattr(self, label)
            paths[f"{label}.crt"] = _write(directory / f"{label}.crt", issued.chain_pem())
            paths[f"{label}.key"] = _write(directory / f"{label}.key", issued.key_pem(), private=True)
        paths["mano_root.crt"] = _write(directory / "mano_root.crt", self.mano_root.cert_pem())
        paths["operator_root.crt"] = _write(directory / "operator_root.crt", self.operator_root.cert_pem())
        return paths


def _write(path: Path, data: bytes, *, private: bool = False) -> Path:
    path.write_bytes(data)
    if private:
        path.chmod(0o600)
    return path


CERT_TYPES = ("VNFCI_certificate", "VNF_OAM_certificate")


def build_test_pki() -> TestPki:
    mano_root = make_root("NFVCT MANO Root CA")
    mano_ca = make_intermediate(mano_root, "NFVCT MANO Issuing CA")
    loopback = {"dns": ("localhost",), "ips": ("127.0.0.1",)}
    operator_root = make_root("NFVCT Operator Root CA")
    return TestPki(
        mano_root=mano_root,
        mano_ca=mano_ca,
        cmf=make_entity(mano_ca, "cmf.nfvct.test", **loopback),
        # the VNFM also serves its notification endpoint on loopback (SOL023 7.5.5)
        vnfm=make_entity(mano_ca, "vnfm-1.nfvct.test", dns=("vnfm-1.nfvct.test",), ips=("127.0.0.1",)),
        vnfm2=make_entity(mano_ca, "vnfm-2.nfvct.test", dns=("vnfm-2.nfvct.test",)),
        ca_server=make_entity(mano_ca, "ca.nfvct.test", **loopback),
        operator_root=operator_root,
        issuing={
            "VNFCI_certificate": make_intermediate(operator_root, "NFVCT VNFCI Issuing CA"),
            "VNF_OAM_certificate": make_intermediate(operator_root, "NFVCT VNF OAM Issuing CA"),
            "NFV_MANO_certificate": make_intermediate(operator_root, "NFVCT NFV-MANO Issuing CA"),
        },
    )


def write_file(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` (making the folder); ``private``: mode 0600, for keys."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


def write_pair(issued: Issued, base: Path) -> None:
    """``base``.crt (the chain, leaf first) and ``base``.key (0600)."""
    write_file(base.with_suffix(".crt"), issued.chain_pem())
    write_file(base.with_suffix(".key"), issued.key_pem(), private=True)


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_names(host: str) -> dict[str, tuple[str, ...]]:
    """make_entity's dns/ips for a listener reached at ``host`` (and on loopback)."""
    ips = {"127.0.0.1"} | ({host} if is_ip(host) else set())
    dns = {"localhost"} | (set() if is_ip(host) else {host})
    return {"dns": tuple(sorted(dns)), "ips": tuple(sorted(ips))}
