"""mlsd: a command-line study partner for machine-learning system design interviews."""

from __future__ import annotations

__version__ = "0.1.0"
