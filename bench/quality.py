"""Melody quality against the human folk-song band, over many offline drafts, metres, moods and seeds.

For each measure: p10 / median / p90 of the composed melodies next to the human p10–p90 band, and the share
of melodies inside that band. Prosody figures (keywords on strong beats, syncopation) and the song shape
(chorus lift, hook on the peak, motifs) follow. Then one row per genre profile over its own drafts (the genre's
metres, the moods and seeds as above): median tempo, swing ratio, drum presence, chord vocabulary, the General
MIDI programs of the band, leap share, keywords on strong beats, chorus lift (median, and the share of songs
with a chorus lifting by 2 semitones or more), and a row per genre for its voice: melisma share, median sung
note length, register, chorus lift and the share of melody measures inside the human band.

First, whether the offline writer's lines read as English: the share of lines (and titles) that end on a word
needing more ("… my grandmother's", "… over") or sing a theme phrase cut inside ("a lighthouse keeper's last"),
over drafts of themes with possessives, prepositions and clauses; target 0. Then its time a song.

Run: python bench/quality.py [--songs N] [--genre-songs N] [--english-songs N]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections import Counter

from bot.songwriting.music.arrangement import arrange
from bot.songwriting.music.composer import compose
from bot.songwriting.music.genres import PROFILES
from bot.songwriting.music.measures import HUMAN_BAND, measure
from bot.songwriting.music.melody import pitch_name
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.music.vocal_style import melisma_share
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.phrases import broken, cut_runs, dangling_end
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
PROSODY = (
    "syllable_alignment",
    "keywords_on_strong",
    "chord_tones_on_strong",
    "syncopation",
    "chorus_repetition",
    "hook_on_peak",
    "motifs",
)
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
    parser.add_argument("--genre-songs", type=int, default=30, help="drafts per genre")
    parser.add_argument("--english-songs", type=int, default=300, help="drafts for the broken-English figure")
    args = parser.parse_args()
    english(args.english_songs)
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
    lifts = [r["chorus_lift"] for r in results if not math.isnan(r["chorus_lift"])]
    print(
        f"{'chorus_lift':<24} median {statistics.median(lifts):.2f}   "
        f"≥ 2 semitones in {sum(v >= 2 for v in lifts) / len(lifts):.0%} of {len(lifts)} songs with a chorus"
    )
    print("\n(real songs put about 81 % of keywords on strong beats; 100 % sounds mechanical)\n")
    genres(args.genre_songs)
    voices(args.genre_songs)


ENGLISH_THEMES = (
    *THEMES,
    "a lighthouse keeper's last night on the rocks",
    "neon rain over the city",
    "tell me about the things I never learned",
    "the old red barn behind my uncle's house",
    "we stayed up talking until the sun came up",
    "nothing's like the plays at dawn",
    "a city that never sleeps",
    "write a song about leaving home for the first time",
)


def english(songs: int) -> None:
    """The share of offline lines and titles that read as broken English, and the writer's time a song."""
    forms = sorted(FORMS)
    lines = bad_lines = bad_titles = 0
    elapsed = 0.0
    for index in range(songs):
        brief = Brief(
            ENGLISH_THEMES[index % len(ENGLISH_THEMES)],
            mood=MOODS[index % len(MOODS)],
            form=forms[index % len(forms)],
            rhyme_scheme=("ABAB", "AABB", "XAXA", "ABCB")[index % 4],
            syllables=6 + index % 6,
            seed=index,
        )
        started = time.perf_counter()
        lyrics = write(brief)
        elapsed += time.perf_counter() - started
        lines += len(lyrics.lines)
        bad_lines += sum(broken(line, brief.theme) for line in lyrics.lines)
        bad_titles += dangling_end(lyrics.title) or bool(cut_runs(lyrics.title, brief.theme, shortest=1))
    print(
        f"offline English: {bad_lines} of {lines} lines ({bad_lines / lines:.1%}) and {bad_titles} of {songs} titles "
        f"end on a word that needs more or cut a theme phrase (target 0); {elapsed / songs * 1000:.1f} ms a song\n"
    )


