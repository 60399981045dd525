"""The load benchmark, shortened to a CI smoke run: every simulated action answered correctly, within budgets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_load.py"


def test_short_load_run_is_correct_and_within_budgets() -> None:
    """Three seconds of eight busy members in two servers: exit 0, nothing failed, every figure printed."""
    run = subprocess.run(
        [sys.executable, str(BENCH), "--seconds", "3", "--servers", "2", "--members", "4", "--workers", "1",
         "--think", "0.3"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    for figure in ("operations:", "ack latency:", "finished draft:", "event-loop lag:", "peak RSS:", "database:"):
        assert figure in run.stdout
    assert "correctness: OK" in run.stdout
