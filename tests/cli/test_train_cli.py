"""`mlsd train` through the CLI: a running cluster via --scheduler, local, and bad input.

The LocalCluster path and the tables are tested in tests/pipeline/test_distributed.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mlsd.cli.main import app

pytestmark = pytest.mark.slow
HEAVY = ("sklearn", "lightgbm", "scipy", "skl2onnx", "onnxmltools", "onnxruntime", "onnx", "dask",
         "distributed", "pandas", "pyarrow")  # fmt: skip
PROBE = """
import json, sys
from mlsd.cli.main import app
try:
    app(["train", "--help"], prog_name="mlsd", standalone_mode=False)
except SystemExit:
    pass
heavy = tuple(json.loads(sys.argv[1]))
print("HEAVY=" + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def one_line(result: Result, exit_code: int) -> str:
    """The exit code, nothing on stdout, one line on stderr, no traceback."""
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A running two-process cluster, as --scheduler would find one."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster:  # fmt: skip
        yield cluster.scheduler_address


def test_dask_on_a_running_cluster_json(runner: CliRunner, scheduler: str) -> None:
    args = ["train", "ad-click-prediction", "--engine", "dask", "--scheduler", scheduler,
            "--rows", "20000", "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["case"] == "ad-click-prediction" and data["engine"] == "dask"
    assert data["workers"] == 2 and data["scheduler"] == scheduler
    assert data["partitions_per_worker"] == [1, 1]
    assert data["train_seconds"] > 0 and "roc_auc" in data["metrics"]
    single = data["single_process"]
    assert {"train_seconds", "metrics"} <= set(single)
    assert set(single["metrics"]) == set(data["metrics"])
    assert data["onnx_parity"] < 1e-4


def test_local_engine_json(runner: CliRunner) -> None:
    args = ["train", "spam-detection", "--engine", "LOCAL", "--rows", "3000", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "local" and data["workers"] == 1
    assert data["single_process"] is None and data["scheduler"] is None
    assert data["train_seconds"] > 0 and {"pr_auc", "recall_at_fpr_1pct"} <= set(data["metrics"])


def test_missing_extra_exits_2_with_the_install_command(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "distributed", None)
    line = one_line(runner.invoke(app, ["train", "ad-click-prediction", "--engine", "dask"]), 2)
    assert 'pip install "mlsd[distributed]"' in line


def test_unreachable_scheduler_fails_fast(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mlsd.pipeline.distributed.CONNECT_TIMEOUT_S", 1.0)  # default 5 s
    args = ["train", "ad-click-prediction", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1",
            "--rows", "2000"]  # fmt: skip
    line = one_line(runner.invoke(app, args), 1)
    assert "cannot reach a Dask scheduler at tcp://127.0.0.1:1 within 1 s" in line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["eta-prediction", "--engine", "dask"], "train runs on binary cases"),
        (["ad-click-prediction", "--engine", "dask", "--workers", "0"], "--workers must be"),
        (["ad-click-prediction", "--engine", "dask", "--workers", "17"], "--workers must be"),
        (["ad-click-prediction", "--engine", "local", "--workers", "2"], "--engine dask"),
        (["ad-click-prediction", "-e", "dask", "--scheduler", "h:1", "-w", "2"], "own workers"),
        (["ad-click-prediction", "--engine", "dask", "--scheduler", "nope"], "malformed"),
        (["ad-click-prediction", "--engine", "dask", "--scheduler", "tcp://h:0"], "malformed"),
        (["ad-click-prediction", "--engine", "local", "--rows", "100"], "at least 500"),
        (["ad-click-prediction", "--engine", "dask", "--rows", "100"], "at least 500"),
        (["no-such-case", "--engine", "local"], "unknown case"),
    ],
)
def test_bad_input_is_one_line_exit_2(runner: CliRunner, args: list[str], says: str) -> None:
    line = one_line(runner.invoke(app, ["train", *args]), 2)
    assert line.startswith("error: ") and says in line, line


@pytest.mark.parametrize(
    "args",
    [["ad-click-prediction", "--engine", "spark"], ["ad-click-prediction"]],
    ids=["unknown engine", "no engine"],
)
def test_engine_is_a_choice(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, ["train", *args])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.output
    assert any(line.startswith("Error:") and "--engine" in line
               for line in result.stderr.splitlines()), result.stderr  # fmt: skip


def test_help_imports_nothing_heavy(repo_root: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY)], capture_output=True,
                          text=True, cwd=repo_root, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "--scheduler" in proc.stdout and "mlsd[distributed]" in proc.stdout
    [marker] = [line for line in proc.stdout.splitlines() if line.startswith("HEAVY=")]
    assert json.loads(marker.removeprefix("HEAVY=")) == []
