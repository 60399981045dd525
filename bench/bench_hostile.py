"""Benchmark the upload budget: how long each hostile melody file (and each file just inside the caps) takes to
be refused or read, its peak Python memory, and the parsing process's peak resident size.

The files are the test corpus (tests/songwriting/music/hostile.py), parsed in a fresh process as a render worker
parses an upload. Budget: every hostile file refused within 2 s, the process within 300 MB.

Run: .venv/bin/python bench/bench_hostile.py
"""

from __future__ import annotations

import _harness  # noqa: F401  # puts the repository root on sys.path, for tests/

from tests.songwriting.music.hostile import CORPUS, measure_in_subprocess

BUDGET_SECONDS = 2.0
BUDGET_MB = 300


def main() -> None:
    outcomes, peak_rss_mb = measure_in_subprocess(at_the_caps=True)
    print(f"{'file':34} {'seconds':>8} {'peak MB':>8}  outcome")
    for o in outcomes:
        outcome = "accepted" if o.refusal is None else f"refused: {o.refusal.split(' ', 1)[1][:70]}"
        print(f"{o.name:34} {o.seconds:8.3f} {o.peak_mb:8.1f}  {outcome}")
    hostile = [o for o in outcomes if o.name in CORPUS]
    inside = [o for o in outcomes if o.name not in CORPUS]
    slowest = max(hostile, key=lambda o: o.seconds)
    print()
    print(f"slowest hostile file: {slowest.name}, {slowest.seconds:.3f} s (budget {BUDGET_SECONDS:.0f} s)")
    print(f"most memory for a hostile file: {max(o.peak_mb for o in hostile):.1f} MB traced")
    if inside:
        worst = max(inside, key=lambda o: o.seconds)
        print(f"slowest file inside the caps: {worst.name}, {worst.seconds:.2f} s")
    print(f"parsing process peak RSS (music21 loaded, every file parsed): {peak_rss_mb:.0f} MB (budget {BUDGET_MB} MB)")


if __name__ == "__main__":
    main()
