"""The wheel carries the shipped content as package data (mlsd/_content/)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

NO_NETWORK_SIGNS = (
    "Could not find a version that satisfies the requirement",
    "No matching distribution found",
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Max retries exceeded",
)


@pytest.mark.slow
def test_wheel_contains_content(repo_root: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            str(tmp_path),
            str(repo_root),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        if any(sign in output for sign in NO_NETWORK_SIGNS):
            pytest.skip("cannot fetch the build backend (no network)")
        pytest.fail(f"pip wheel failed:\n{output[-3000:]}")
    [wheel] = tmp_path.glob("mlsd-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mlsd/_content/casestudies/ad-click-prediction.yaml" in names
    assert "mlsd/_content/frameworks/seven-step.yaml" in names
    assert "mlsd/_content/frameworks/four-step.yaml" in names
    assert "mlsd/cli/main.py" in names
    shipped = {p.name for p in (repo_root / "casestudies").glob("*.yaml")}
    packed = {n.rsplit("/", 1)[1] for n in names if n.startswith("mlsd/_content/casestudies/")}
    assert packed == shipped
    assert not any(n.startswith("tests/") for n in names)
