"""What the bench scripts share: one timed call of the real CLI (imports included)."""

from __future__ import annotations

import json
import subprocess
import sys
import time


def mlsd(*args: str) -> tuple[float, dict]:
    """Wall time and parsed JSON of ``mlsd ARGS --json`` run in a fresh interpreter."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd", *args, "--json"], capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, json.loads(proc.stdout)
