"""`mlsd serve` through the CLI: tables that explain, JSON, and bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlsd.cli.main import app

pytestmark = pytest.mark.slow
SMALL = ["--rows", "12000", "--requests", "1000"]


def test_serve_prints_three_sections_with_lessons(runner: CliRunner) -> None:
    result = runner.invoke(app, ["serve", "notification-targeting", *SMALL, "--ttl", "0,30,inf"])
    assert result.exit_code == 0, result.output
    for text in ("Online vs batch prediction", "Feature store", "naive join",
                 "point-in-time join", "Prediction cache", "p50 moves, p99 does not",
                 "TTL trades freshness", "no expiry", "Redis"):  # fmt: skip
        assert text in result.stdout, text
    assert "hit rate, zipf" not in result.stdout
    assert "plots skipped: stdout is not a terminal" in result.stderr


def test_serve_plot(runner: CliRunner) -> None:
    result = runner.invoke(app, ["serve", "credit-risk", *SMALL, "--ttl", "0,30,inf", "--plot"])
    assert result.exit_code == 0, result.output
    plot = result.stdout.split("Prediction cache: hit rate and stale answers")[1]
    for text in ("hit rate, zipf 0.8", "stale, zipf 0.8", "hit rate, zipf 1.1",
                 "stale, zipf 1.1", "0 (off)", "30 s", "never", "cache TTL"):  # fmt: skip
        assert text in plot, text
    assert max(len(line) for line in plot.splitlines()) <= 100


def test_serve_json(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["serve", "spam-detection", *SMALL, "--zipf", "1.2", "--json", "--plot"]
    )  # --plot never draws into JSON
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["case"] == "spam-detection"
    assert [c["ttl_seconds"] for c in data["cache"]] == [0, 10, 60, 300]
    assert data["feature_store"]["entity"] == "sender_domain"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "eta-prediction"], "binary"),
        (["serve", "no-such-case"], "no-such-case"),
        (["serve", "ad-click-prediction", "--zipf", "fast"], "--zipf"),
        (["serve", "ad-click-prediction", "--zipf", "-1"], "--zipf"),
        (["serve", "ad-click-prediction", "--zipf", "inf"], "--zipf"),
        (["serve", "ad-click-prediction", "--ttl", "-5"], "--ttl"),
        (["serve", "ad-click-prediction", "--ttl", "nan"], "--ttl"),
        (["serve", "ad-click-prediction", "--ttl", ","], "--ttl"),
        (["serve", "ad-click-prediction", "--requests", "10"], "--requests"),
        (["serve", "ad-click-prediction", "--rows", "100"], "--rows"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
