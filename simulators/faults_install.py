"""Named faults of the simulated VNFM, VIM and VNFI of the installation use cases (C.2.2.3, C.2.2.4, C.3.2.3)."""

from __future__ import annotations

from wire.faults import Fault, scoped

ONLY = "installation"  # the installation scenarios: no other scenario uses these simulators


FAULTS: tuple[Fault, ...] = scoped((
    Fault("vnfm-keeps-key", ("Vnfm.Sc.005",),
          "The simulated VNFM keeps VNFCI private keys after the install attempts and the retention time."),
    Fault("vim-keeps-key", ("Vim.Sc.008",), "The simulated VIM keeps the private key after installing it."),
    Fault("vnfi-no-chain", ("IFA026:C.2.2.3.5:installed", "IFA026:C.3.2.3.5:installed", "IFA026:C.2.2.4.5:installed"),
          "The simulated VNFCI installs the certificate without its chain (serves the leaf only)."),
), ONLY)
