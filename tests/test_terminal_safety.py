"""What a SUT sends never acts on the terminal or leaks a secret into a CI log: the progress lines and the pytest
plugin's failure text show control characters as visible escapes and redact secrets (issue: hostile SUT)."""

from __future__ import annotations

import io
import pytest

from harness.events import Message, ScenarioFinished, TerminalProgress, terminal_safe
from harness.model import CheckOutcome, Evidence, ScenarioResult, Verdict
from harness.pytest_plugin import _lines

HOSTILE = ("\x1b[2J\x1b[H\x1b[32m[1/1] ALL PASS\x1b[0m\rcleared\x07\x08\n[2/2] fake line \u202etxt.exe "
           "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIAbc\n-----END EC PRIVATE KEY----- "
           'password=hunter2 Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2ln {"client_secret": "s3cr3t"}')
SECRETS = ("MHcCAQEEIAbc", "hunter2", "eyJhbGciOi", "s3cr3t")


def _assert_safe(text: str) -> None:
    assert not any(ord(c) < 0x20 and c != "\n" or 0x7f <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e
                   for c in text), repr(text)
    for secret in SECRETS:
        assert secret not in text
    assert "\\x1b" in text and "[REDACTED" in text


def _scenario() -> ScenarioResult:
    check = CheckOutcome("register-created", ("SOL023:5.6.3.3.3.1:created",), Verdict.FAIL, "S",
                         Evidence("201", HOSTILE))
    unsure = CheckOutcome("register-conflict", ("SOL023:5.6.3.3.3.1:conflict",), Verdict.INCONCLUSIVE, "S",
                          Evidence("", ""), reason=HOSTILE[::-1])
    return ScenarioResult("S", "S", "t", "s", Verdict.FAIL, (), (check, unsure), reason=HOSTILE)


def test_terminal_safe_escapes_and_redacts() -> None:
    shown = terminal_safe(HOSTILE)
    _assert_safe(shown)
    assert "\n" not in shown and len(terminal_safe("x" * 999)) == 400


@pytest.mark.parametrize("colour", [False, True])
def test_progress_lines_are_safe(colour: bool) -> None:
    out = io.StringIO()
    progress = TerminalProgress(out)
    progress.colour = colour
    progress(ScenarioFinished(1, 1, _scenario(), 0.1))
    progress(Message(HOSTILE))
    text = out.getvalue()
    _assert_safe(text.replace("\x1b[31m", "").replace("\x1b[33m", "").replace("\x1b[0m", ""))  # our own colours
    assert text.count("\n") == 5  # verdict, reason, two checks, message: the SUT's newlines make no lines


def test_pytest_failure_text_is_safe() -> None:
    _assert_safe(_lines(_scenario()))
