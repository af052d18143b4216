"""Detection from a patch classifier: slide windows, score, non-max suppression, AP@0.5.

A patch model answers "is there an object in this 8x8 window?". To find objects in
a whole image, every window (stride 2) is scored, overlapping windows are merged by
non-max suppression, and the surviving boxes are matched to the true ones at
IoU >= 0.5: average precision over all images is the detection metric.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

WINDOW = 8
STRIDE = 2
NMS_IOU = 0.3
MATCH_IOU = 0.5


@dataclass(frozen=True)
class Scene:
    """One image and the top-left corners of its objects (all WINDOW x WINDOW)."""

    image: np.ndarray
    boxes: tuple[tuple[int, int], ...]


def iou(a: tuple[int, int], b: tuple[int, int], size: int = WINDOW) -> float:
    """Intersection over union of two equal squares given by their top-left corners."""
    dr, dc = abs(a[0] - b[0]), abs(a[1] - b[1])
    inter = max(0, size - dr) * max(0, size - dc)
    return inter / (2 * size * size - inter)


def windows(image: np.ndarray) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Corners and pixel blocks of every window of ``image``."""
    n = image.shape[0]
    corners = [(r, c) for r in range(0, n - WINDOW + 1, STRIDE)
               for c in range(0, n - WINDOW + 1, STRIDE)]  # fmt: skip
    return corners, np.stack([image[r : r + WINDOW, c : c + WINDOW] for r, c in corners])


def nms(corners: list[tuple[int, int]], scores: np.ndarray) -> list[int]:
    """Greedy non-max suppression: keep the best window, drop its overlaps, repeat."""
    kept: list[int] = []
    for i in np.argsort(-scores, kind="mergesort").tolist():
        if all(iou(corners[i], corners[j]) <= NMS_IOU for j in kept):
            kept.append(i)
    return kept


def average_precision(detections: list[tuple[float, int, tuple[int, int]]],
                      scenes: list[Scene]) -> float:  # fmt: skip
    """AP at IoU 0.5 over all images (VOC-style, with the precision envelope)."""
    total = sum(len(s.boxes) for s in scenes)
    if total == 0:
        return float("nan")
    matched = [set[int]() for _ in scenes]
    tp = []
    for _, image, corner in sorted(detections, key=lambda d: -d[0]):
        ious = [iou(corner, b) for b in scenes[image].boxes]
        best = int(np.argmax(ious)) if ious else -1
        hit = best >= 0 and ious[best] >= MATCH_IOU and best not in matched[image]
        if hit:
            matched[image].add(best)
        tp.append(hit)
    hits = np.cumsum(tp)
    precision = hits / np.arange(1, len(tp) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(envelope[np.asarray(tp, dtype=bool)]) / total)


def detection_ap(scenes: list[Scene], score: Callable[[np.ndarray], np.ndarray]) -> float:
    """AP@0.5 of a window scorer (pixel blocks -> scores) after NMS on every image."""
    detections = []
    for i, scene in enumerate(scenes):
        corners, blocks = windows(scene.image)
        scores = score(blocks)
        detections += [(float(scores[j]), i, corners[j]) for j in nms(corners, scores)]
    return average_precision(detections, scenes)
