"""Start-up time of `mlsd` against a bare typer app (standard library only).

Goal (DESIGN.md, "Fast start"): `mlsd list` starts within 1.3x of a bare typer app
with one command. Each command runs as a fresh subprocess with stdout to DEVNULL;
the commands are interleaved round by round so drift in machine load hits all of
them alike. Prints medians in ms and each one's ratio to the bare app.

Usage: .venv/bin/python bench/startup.py [--runs 15] [--warmup 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.3
BARE_APP = '''\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''


def commands(bare_app: Path) -> dict[str, list[str]]:
    """Label -> argv of every measured command."""
    py = sys.executable
    return {
        "bare typer app": [py, str(bare_app)],
        "mlsd list": [py, "-m", "mlsd", "list"],
        "mlsd --help": [py, "-m", "mlsd", "--help"],
        "mlsd show ad-click-prediction": [py, "-m", "mlsd", "show", "ad-click-prediction"],
    }


def run_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run in seconds; exits if the command fails."""
    start = time.perf_counter()
    proc = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(
            f"command failed ({proc.returncode}): {' '.join(argv)}\n"
            f"{proc.stderr.decode(errors='replace')}"
        )
    return elapsed


def measure(
    cmds: dict[str, list[str]], runs: int, warmup: int, env: dict[str, str]
) -> dict[str, list[float]]:
    """Times per command: warm-ups first (discarded), then interleaved rounds."""
    for _ in range(warmup):
        for argv in cmds.values():
            run_once(argv, env)
    times: dict[str, list[float]] = {label: [] for label in cmds}
    for _ in range(runs):
        for label, argv in cmds.items():
            times[label].append(run_once(argv, env))
    return times


def report(times: dict[str, list[float]], runs: int, warmup: int) -> None:
    """Print the table of medians and the verdict on the goal."""
    medians = {label: statistics.median(t) * 1000 for label, t in times.items()}
    bare = medians["bare typer app"]
    width = max(len(label) for label in medians)
    print(
        f"start-up, median of {runs} runs after {warmup} warm-ups "
        f"(python {sys.version.split()[0]}, {os.cpu_count()} cores)"
    )
    print(f"{'command':<{width}}  {'median ms':>9}  {'min ms':>7}  {'x bare':>6}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 6}")
    for label, median in medians.items():
        low = min(times[label]) * 1000
        print(f"{label:<{width}}  {median:>9.0f}  {low:>7.0f}  {median / bare:>6.2f}")
    ratio = medians["mlsd list"] / bare
    verdict = "MET" if ratio <= GOAL else "NOT MET"
    print(f"\ngoal: `mlsd list` within {GOAL}x of the bare app -> {ratio:.2f}x: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs per command")
    parser.add_argument("--warmup", type=int, default=2, help="discarded runs per command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlsd-bench-") as tmp:
        bare_app = Path(tmp) / "bare_app.py"
        bare_app.write_text(BARE_APP, encoding="utf-8")
        env = {**os.environ, "MLSD_HOME": str(Path(tmp) / "home"), "COLUMNS": "120"}
        env.pop("MLSD_CONTENT_DIR", None)
        times = measure(commands(bare_app), args.runs, args.warmup, env)
    report(times, args.runs, args.warmup)


if __name__ == "__main__":
    main()
