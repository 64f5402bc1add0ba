"""Checks of the installation use cases C.2.2.3 / C.3.2.3 / C.2.2.4 and of key deletion (Vnfm.Sc.005, Vim.Sc.008).

The CMF is not involved in these use cases: they verify the harness's simulated VNFM, VIM and
VNFI, replayed simulator to simulator (for standards contributors, and for a VNFM or VIM vendor
who later takes a role as SUT). They never count for a vendor CMF: against a vendor profile the
scenarios are NOT APPLICABLE.
"""

from __future__ import annotations

from harness.checks.registry import Observation, Result, check, inconclusive, verdict_of

SIM = "verified on the harness's simulated {}, simulator to simulator: the CMF is not involved"


def _installed(obs: Observation) -> Result:
    """The VNFCI serves TLS with the delivered certificate, proving its private key, and a chain to the anchor."""
    expected = ("TLS handshake with the VNFCI verified against the CA trust anchor; the leaf it presents is the "
                "certificate the VNFM delivered")
    if obs.facts.get("not_installed"):
        return inconclusive(obs.facts["not_installed"], expected)
    error, served, delivered = obs.facts.get("error"), obs.facts.get("served"), obs.facts["delivered"]
    if error:
        return verdict_of(False, expected, f"handshake failed: {error}")
    return verdict_of(served == delivered, expected, "the delivered certificate, chain verified" if
                      served == delivered else "a different certificate is served")


for _name, _req in (("installed-c2-2-3", "IFA026:C.2.2.3.5:installed"), ("installed-c3-2-3", "IFA026:C.3.2.3.5:installed"),
                    ("installed-c2-2-4", "IFA026:C.2.2.4.5:installed")):
    check(_name, _req, scope=SIM.format("VIM and VNFI"))(_installed)


@check("vnfm-key-deleted-after-attempts", "Vnfm.Sc.005", scope=SIM.format("VNFM"))
def vnfm_key_deleted_after_attempts(obs: Observation) -> Result:
    """The VNFM no longer holds the VNFCI private key once its configured install attempts were made."""
    expected = f"key deleted after {obs.facts['max_attempts']} install attempt(s)"
    return verdict_of(not obs.facts["holds"], expected, f"{obs.facts['attempts']} attempt(s) made; key "
                      + ("still held" if obs.facts["holds"] else "deleted"))


@check("vnfm-key-deleted-after-retention", "Vnfm.Sc.005", scope=SIM.format("VNFM"))
def vnfm_key_deleted_after_retention(obs: Observation) -> Result:
    """The VNFM no longer holds the VNFCI private key once the configured retention time expired."""
    expected = f"key deleted {obs.facts['retention']} s after it was stored"
    return verdict_of(not obs.facts["holds"], expected, "still held" if obs.facts["holds"] else "deleted")


@check("vim-key-deleted", "Vim.Sc.008", scope=SIM.format("VIM"))
def vim_key_deleted(obs: Observation) -> Result:
    """The VIM no longer holds the VNFCI private key once the installation attempt has been made."""
    return verdict_of(not obs.facts["holds"], "no copy of the key at the VIM after the installation",
                      "still held" if obs.facts["holds"] else "deleted")


@check("set-configuration-hsm", "IFA026:C.2.2.4.7:set-configuration", scope=SIM.format("VNFM"))
def set_configuration_hsm(obs: Observation) -> Result:
    """C.2.2.4.7 step 0: SetConfigurationRequest carries the certificate, its chain and the HSM certificate, and
    no private key (the key pair goes from the HSM to the HMEE only)."""
    body = obs.facts["request"]
    hsm = body.get("hsm") if isinstance(body.get("hsm"), dict) else {}
    present = {"certificate": isinstance(body.get("certificate"), str), "chain": bool(body.get("chain")),
               "HSM certificate": isinstance(hsm.get("certificate"), str)}
    missing = [k for k, ok in present.items() if not ok]
    leaked = sorted(k for k in body if "private" in k.lower() or k.lower() == "key")
    expected = "certificate, certificate chain and HSM certificate; no private key member"
    return verdict_of(not missing and not leaked, expected, "; ".join(
        [f"missing: {', '.join(missing)}"] * bool(missing) + [f"carries {', '.join(leaked)}"] * bool(leaked))
        or "certificate, chain and HSM certificate; no private key")


@check("hsm-key-release-attested", "IFA026:C.2.2.4.7:secure-channel", scope=SIM.format("HSM"))
def hsm_key_release_attested(obs: Observation) -> Result:
    """The HSM hands the VNFCI key pair over its TLS channel only to that VNFCI's attested HMEE: a client without
    the HMEE's remote attestation credential gets nothing; the attested HMEE (the control) got it."""
    expected = ("key pair released to the attested HMEE only; refused (TLS or HTTP 4xx) to: "
                + ", ".join(label for label, _ in obs.facts["probes"]))
    control_ok, control = obs.facts["control"]
    if not control_ok:
        return inconclusive(f"the attested HMEE did not obtain its key pair ({control}), so a refusal proves "
                            "nothing", expected)
    got = [label for label, outcome in obs.facts["probes"] if outcome.startswith("HTTP 200")]
    observed = "; ".join(f"{label}: {outcome}" for label, outcome in obs.facts["probes"])
    return verdict_of(not got, expected, observed)
