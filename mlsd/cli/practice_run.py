"""The practice loop: show a step, take the answer, reveal, rate, save; repeat.

Input comes through injected callables so the loop can be driven by a terminal,
by `CliRunner` input, or by tests directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from mlsd import store
from mlsd.content.loader import Catalog
from mlsd.practice import history
from mlsd.practice.rubric import RubricResult
from mlsd.practice.session import PracticeStep, grade, plan, remaining, summarize
from mlsd.render import console
from mlsd.render import practice as render

EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Options:
    """What the user asked for."""

    case: str
    framework: str
    step: str | None
    mock: bool
    minutes: int
    resume: bool
    editor: bool


def run_practice(
    cat: Catalog,
    opts: Options,
    ask: Callable[[PracticeStep], Any],
    rate: Callable[[], int | None],
    clock: Callable[[], float],
) -> int:
    """Run a session; return the exit code (0 done or quit, 130 on Ctrl-C)."""
    case = cat.case(opts.case)
    conn = store.connect()
    record = history.latest_unfinished(conn, case.id) if opts.resume else None
    if opts.resume and record is None:
        console.note(f"no unfinished session of {case.id}; starting a new one")
    framework = record.framework if record else opts.framework
    only = record.only_step if record else opts.step
    fw = cat.framework(framework)
    steps = plan(case, fw, only)
    if record is None:
        mode, minutes = ("mock", opts.minutes) if opts.mock else ("practice", None)
        session_id = history.start_session(conn, case.id, framework, mode, minutes, only)
    else:
        session_id = record.id
        opts = replace(opts, mock=record.mode == "mock", minutes=record.minutes or opts.minutes)
        pending = remaining(steps, record)
        where = f"step {pending[0].position}" if pending else "its summary"
        console.note(f"resuming session {record.id} at {where} ({framework})")
    loop = _Loop(conn, session_id, case, steps, ask, rate, clock, opts, record)
    loop.total = len(fw.steps)
    try:
        return loop.run(remaining(steps, record))
    except KeyboardInterrupt:
        render.resume_hint(case.id, loop.saved)
        return EXIT_INTERRUPTED


class _Loop:
    """State of one running session."""

    def __init__(self, conn: sqlite3.Connection, session_id: int, case: Any,
                 steps: list[PracticeStep], ask: Callable[[PracticeStep], Any],
                 rate: Callable[[], int | None], clock: Callable[[], float], opts: Options,
                 record: history.SessionRecord | None) -> None:  # fmt: skip
        self.conn, self.session_id, self.case, self.steps = conn, session_id, case, steps
        self.ask, self.rate, self.clock, self.opts = ask, rate, clock, opts
        self.saved = len(record.steps) if record else 0
        self.used = sum(s.seconds for s in record.steps) if record else 0.0
        self.started = clock()
        self.total = len(steps)

    def run(self, pending: list[PracticeStep]) -> int:
        for step in pending:
            if not self._one(step):
                render.resume_hint(self.case.id, self.saved)
                return 0
        history.finish_session(self.conn, self.session_id)
        record = history.load_session(self.conn, self.session_id)
        minutes = self.opts.minutes if self.opts.mock else None
        render.summary(summarize(self.case, self.steps, record), minutes, self._elapsed())
        return 0

    def _elapsed(self) -> float:
        return self.used + self.clock() - self.started

    def _one(self, step: PracticeStep) -> bool:
        """Run one step; False when the learner quits."""
        left = self.opts.minutes * 60 - self._elapsed() if self.opts.mock else None
        render.step_panel(step, self.total, self.case if self.saved == 0 else None, left)
        began = self.clock()
        answer = self.ask(step)
        seconds = self.clock() - began
        if answer.quit:
            return False
        result = None if answer.skipped else grade(step, answer.text)
        render.reveal(step, result, seconds, self.opts.mock)
        try:
            rating = None if answer.skipped else self.rate()
        except KeyboardInterrupt:
            self._save(step, answer, result, None, seconds)  # keep what was typed
            raise
        self._save(step, answer, result, rating, seconds)
        return rating is not None or answer.skipped

    def _save(self, step: PracticeStep, answer: Any, result: RubricResult | None,
              rating: int | None, seconds: float) -> None:  # fmt: skip
        saved = history.SavedStep(
            step.id, step.position, answer.text, answer.skipped, answer.hints_used,
            None if result is None else round(result.coverage, 4),
            result.covered if result else (), result.missed if result else (), rating, seconds,
        )  # fmt: skip
        history.save_step(self.conn, self.session_id, saved)
        self.saved += 1
