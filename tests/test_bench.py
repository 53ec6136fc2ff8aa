"""Each benchmark still runs: a tiny size of it, so a change elsewhere cannot leave it broken.

The figures themselves are measured by running the benchmarks (README), not asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# SQLite, 50 cooperatives, 3,000 lines: the whole path (bulk ledger checked against book(),
# every query and its raw GROUP BY compared, ingest) in a few seconds.
ROLLUPS_TINY = ("--sqlite", "--lines", "3000", "--cooperatives", "50", "--repeat", "2")
ROLLUPS_TINY += ("--raw-repeat", "1", "--ingest", "20", "--batch", "5")


@pytest.mark.parametrize(
    ("script", "args", "last_line"),
    [
        ("bench/sync.py", ["--products", "3", "--platforms", "lazada,shopee"], "sync: "),
        ("bench/images.py", ["--photos", "1", "--repeat", "1"], "images: "),
        ("bench/contention.py", ["--products", "2", "--idle", "3"], "contention: "),
        ("bench/rollups.py", [*ROLLUPS_TINY], "rollups: "),
    ],
    ids=["sync", "images", "contention", "rollups"],
)
def test_benchmark_runs_to_its_last_line(script: str, args: list[str], last_line: str) -> None:
    done = subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1].startswith(last_line)
