"""Exceptions the library raises for user-facing problems.

The CLI turns every :class:`MlsdError` into a one-line message on stderr and the
exception's ``exit_code``; anything else is a bug and may show a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class MlsdError(Exception):
    """A problem the user can fix; printed as one line."""

    exit_code = 1


class UsageError(MlsdError):
    """Bad command-line input (exit code 2, like click's usage errors)."""

    exit_code = 2


class ContentError(MlsdError):
    """A content file that does not parse or does not validate."""

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = list(problems)
        first = str(problems[0]) if problems else "invalid content"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first + more)