def genres(songs: int) -> None:
    """One row per genre profile: what its sketches do, over ``songs`` drafts with a chorus."""
    forms = ("verse-chorus", "verse-chorus-bridge")
    print(
        f"{'genre':<11}{'tempo':>6}{'swing':>6}{'drums':>6}{'chords':>7}  {'programs (melody/chords/bass/pad)':<34}"
        f"{'leaps':>6}{'kw str':>7}{'lift':>6}{'≥2':>5}"
    )
    for profile in PROFILES:
        rows: list[dict[str, float]] = []
        tempos: list[int] = []
        vocabulary: set[str] = set()
        programs: Counter[tuple[int, ...]] = Counter()
        drums = swing = 0.0
        for index in range(songs):
            mood = MOODS[index % len(MOODS)]
            brief = Brief(theme=THEMES[index % len(THEMES)], mood=mood, form=forms[index % 2], seed=index)
            lyrics = write(brief)
            melody = compose(lyrics, MusicSettings(mood=mood, genre=profile.genre.value), seed=index)
            band = arrange(melody)
            rows.append(measure(melody, lyrics))
            tempos.append(melody.tempo)
            vocabulary.update(c.symbol.lstrip("ABCDEFG#b") or "maj" for c in melody.chords)
            programs[(band.melody_program, *(p.program for p in band.parts if p.name != "Drums"))] += 1
            drums += any(p.name == "Drums" for p in band.parts) / songs
            swing += band.swing / songs
        lifts = [r["chorus_lift"] for r in rows if not math.isnan(r["chorus_lift"])]
        shown = "/".join(str(p) for p in programs.most_common(1)[0][0])
        print(
            f"{profile.label:<11}{statistics.median(tempos):6.0f}{swing:6.2f}{drums:6.0%}{len(vocabulary):7d}  "
            f"{shown:<34}{statistics.median(r['leap_share'] for r in rows):6.3f}"
            f"{statistics.mean(r['keywords_on_strong'] for r in rows):7.2f}{statistics.median(lifts):6.1f}"
            f"{sum(v >= 2 for v in lifts) / len(lifts):5.0%}"
        )
    print("\n(chords: distinct chord qualities; programs: the most common band, General MIDI numbers from 0)")


def voices(songs: int) -> None:
    """One row per genre: how its voice sings, over ``songs`` drafts with a chorus.

    melisma: share of syllables sung on more than one note; note: median sung note length in quarter notes;
    register: median lowest–highest note and the median pitch; lift: chorus lift (median, share ≥ 2 semitones);
    band: the share of the six human-band measures (entropy, in key, range, mean interval, leaps, repeats) over
    all its melodies that fall inside the human p10–p90 band, and any measure whose median falls outside.
    """
    forms = ("verse-chorus", "verse-chorus-bridge")
    print(
        f"\n{'genre':<11}{'melisma':>8}{'note':>6}{'register':>12}{'median':>7}{'lift':>6}{'≥2':>5}{'band':>6}  outside"
    )
    for profile in PROFILES:
        rows: list[dict[str, float]] = []
        shares, lengths, lows, highs, middles = [], [], [], [], []
        for index in range(songs):
            mood = MOODS[index % len(MOODS)]
            brief = Brief(theme=THEMES[index % len(THEMES)], mood=mood, form=forms[index % 2], seed=index)
            lyrics = write(brief)
            melody = compose(lyrics, MusicSettings(mood=mood, genre=profile.genre.value), seed=index)
            rows.append(measure(melody, lyrics))
            shares.append(melisma_share(melody))
            pitches = [n.pitch for n in melody.pitched if n.pitch is not None]
            lengths.extend(float(n.duration) for n in melody.pitched)
            lows.append(min(pitches))
            highs.append(max(pitches))
            middles.append(statistics.median(pitches))
        lifts = [r["chorus_lift"] for r in rows if not math.isnan(r["chorus_lift"])]
        inside = [low <= r[name] <= high for r in rows for name, (low, high) in HUMAN_BAND.items()]
        outside = [
            name
            for name, (low, high) in HUMAN_BAND.items()
            if not low <= statistics.median(r[name] for r in rows) <= high
        ]
        register = f"{pitch_name(int(statistics.median(lows)))}–{pitch_name(int(statistics.median(highs)))}"
        print(
            f"{profile.label:<11}{statistics.mean(shares):8.2f}{statistics.median(lengths):6.2f}{register:>12}"
            f"{pitch_name(int(statistics.median(middles))):>7}{statistics.median(lifts):6.1f}"
            f"{sum(v >= 2 for v in lifts) / len(lifts):5.0%}{sum(inside) / len(inside):6.0%}"
            f"  {', '.join(outside) or '—'}"
        )


if __name__ == "__main__":
    main()
