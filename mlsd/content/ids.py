"""Id patterns and the canonical step list, importable without pydantic (fast start)."""

from __future__ import annotations

SEVEN_STEPS: tuple[str, ...] = (
    "clarify",
    "metrics",
    "data",
    "features",
    "model",
    "serving",
    "monitoring",
)
"""The canonical step ids every case study is written against."""

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
QUIZ_ID_PATTERN = r"^[a-z0-9]+([.-][a-z0-9]+)*$"
