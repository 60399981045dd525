"""Melody quality against the human folk-song band, over many offline drafts, metres, moods and seeds.

For each measure: p10 / median / p90 of the composed melodies next to the human p10–p90 band, and the share
of melodies inside that band. Prosody figures (keywords on strong beats, syncopation) follow.

Run: python bench/quality.py [--songs N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.songwriting.music.composer import compose
from bot.songwriting.music.measures import HUMAN_BAND, measure
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.writers.offline import write

THEMES = (
    "a night train home",
    "the summer we painted the boat",
    "leaving the city at dawn",
    "my grandmother's kitchen radio",
    "dancing in the parking lot",
    "a lighthouse keeper's last winter",
    "friends who drifted apart",
    "rain on a tin roof",
    "the first day of school",
    "waiting for a letter",
)
MOODS = ("sad", "happy", "wistful", "dreamy", "dark", "hopeful", "energetic", None)
METERS = ("4/4", "3/4", "6/8")
PROSODY = ("syllable_alignment", "keywords_on_strong", "chord_tones_on_strong", "syncopation", "chorus_repetition")
HUMAN_MEDIAN = {
    "pitch_class_entropy": 2.53,
    "in_key": 1.0,
    "range": 12.0,
    "mean_interval": 2.05,
    "leap_share": 0.03,
    "repeated_share": 0.19,
}


def _quantiles(values: list[float]) -> tuple[float, float, float]:
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    return deciles[0], statistics.median(values), deciles[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--songs", type=int, default=40, help="drafts per metre")
    args = parser.parse_args()
    results: list[dict[str, float]] = []
    started = time.perf_counter()
    forms = sorted(FORMS)
    for meter in METERS:
        for index in range(args.songs):
            mood = MOODS[index % len(MOODS)]
            brief = Brief(theme=THEMES[index % len(THEMES)], mood=mood, form=forms[index % len(forms)], seed=index)
            lyrics = write(brief)
            melody = compose(lyrics, MusicSettings(meter=meter, mood=mood), seed=index)
            results.append(measure(melody, lyrics))
    elapsed = time.perf_counter() - started
    print(f"{len(results)} melodies ({args.songs} offline drafts × {len(METERS)} metres) in {elapsed:.1f} s\n")
    print(f"{'measure':<22}{'p10':>7}{'median':>8}{'p90':>7}   {'human p10–med–p90':<20}{'in band':>8}")
    for name, (low, high) in HUMAN_BAND.items():
        values = [r[name] for r in results]
        p10, median, p90 = _quantiles(values)
        inside = sum(low <= v <= high for v in values) / len(values)
        human = f"{low:g} – {HUMAN_MEDIAN[name]:g} – {high:g}"
        print(f"{name:<22}{p10:7.2f}{median:8.2f}{p90:7.2f}   {human:<20}{inside:8.0%}")
    print()
    for name in PROSODY:
        values = [r[name] for r in results]
        print(f"{name:<24} mean {statistics.mean(values):.2f}   min {min(values):.2f}")
    print("\n(real songs put about 81 % of keywords on strong beats; 100 % sounds mechanical)")


if __name__ == "__main__":
    main()
