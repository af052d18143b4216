"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlsd.pipeline import evaluate as ev


def test_roc_auc_by_hand() -> None:
    # positives score 0.8, 0.4; negatives 0.6, 0.2, 0.4 -> pairs won: (0.8>all)=3,
    # (0.4 vs 0.6 lose, vs 0.2 win, vs 0.4 tie=0.5) = 1.5 -> 4.5 / 6
    y = np.array([1, 0, 1, 0, 0])
    p = np.array([0.8, 0.6, 0.4, 0.2, 0.4])
    assert ev.roc_auc(y, p) == pytest.approx(4.5 / 6)


def test_roc_auc_perfect_and_reversed() -> None:
    y = np.array([0, 0, 1, 1])
    assert ev.roc_auc(y, np.array([0.1, 0.2, 0.3, 0.4])) == 1.0
    assert ev.roc_auc(y, np.array([0.4, 0.3, 0.2, 0.1])) == 0.0
    assert math.isnan(ev.roc_auc(np.array([1, 1]), np.array([0.1, 0.2])))


def test_average_ranks_ties() -> None:
    assert ev.average_ranks(np.array([10.0, 20.0, 10.0, 30.0])).tolist() == [1.5, 3.0, 1.5, 4.0]


def test_pr_auc_by_hand() -> None:
    # ranked: 0.9(1) 0.8(0) 0.7(1) 0.1(0): precision at positives = 1/1 and 2/3
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.7, 0.1])
    assert ev.pr_auc(y, p) == pytest.approx((1.0 + 2 / 3) / 2)


def test_pr_auc_tied_scores_form_one_threshold() -> None:
    # all tied: one threshold, precision 2/4 at recall 1
    y = np.array([1, 0, 1, 0])
    assert ev.pr_auc(y, np.full(4, 0.5)) == pytest.approx(0.5)


def test_log_loss_and_normalized_entropy_by_hand() -> None:
    y = np.array([1, 0])
    p = np.array([0.8, 0.4])
    expected = -(math.log(0.8) + math.log(0.6)) / 2
    assert ev.log_loss(y, p) == pytest.approx(expected)
    entropy = -(0.5 * math.log(0.5) * 2)
    assert ev.normalized_entropy(y, p, 0.5) == pytest.approx(expected / entropy)
    # predicting the base rate itself scores exactly 1
    assert ev.normalized_entropy(y, np.full(2, 0.5), 0.5) == pytest.approx(1.0)


def test_log_loss_survives_float32_extremes() -> None:
    y = np.array([0, 1])
    p = np.array([1.0, 0.0], dtype=np.float32)
    assert math.isfinite(ev.log_loss(y, p))


def test_ece_by_hand() -> None:
    # two equal-mass bins: [0.1, 0.2] with labels [0, 1] -> |0.15-0.5| ;
    # [0.7, 0.9] with labels [1, 1] -> |0.8-1.0|
    y = np.array([0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.7, 0.9])
    assert ev.ece(y, p, bins=2) == pytest.approx((2 * 0.35 + 2 * 0.2) / 4)
    assert ev.ece(np.array([0, 1]), np.array([0.0, 1.0]), bins=2) == 0.0


def test_gap_sign_follows_direction() -> None:
    oracle = {"roc_auc": 0.9, "log_loss": 0.1}
    gap = ev.gap({"roc_auc": 0.85, "log_loss": 0.12}, oracle)
    assert gap["roc_auc"] == pytest.approx(0.05)
    assert gap["log_loss"] == pytest.approx(0.02)


def test_ndcg_mrr_recall_by_hand() -> None:
    # ranked by score: grades [0, 1, 0, 3]
    y = np.array([3, 0, 1, 0])
    s = np.array([0.1, 0.9, 0.5, 0.2])
    dcg = 1 / math.log2(3) + 7 / math.log2(5)
    ideal = 7 + 1 / math.log2(3)
    assert ev.ndcg_at(y, s, 10) == pytest.approx(dcg / ideal)
    assert ev.reciprocal_rank(y, s) == pytest.approx(0.5)
    assert ev.recall_at(y, s, 2) == pytest.approx(0.5)
    assert ev.ndcg_at(np.zeros(3), s[:3], 10) is None


def test_ties_are_broken_against_the_model() -> None:
    y = np.array([0, 1, 0])
    assert ev.reciprocal_rank(y, np.zeros(3)) == pytest.approx(1 / 3)


def test_ranking_metrics_average_over_groups_with_a_relevant_item() -> None:
    y = np.array([1, 0, 0, 0, 0, 1])
    s = np.array([0.9, 0.1, 0.5, 0.5, 0.9, 0.1])
    g = np.array([0, 0, 1, 1, 2, 2])  # group 1 has nothing relevant: skipped
    out = ev.ranking_metrics(y, s, g, ["mrr", "recall_at_10"])
    assert out["mrr"] == pytest.approx((1.0 + 0.5) / 2)
    assert out["recall_at_10"] == pytest.approx(1.0)


def test_precision_at_recall_and_at_top_by_hand() -> None:
    y = np.array([1, 0, 1, 0, 1, 0, 0, 0, 0, 0])
    p = np.linspace(1.0, 0.1, 10)
    # catching 80 % of 3 positives needs all 3: they are in the top 5 rows
    assert ev.precision_at_recall(y, p, 0.8) == pytest.approx(3 / 5)
    assert ev.precision_at_top(y, p, 0.2) == pytest.approx(1 / 2)
    assert math.isnan(ev.precision_at_recall(np.zeros(3), p[:3], 0.8))


def test_group_auc_gap_by_hand() -> None:
    y = np.array([1, 0, 1, 0, 1, 0])
    p = np.array([0.9, 0.1, 0.4, 0.6, 0.8, 0.2])
    g = np.array([0, 0, 1, 1, 0, 0])
    # group 0 ranks perfectly (AUC 1), group 1 backwards (AUC 0)
    assert ev.group_auc_gap(y, p, g) == pytest.approx(1.0)
    assert math.isnan(ev.group_auc_gap(y, p, np.zeros(6)))
