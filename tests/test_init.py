"""`nfvct init`: a persistent environment a vendor configures once; advertised URLs and certificate names follow
--host, keys are private, a re-run keeps the key material, and a listener that cannot bind is a one-line error."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from harness.env_cmf import init_cmf
from harness.listeners import Listener, listen
from harness.profile import load_profile
from harness.profile_keys import ProfileError

CLI = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"


def test_host_drives_urls_binds_and_names(tmp_path: Path) -> None:
    profile = load_profile(init_cmf(tmp_path, host="harness.lab.example"))
    for name in ("ca1", "notify", "vnfm_lcm", "attestation", "vnfci", "direct_cmp"):
        where = profile.pixit.harness.listeners[name]
        assert where.bind == "0.0.0.0" and where.url.startswith("https://harness.lab.example:"), (name, where)
    ca1 = x509.load_pem_x509_certificate((tmp_path / "harness" / "ca1.crt").read_bytes())
    names = ca1.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "harness.lab.example" in names.get_values_for_type(x509.DNSName)
    settings = (tmp_path / "reference" / "cmf.toml").read_text()
    assert 'url = "https://harness.lab.example:' in settings and 'alpn_host = "harness.lab.example"' in settings


def test_keys_private_and_kept_on_rerun(tmp_path: Path) -> None:
    init_cmf(tmp_path)
    keys = sorted(tmp_path.rglob("*.key")) + [tmp_path / "harness" / "token_authority.jwk",
                                               tmp_path / "import" / "oss_eab.json"]
    assert keys and all(k.stat().st_mode & 0o077 == 0 for k in keys), [k for k in keys if k.stat().st_mode & 0o077]
    before = {k: k.read_bytes() for k in keys}
    init_cmf(tmp_path)
    assert {k: k.read_bytes() for k in keys} == before


def test_cli_init_prints_what_to_import(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CLI, "init", str(tmp_path / "env")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "import/mano_root.crt" in done.stdout and "serve-reference --role cmf" in done.stdout
    (tmp_path / "file").write_text("x")
    bad = subprocess.run([sys.executable, "-c", CLI, "init", str(tmp_path / "file")], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "not a folder" in bad.stderr


def test_a_busy_listener_port_is_a_one_line_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ProfileError, match=rf"^pixit.harness.ca1: cannot listen on 127.0.0.1:{port}: Address already in use$"):
            with listen(object(), None, Listener(port=port), "ca1"):
                pass
