"""Rubric matching: synonyms, typos, plurals, acronyms, whole words, phrases, coverage."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd.content.loader import Catalog
from mlsd.content.schema import RubricItem
from mlsd.practice.rubric import RubricResult, check, phrase_in, tokens

NO_DB = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@cache
def metrics_rubric() -> tuple[RubricItem, ...]:
    """The shipped ad-click-prediction metrics rubric."""
    return tuple(Catalog().case("ad-click-prediction").steps["metrics"].rubric)


def item(concept: str, *synonyms: str) -> RubricItem:
    return RubricItem(concept=concept, synonyms=list(synonyms))


def covers(answer: str, concept: str, *synonyms: str) -> bool:
    """True when ``answer`` covers the one-concept rubric ``concept`` (+ synonyms)."""
    result = check(answer, [item(concept, *synonyms)])
    assert len(result.covered) + len(result.missed) == 1
    return result.covered == (concept,)


# ---------------------------------------------------------------- what counts


def test_a_synonym_covers_the_concept_and_the_checklist_names_the_concept() -> None:
    rubric = [item("latency budget", "p99 latency", "response time")]
    result = check("We keep the p99 latency under 50 ms.", rubric)
    assert result == RubricResult(covered=("latency budget",), missed=())


def test_matching_ignores_case_and_punctuation() -> None:
    assert covers("CALIBRATION!", "calibration")
    assert covers("(calibration),", "Calibration")


@pytest.mark.parametrize(
    ("answer", "concept", "synonyms"),
    [
        ("a calibraton check", "calibration", ()),  # dropped letter
        ("calbiration matters", "calibration", ()),  # swapped neighbours
        ("normalised cross entropy", "normalized cross-entropy", ()),  # s/z and hyphen
        ("we report NE", "normalized cross-entropy", ("NE",)),
        ("embeding tables", "embedding", ()),
        ("a lantency budget", "latency budget", ()),
        ("isotonic regresion", "isotonic regression", ()),
        ("recal at k", "recall", ()),
    ],
)
def test_typos_in_longer_words_are_tolerated(
    answer: str, concept: str, synonyms: tuple[str, ...]
) -> None:
    assert covers(answer, concept, *synonyms)


@pytest.mark.parametrize(
    ("answer", "concept"),
    [
        ("AUX", "AUC"),  # short words and acronyms: exact only
        ("lost", "loss"),
        ("clbrtn", "calibration"),  # too many edits
        ("xalibration", "calibration"),  # first letter must agree
        ("latent", "latency"),  # two edits in a 7-letter word
    ],
)
def test_typos_are_not_stretched(answer: str, concept: str) -> None:
    assert not covers(answer, concept)


@pytest.mark.parametrize(
    ("answer", "concept"),
    [
        ("learned embeddings", "learned embedding"),
        ("learned embedding", "learned embeddings"),
        ("feature crosses", "feature cross"),
        ("ad categories", "ad category"),
        ("latency budgets", "latency budget"),
        ("we compare AUCs", "AUC"),
        ("hourly updates", "hourly update"),
    ],
)
def test_plurals_are_folded(answer: str, concept: str) -> None:
    assert covers(answer, concept)


@pytest.mark.parametrize(
    ("answer", "concept"),
    [("selection biases", "selection bias"), ("weighted losses", "weighted loss")],
)
def test_es_plurals_of_short_words_are_folded(answer: str, concept: str) -> None:
    assert covers(answer, concept)


@pytest.mark.parametrize(
    ("answer", "concept"),
    [("third-party cookies", "third-party cookie"), ("movies", "movie")],
)
def test_ies_plurals_of_ie_words_are_folded(answer: str, concept: str) -> None:
    assert covers(answer, concept)


@pytest.mark.parametrize(
    ("answer", "concept"),
    [
        ("cold-start items", "cold start"),
        ("cold start items", "cold-start"),
        ("point in time joins", "point-in-time"),
        ("a 7 day CTR", "7-day CTR"),
        ("an A/B test", "A-B test"),
        ("multi stage ranking", "multi-stage"),
    ],
)
def test_hyphens_and_spaces_are_the_same(answer: str, concept: str) -> None:
    assert covers(answer, concept)


# ---------------------------------------------------------------- what must not count


@pytest.mark.parametrize(
    ("answer", "concept"),
    [
        ("no one will need a new one", "NE"),
        ("nested models", "NE"),
        ("the auction decides", "AUC"),
        ("frank discussion", "rank"),
        ("a cranky reviewer", "rank"),
        ("a piece of the recent data", "ECE"),
        ("the project is adrift", "drift"),
        ("an unbiased estimate", "bias"),
        ("psychology of users", "PSI"),
    ],
)
def test_no_hit_inside_an_unrelated_word(answer: str, concept: str) -> None:
    assert not covers(answer, concept)


@pytest.mark.parametrize("answer", ["our NE is 0.81", "ne", "NE."])
def test_acronym_as_its_own_word_is_covered(answer: str) -> None:
    assert covers(answer, "normalized cross-entropy", "NE")


@pytest.mark.parametrize(
    ("answer", "concept"),
    [
        ("positional features", "position"),
        ("a calibrated model", "calibrate"),
        ("embeddings retrained hourly", "retrain"),
    ],
)
def test_short_suffixes_on_longer_words(answer: str, concept: str) -> None:
    assert covers(answer, concept)


def test_a_phrase_must_be_consecutive_and_in_order() -> None:
    assert covers("we correct position bias", "position bias")
    assert covers("we correct position\nbias", "position bias")  # a line break is a space
    assert not covers("the position of the ad adds bias", "position bias")
    assert not covers("bias by position", "position bias")


def test_phrase_in_edges() -> None:
    assert not phrase_in([], tokens("anything at all"))
    assert not phrase_in(tokens("two words"), tokens("two"))
    assert phrase_in(tokens("two words"), tokens("two words"))


def test_a_concept_with_no_words_is_never_covered() -> None:
    assert not covers("× / & ×", "×")


# ---------------------------------------------------------------- coverage


def test_coverage_is_the_share_of_concepts_in_rubric_order() -> None:
    rubric = [item("alpha"), item("beta"), item("gamma"), item("delta", "fourth")]
    result = check("gamma first, then the fourth", rubric)
    assert result.covered == ("gamma", "delta")
    assert result.missed == ("alpha", "beta")
    assert result.coverage == 0.5
    assert check("beta", rubric).coverage == 0.25
    assert check("", rubric).coverage == 0.0


def test_empty_rubric_is_fully_covered() -> None:
    assert check("anything", []).coverage == 1.0
    assert check("", []) == RubricResult((), ())
    assert RubricResult((), ()).coverage == 1.0


def test_real_metrics_rubric() -> None:
    rubric = metrics_rubric()
    answer = "Offline: normalised cross entropy and the calibraton ratio (O/E); AUC as a check."
    result = check(answer, rubric)
    assert {"normalized cross-entropy", "calibration ratio", "ROC AUC"} <= set(result.covered)
    assert "PR AUC" in result.missed
    assert set(result.covered) | set(result.missed) == {r.concept for r in rubric}
    assert result.coverage == len(result.covered) / len(rubric)


# ---------------------------------------------------------------- properties

WORD = st.from_regex(r"[a-z][a-z0-9]{0,11}", fullmatch=True)
CONCEPT = st.lists(WORD, min_size=1, max_size=4).flatmap(
    lambda words: st.sampled_from([" ", "-"]).map(lambda sep: sep.join(words))
)
FILLER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?()-/\n", max_size=80)
CASING = st.sampled_from([str.lower, str.upper, str.title, str])


@NO_DB
@given(concept=CONCEPT, before=FILLER, after=FILLER, case=CASING)
def test_an_answer_that_contains_the_concept_covers_it(
    concept: str, before: str, after: str, case: Callable[[str], str]
) -> None:
    answer = f"{before} {case(concept)} {after}"
    assert covers(answer, concept)


PHRASES = st.deferred(  # deferred: read the content when a test runs, not at import
    lambda: st.sampled_from(sorted({p for r in metrics_rubric() for p in (r.concept, *r.synonyms)}))
)
ANSWER = st.lists(st.one_of(PHRASES, FILLER), max_size=6).map(" ".join)


@NO_DB
@given(answer=ANSWER, extra=ANSWER)
def test_adding_words_never_removes_coverage(answer: str, extra: str) -> None:
    rubric = metrics_rubric()
    before = check(answer, rubric)
    after = check(f"{answer}\n{extra}", rubric)
    assert set(before.covered) <= set(after.covered)
    assert after.coverage >= before.coverage


@NO_DB
@given(answer=FILLER, concepts=st.lists(CONCEPT, max_size=6, unique=True))
def test_every_concept_is_either_covered_or_missed(answer: str, concepts: list[str]) -> None:
    result = check(answer, [item(c) for c in concepts])
    assert sorted(result.covered + result.missed) == sorted(concepts)
    assert 0.0 <= result.coverage <= 1.0
    if concepts:
        assert result.coverage == len(result.covered) / len(concepts)
