"""Wall time and peak memory of compare-models from 10k to 1M rows.

Goal (issue 3): at 1M rows under 90 s and 3 GB, time growing about linearly.
Each size runs in its own subprocess, which reports its own peak RSS.

Run: .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--case ad-click-prediction]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CHILD = """
import json, resource, sys
from mlsd.cli.main import app
try:
    app(sys.argv[1:], prog_name="mlsd")
except SystemExit as exc:
    if exc.code:
        raise
print(json.dumps({"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000,300000,1000000")
    parser.add_argument("--case", default="ad-click-prediction")
    args = parser.parse_args()
    print(f"{'rows':>9} {'wall s':>8} {'peak MiB':>9} {'s per 100k rows':>16}")
    for rows in (int(s) for s in args.sizes.split(",")):
        cmd = [
            sys.executable,
            "-c",
            CHILD,
            "compare-models",
            args.case,
            "--rows",
            str(rows),
            "--json",
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        peak = json.loads(proc.stderr.strip().splitlines()[-1])["peak_mib"]
        print(f"{rows:>9,} {wall:8.1f} {peak:9.0f} {wall / rows * 1e5:16.2f}")
    print("goal at 1M rows: < 90 s and < 3072 MiB; ~linear growth in s per 100k rows")


if __name__ == "__main__":
    main()
