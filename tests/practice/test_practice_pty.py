"""`mlsd practice` in a real pseudo-terminal: Ctrl-C, Ctrl-D, resuming, and kill -9."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

pytestmark = pytest.mark.slow

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "valid"
RATING = re.escape("Rate yourself [1-4]: 1 missed, 2 partial, 3 solid, 4 strong: ")
FULL = "We need a latency budget and calibration."


def _env() -> dict[str, str]:
    env = dict(os.environ)  # MLSD_HOME: the test's temp dir (autouse fixture)
    env.update(MLSD_CONTENT_DIR=str(VALID), COLUMNS="100", NO_COLOR="1", TERM="dumb")
    return env


def _spawn(*args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "mlsd", "practice", "tiny-case", *args],
        env=_env(),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
        # a test run started in the background inherits SIGINT ignored; a terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _sessions() -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd", "history", "--json"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data: list[dict[str, Any]] = json.loads(proc.stdout)
    return data


def _at_answer_prompt(child: pexpect.spawn, position: int) -> None:
    child.expect(rf"Step {position}/7 ·")
    child.expect_exact("Commands: :hint :skip :quit")
    child.expect_exact("> ")


def _answer_and_rate(child: pexpect.spawn, position: int, text: str, rating: int) -> None:
    _at_answer_prompt(child, position)
    child.sendline(text)
    child.sendline("")
    child.expect(RATING)
    child.sendline(str(rating))


def _interrupt(child: pexpect.spawn, then: str) -> None:
    """Press Ctrl-C and wait for ``then``; press it again if the first press was missed.

    CPython's input() can miss a SIGINT that lands after it wrote the prompt but before
    it blocks in read(): the flag is set, yet nothing wakes the read until the next key.
    A person would press Ctrl-C again; so does this helper, at most three times.
    """
    for _ in range(3):
        child.sendintr()
        if child.expect_exact([then, pexpect.TIMEOUT], timeout=4) == 0:
            return
    raise AssertionError(f"Ctrl-C was not answered with {then!r}: {child.before!r}")


def _finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None
    return int(child.exitstatus)


def test_ctrl_c_then_resume_to_the_end() -> None:
    child = _spawn()
    _answer_and_rate(child, 1, FULL, 3)
    _at_answer_prompt(child, 2)
    child.send("half typed")
    _interrupt(child, "Saved 1 step(s). Resume with: mlsd practice tiny-case --resume")
    assert _finish(child) == 130
    assert "Traceback" not in (child.before or "")
    [record] = _sessions()
    assert record["completed"] is False
    assert [s["step"] for s in record["steps"]] == ["clarify"]

    child = _spawn("--resume")
    child.expect_exact("resuming session 1 at step 2")
    _answer_and_rate(child, 2, "Watch the p99 latency.", 2)
    # Ctrl-D ends an answer too
    _at_answer_prompt(child, 3)
    child.sendline("Calibration matters.")
    child.sendeof()
    child.expect(RATING)
    child.sendline("4")
    for position in range(4, 8):
        _answer_and_rate(child, position, FULL, 3)
    child.expect_exact("Session summary")
    child.expect_exact("Weakest steps: metrics")  # rated 2
    assert _finish(child) == 0
    [record] = _sessions()
    assert record["completed"] is True
    assert [s["rating"] for s in record["steps"]] == [3, 2, 4, 3, 3, 3, 3]
    assert record["steps"][2]["answer"] == "Calibration matters."
    assert [s["coverage"] for s in record["steps"]][:3] == [1.0, 0.5, 0.5]


def test_ctrl_c_at_the_rating_prompt_keeps_the_answer() -> None:
    child = _spawn()
    _at_answer_prompt(child, 1)
    child.sendline("We set a latency budget.")
    child.sendline("")
    child.expect(RATING)
    _interrupt(child, "Resume with: mlsd practice tiny-case --resume")
    assert _finish(child) == 130
    [record] = _sessions()
    [step] = record["steps"]
    assert step["answer"] == "We set a latency budget."
    assert step["coverage"] == 0.5
    assert step["rating"] is None
    assert record["completed"] is False


def test_kill_9_loses_only_the_step_being_typed() -> None:
    child = _spawn()
    _answer_and_rate(child, 1, FULL, 4)
    _at_answer_prompt(child, 2)
    child.sendline("a first line that was never finished")
    child.expect_exact("  ")  # the continuation prompt: the line was read
    child.kill(signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    [record] = _sessions()
    assert record["completed"] is False
    [step] = record["steps"]
    assert (step["step"], step["answer"], step["rating"], step["coverage"]) == (
        "clarify", FULL, 4, 1.0,
    )  # fmt: skip

    child = _spawn("--resume")
    _at_answer_prompt(child, 2)
    child.sendline(":quit")
    assert _finish(child) == 0
