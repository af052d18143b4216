"""`mlsd quiz` in a real pseudo-terminal: a whole short session, Ctrl-C, and resuming."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pexpect
import pytest

pytestmark = pytest.mark.slow

RATING = re.escape("1 Again  2 Hard  3 Good  4 Easy")


def _env() -> dict[str, str]:
    env = dict(os.environ)  # MLSD_HOME, MLSD_CONTENT_DIR, MLSD_NOW, MLSD_FUZZ from fixtures
    env.update(COLUMNS="100", LINES="40", NO_COLOR="1", TERM="dumb")  # dumb: no bold either
    return env


def _spawn(*args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "mlsd", *args],
        env=_env(),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
    )


def _stats() -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd", "stats", "--json"],
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def _answer_choice(child: pexpect.spawn, text: str) -> None:
    """Wait for the choice prompt and pick the choice that reads ``text``."""
    child.expect(re.escape("Your choice [1-2]: "))
    number = re.findall(rf"(\d)\. {re.escape(text)}", child.before)[-1]
    child.sendline(number)


def test_a_whole_short_session() -> None:
    child = _spawn("quiz", "--case", "tiny-case", "-n", "2")
    child.expect("Quiz: 0 due, 2 new")
    child.expect("1/2")
    _answer_choice(child, "log loss")
    child.expect("Correct.")
    child.expect(RATING + re.escape(" [3]: "))
    child.sendline("")  # Enter accepts Good
    child.expect("2/2")
    child.expect("Press Enter to reveal")
    child.sendline("")
    child.expect("Answer: Log loss over the entropy")
    child.expect(RATING + ": ")
    child.sendline("1")  # Again: it comes back this session
    child.expect("comes back in a few cards")
    child.expect(r"3/3 +flashcard +\(again\)")
    child.expect("Press Enter to reveal")
    child.sendline("")
    child.expect(RATING + ": ")
    child.sendline("3")
    child.expect("Session done")
    child.expect("2 of 2 recalled on first try|1 of 2 recalled on first try")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    stats = _stats()
    assert (stats["reviewed_cards"], stats["reviews"]) == (2, 3)


def test_ctrl_c_saves_answered_cards_and_a_new_session_resumes() -> None:
    child = _spawn("quiz", "--case", "tiny-case")
    _answer_choice(child, "log loss")
    child.expect(RATING)
    child.sendline("")
    child.expect("Press Enter to reveal")
    child.sendintr()
    child.expect(re.escape("saved 1 answered card; run `mlsd quiz` to continue"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    stats = _stats()
    assert (stats["reviewed_cards"], stats["reviews"]) == (1, 1)

    child = _spawn("quiz", "--case", "tiny-case")
    child.expect("Quiz: 0 due, 2 new")  # the answered card is not asked again today
    child.expect("What is NE?")
    child.expect("Press Enter to reveal")
    child.sendeof()  # Ctrl-D at a prompt stops the session the same way
    child.expect(re.escape("saved 0 answered cards"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
