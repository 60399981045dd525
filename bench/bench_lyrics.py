"""Benchmark the lyrics engine: dictionary load, prosody report for a 40-line song, offline writer per song.

Run: python bench/bench_lyrics.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import load_dictionary
from bot.songwriting.words.prosody_report import prosody_report
from bot.songwriting.writers.offline import write

VERSE = (
    "I walked along the river when the morning light was new",
    "Don't you know I'm singin' 'bout the world's heart-shaped love tonight",
    "We were 21 in 1999 and the city never slept",
    "“Every little thing,” she said, “is gonna be alright”",
    "@everyone the neon glows and the rain comes down on Main Street",
)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _song() -> Lyrics:
    sections = tuple(Section(f"Verse {i + 1}", VERSE + VERSE[::-1][:3]) for i in range(5))
    return Lyrics("Bench", sections)


def main() -> None:
    print(f"CMU dictionary load: {_timed(load_dictionary):.0f} ms (once per process)")

    song = _song()
    assert len(song.lines) == 40
    first = _timed(lambda: prosody_report(song))
    runs = [_timed(lambda: prosody_report(song)) for _ in range(300)]
    print(
        f"prosody report, 40-line song: first {first:.2f} ms, then median {statistics.median(runs):.2f} ms "
        f"(p95 {statistics.quantiles(runs, n=20)[-1]:.2f} ms, {len(runs)} runs)"
    )

    first_song = _timed(lambda: write(Brief("late night bus rides home", seed=0)))
    times: list[float] = []
    forms = list(FORMS)
    for seed in range(300):
        brief = Brief(
            "late night bus rides home",
            form=forms[seed % len(forms)],
            rhyme_scheme=("ABAB", "AABB", "XAXA")[seed % 3],
            syllables=6 + seed % 7,
            seed=seed,
        )
        times.append(_timed(lambda b=brief: write(b)))
    print(
        f"offline writer per song: first {first_song:.1f} ms, then median {statistics.median(times):.1f} ms "
        f"(p95 {statistics.quantiles(times, n=20)[-1]:.1f} ms, max {max(times):.1f} ms, {len(times)} seeds x forms)"
    )


if __name__ == "__main__":
    main()
