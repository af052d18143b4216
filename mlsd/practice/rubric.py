"""Match a free-text answer against rubric concepts and their synonyms.

A concept counts as covered when the answer contains one of its phrases as whole
words, in order, tolerating typos in longer words (one edit from 5 letters, two
from 9), simple plurals and short suffixes on longer words (position ->
positional). Short tokens (acronyms such as "NE" or "AUC") must
match exactly, and a phrase never matches inside an unrelated longer word. This
is a checklist, not a grade: a covered concept says the idea was named, not that
it was argued well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlsd.content.schema import RubricItem

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class RubricResult:
    """Which concepts an answer covered and missed."""

    covered: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def coverage(self) -> float:
        """Share of concepts covered, 0..1 (1.0 for an empty rubric)."""
        total = len(self.covered) + len(self.missed)
        return len(self.covered) / total if total else 1.0


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; hyphens and slashes split words, plurals are folded."""
    return [_singular(t) for t in _TOKEN.findall(text.lower().replace("-", " "))]


def _singular(token: str) -> str:
    """Fold plurals; both the answer and the rubric pass through here, so the canonical
    form only has to be consistent ("cookie" and "cookies" both become "cooky")."""
    if len(token) > 4 and token.endswith("ies"):
        token = token[:-1]  # cookies -> cookie, queries -> querie
    elif (
        len(token) > 4 and token.endswith("es") and token[:-2].endswith(("s", "x", "z", "ch", "sh"))
    ):
        token = token[:-2]  # biases -> bias, losses -> loss, matches -> match
    elif len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "as")):
        token = token[:-1]  # metrics -> metric; bias, status, analysis stay
    return token[:-2] + "y" if len(token) > 4 and token.endswith("ie") else token


def _max_edits(word: str) -> int:
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


def _within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (adjacent transpositions) distance of a and b <= limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


def _word_matches(word: str, target: str) -> bool:
    if word == target:
        return True
    if len(target) >= 6 and word.startswith(target) and len(word) - len(target) <= 3:
        return True  # inflections: position -> positional, calibrate -> calibrated
    limit = _max_edits(target)
    return limit > 0 and word[:1] == target[:1] and _within(word, target, limit)


def phrase_in(phrase: Sequence[str], answer: Sequence[str]) -> bool:
    """True when ``phrase`` tokens occur consecutively in ``answer`` tokens (typo-tolerant)."""
    n = len(phrase)
    if n == 0:
        return False
    return any(
        all(_word_matches(answer[i + k], phrase[k]) for k in range(n))
        for i in range(len(answer) - n + 1)
    )


def check(answer: str, rubric: Sequence[RubricItem]) -> RubricResult:
    """Mark each rubric concept covered or missed by ``answer``."""
    words = tokens(answer)
    covered: list[str] = []
    missed: list[str] = []
    for item in rubric:
        phrases = [item.concept, *item.synonyms]
        hit = any(phrase_in(tokens(p), words) for p in phrases)
        (covered if hit else missed).append(item.concept)
    return RubricResult(tuple(covered), tuple(missed))
