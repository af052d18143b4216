"""8x8 grayscale patches from street imagery; ~5 % show part of a face or a plate.

Each patch is a lit background (gradient, noise, a stray edge) into which a
face-like blob (bright oval, two dark eyes) or a plate-like bar (bright band with
dark glyph strokes) is sometimes pasted at random contrast and offset. The truth
is a function of what a careful annotator would see: the patch's strongest
normalised correlation, of either sign, with either template (backlit faces are
darker than their surroundings). That is far from linear in the pixels, so the linear baseline lags,
trees do better, and a small neural net on raw pixels does best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.detection import Scene, iou
from mlsd.pipeline.generators.base import Dataset, check_params, intercept_for_rate, sigmoid

SIZE = 8


def _templates() -> tuple[np.ndarray, np.ndarray]:
    yy, xx = np.mgrid[0:SIZE, 0:SIZE] / (SIZE - 1) * 2 - 1
    face = np.exp(-((xx / 0.75) ** 2 + (yy / 0.95) ** 2) * 2.0)
    for ex in (-0.4, 0.4):
        face -= 0.8 * np.exp(-(((xx - ex) / 0.18) ** 2 + ((yy + 0.25) / 0.18) ** 2))
    plate = np.where(np.abs(yy) < 0.45, 1.0, 0.0)
    plate -= 0.7 * ((np.abs(yy) < 0.3) & (np.round((xx + 1) * 3.5) % 2 == 1))
    return face, plate


FACE, PLATE = _templates()


def _normalised(patches: np.ndarray) -> np.ndarray:
    flat = patches.reshape(len(patches), -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    return flat / (np.linalg.norm(flat, axis=1, keepdims=True) + 1e-6)


@dataclass(frozen=True)
class StreetPatches:
    """Parameters of the street-patches generator."""

    positive_rate: float = 0.05
    object_share: float = 0.12
    noise: float = 0.18
    days: float = 30.0

    def __post_init__(self) -> None:
        check_params(self.positive_rate, object_share=(self.object_share, 0.01))

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` patches in capture-time order."""
        rng = np.random.default_rng(seed)
        patches = self._backgrounds(rng, rows)
        has = rng.random(rows) < self.object_share
        kind = rng.random(rows) < 0.5
        # backlit faces and dark plates: an object may be darker than its background
        contrast = rng.uniform(0.3, 1.2, rows) * rng.choice([-1.0, 1.0], rows)
        shift = rng.integers(-2, 3, (rows, 2))
        for i in np.flatnonzero(has):
            template = FACE if kind[i] else PLATE
            patches[i] += contrast[i] * np.roll(template, tuple(shift[i]), axis=(0, 1))
        patches += rng.normal(0.0, self.noise, patches.shape)
        logit = 10.0 * match_score(patches)
        truth = sigmoid(logit + intercept_for_rate(logit, self.positive_rate))
        y = (rng.random(rows) < truth).astype(np.int8)
        cols = patch_columns(patches)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        return Dataset(
            cols, y, truth, time, numeric=tuple(cols), categorical=(), ids=(),
            description=(f"{rows:,} {SIZE}x{SIZE} patches from synthetic street images; "
                         f"faces and plates at random contrast and offset"),
        )  # fmt: skip

    def _backgrounds(self, rng: np.random.Generator, rows: int, size: int = SIZE) -> np.ndarray:
        yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
        gx, gy = rng.normal(0, 0.4, (2, rows, 1, 1))
        base = rng.uniform(0.2, 0.8, (rows, 1, 1)) + gx * xx + gy * yy
        edge_at = rng.integers(0, size, rows)
        edge = (np.arange(size)[None, None, :] >= edge_at[:, None, None]) * rng.normal(
            0, 0.35, (rows, 1, 1)
        )
        return np.asarray(base + edge * (rng.random((rows, 1, 1)) < 0.5))

    def scenes(self, n: int, seed: int, size: int = 32) -> list[Scene]:
        """Whole street images with 1-3 faces or plates at known places (for AP@0.5)."""
        rng = np.random.default_rng(seed + 7_919)
        images = self._backgrounds(rng, n, size)
        out = []
        for image in images:
            boxes: list[tuple[int, int]] = []
            for _ in range(int(rng.integers(1, 4))):
                corner = tuple(int(v) for v in rng.integers(0, size - SIZE + 1, 2))
                if any(iou(corner, b) > 0 for b in boxes):  # type: ignore[arg-type]
                    continue
                template = FACE if rng.random() < 0.5 else PLATE
                sign = rng.choice([-1.0, 1.0])
                r, c = corner
                image[r : r + SIZE, c : c + SIZE] += sign * rng.uniform(0.5, 1.2) * template
                boxes.append(corner)  # type: ignore[arg-type]
            image += rng.normal(0.0, self.noise, image.shape)
            out.append(Scene(image, tuple(boxes)))
        return out

    @staticmethod
    def window_truth(blocks: np.ndarray) -> np.ndarray:
        """The oracle's window score (monotone in the true probability)."""
        return match_score(blocks)

    @staticmethod
    def window_dataset(blocks: np.ndarray) -> Dataset:
        """Windows in the training data's schema, so the fitted encoder can take them."""
        cols = patch_columns(blocks)
        zeros = np.zeros(len(blocks))
        return Dataset(cols, zeros.astype(np.int8), zeros, zeros, tuple(cols), (), (), "")


def match_score(patches: np.ndarray) -> np.ndarray:
    """The strongest normalised correlation, of either sign, with either template."""
    templates = np.stack([_normalised(FACE[None])[0], _normalised(PLATE[None])[0]])
    return np.asarray(np.max(np.abs(_normalised(patches) @ templates.T), axis=1))


def patch_columns(patches: np.ndarray) -> dict[str, np.ndarray]:
    """The model's view of a patch: its pixels and three cheap gradient statistics."""
    rows = len(patches)
    cols = {f"px_{r}{c}": patches[:, r, c] for r in range(SIZE) for c in range(SIZE)}
    cols["grad_x"] = np.abs(np.diff(patches, axis=2)).mean(axis=(1, 2))
    cols["grad_y"] = np.abs(np.diff(patches, axis=1)).mean(axis=(1, 2))
    cols["contrast"] = patches.reshape(rows, -1).std(axis=1)
    return cols
