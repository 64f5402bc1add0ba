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
