"""Detection helpers: IoU, non-max suppression and AP@0.5 against hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd.pipeline.detection import Scene, average_precision, detection_ap, iou, nms, windows


def test_iou_by_hand() -> None:
    assert iou((0, 0), (0, 0)) == 1.0
    assert iou((0, 0), (0, 4)) == pytest.approx(32 / (128 - 32))
    assert iou((0, 0), (8, 8)) == 0.0


def test_nms_keeps_the_best_of_overlapping_windows() -> None:
    corners = [(0, 0), (0, 2), (10, 10)]
    assert nms(corners, np.array([0.9, 0.8, 0.5])) == [0, 2]


def test_average_precision_by_hand() -> None:
    scenes = [Scene(np.zeros((16, 16)), ((0, 0),)), Scene(np.zeros((16, 16)), ((8, 8),))]
    # best detection is a false positive, then both objects are found: precisions 1/2, 2/3
    detections = [(0.9, 0, (8, 8)), (0.8, 0, (0, 0)), (0.7, 1, (8, 8))]
    envelope = [2 / 3, 2 / 3]
    assert average_precision(detections, scenes) == pytest.approx(sum(envelope) / 2)
    # a duplicate hit on an already matched object counts as a false positive
    dup = [(0.9, 0, (0, 0)), (0.8, 0, (0, 1)), (0.7, 1, (8, 8))]
    assert average_precision(dup, scenes) == pytest.approx((1.0 + 2 / 3) / 2)


def test_a_perfect_scorer_finds_every_object() -> None:
    image = np.zeros((16, 16))
    image[4:12, 6:14] = 1.0
    scene = Scene(image, ((4, 6),))
    corners, blocks = windows(image)
    assert len(corners) == 25 and blocks.shape == (25, 8, 8)
    assert detection_ap([scene], lambda b: b.mean(axis=(1, 2))) == pytest.approx(1.0)
