"""`pytest --nfvct-profile` turns scenarios into test items a vendor's CI can gate on."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_plugin_runs_scenarios_as_tests(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--nfvct-profile", "embedded",
                                "--nfvct-k", "Registration of VNFM", "--junitxml", "j.xml", "-q")
    result.assert_outcomes(passed=3)  # C.2.2.1 and C.3.2.1 (delegate, CMP) and C.4.2.1 (the VNFM's own, ACME)
    junit = (pytester.path / "j.xml").read_text()
    assert "C.3.2.1" in junit and "C.4.2.1" in junit


def test_plugin_is_inert_without_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=1)
