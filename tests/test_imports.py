"""Start-up guard: browsing commands must not import the heavy ML stack (pipx's pattern).

Each check runs in a fresh interpreter, because this test process may already have
imported anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sklearn", "lightgbm", "scipy", "skl2onnx", "onnxmltools", "onnxruntime", "onnx",
         "dask", "distributed", "pandas", "pyarrow",
         "plotext")  # not heavy, but only commands that draw plots need it  # fmt: skip

PROBE = """
import json, sys
from mlsd.cli.main import app
args = json.loads(sys.argv[1])
try:
    app(args, prog_name="mlsd", standalone_mode=False)
except SystemExit:
    pass
heavy = tuple(json.loads(sys.argv[2]))
loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
print("HEAVY=" + json.dumps(loaded))
"""


def _run(code: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["list"],
        ["show", "ad-click-prediction"],
        ["diagram", "ad-click-prediction"],
        ["frameworks"],
        ["validate"],
        ["quiz", "--help"],
        ["quiz", "--due-only"],  # runs the session path: bank, store, fsrs, rendering
        ["stats"],
        ["practice", "--help"],
        ["drift", "--help"],
        ["redeploy", "--help"],
        ["serve", "--help"],
        ["compress", "--help"],
        ["compare-models", "--help"],
        ["train", "--help"],
        ["history", "--json"],  # --json: with an empty store the plain form only writes stderr
        ["progress", "--json"],
    ],
    ids=" ".join,
)
def test_command_does_not_import_heavy_modules(args: list[str], repo_root: Path) -> None:
    proc = _run(PROBE, json.dumps(args), json.dumps(HEAVY), cwd=repo_root)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    [marker] = [line for line in proc.stdout.splitlines() if line.startswith("HEAVY=")]
    assert json.loads(marker.removeprefix("HEAVY=")) == []
    # the command really ran (otherwise an empty set would prove nothing)
    assert len(proc.stdout.splitlines()) > 1, proc.stdout


def test_probe_detects_heavy_imports(repo_root: Path) -> None:
    """The probe itself works: importing scipy is seen."""
    code = PROBE.replace(
        "from mlsd.cli.main import app", "from mlsd.cli.main import app\nimport scipy"
    )
    proc = _run(code, json.dumps(["--version"]), json.dumps(HEAVY), cwd=repo_root)
    [marker] = [line for line in proc.stdout.splitlines() if line.startswith("HEAVY=")]
    assert "scipy" in json.loads(marker.removeprefix("HEAVY="))


def test_import_has_no_side_effects(repo_root: Path, isolated_env: Path) -> None:
    before = sorted(isolated_env.iterdir())
    proc = _run("import mlsd.cli.main", cwd=repo_root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == ""
    assert sorted(isolated_env.iterdir()) == before  # nothing written to MLSD_HOME
