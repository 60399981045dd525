"""Measure how a lyric revision carries its parent's melody (``bot.songwriting.music.resetting``).

Over random one-line edits of offline-writer songs in every genre, in two kinds — "free": the line replaced by a
line from a pool of very different lengths and stresses (1 to 16 syllables); "like-for-like": by a line of another
offline song (a rewrite at about the same length) — print, per kind:
- the share of unchanged lines whose notes (pitch, onset, duration, syllable) are identical to the parent's
  (goal 100 %), and the same up to a whole-bar shift (when a longer line needed more bars);
- the share of re-set lines with one note per syllable and every keyword on a strong beat (goal ≥ 90 %),
  and each part of that on its own;
- the re-set lines that end where the old line did (its cadence), the re-set notes on strong beats that are
  tones of their chord, the songs whose range stayed within a
  twelfth when the parent's did, how often a line kept the parent's rhythm outright, and the time per
  re-setting.

Run: python bench/bench_resetting.py [--edits 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from fractions import Fraction

from bot.songwriting.music.composer import compose
from bot.songwriting.music.genres import Genre
from bot.songwriting.music.harmony import chord_pitch_classes
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.music.resetting import LineFate, reset_melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import line_syllables
from bot.songwriting.writers.offline import write

THEMES = ("rain on the night bus home", "a kitchen full of old friends", "the last ferry out", "summer on the roof")
POOL = (
    "I kept your letters in a coat I never wear",
    "hold on",
    "the city sleeps and I stay up with the radio",
    "we were young and we were reckless",
    "every streetlight knows my name",
    "carry me home",
    "silver morning breaking over broken glass and gravel",
    "don't you wait for me",
    "the river remembers everything we said",
    "a little louder now",
    "tomorrow is a door I haven't opened",
    "and the band plays on and on until the morning finds us",
    "oh",
    "singing",
    "nobody told me the road would be this long",
)


def _notes(melody: Melody, section: int, line: int) -> list[Note]:
    return sorted((n for n in melody.notes if (n.section, n.line) == (section, line)), key=lambda n: n.start)


TWELFTH = 19


def _range(melody: Melody) -> int:
    pitches = [n.pitch for n in melody.pitched if n.pitch is not None]
    return max(pitches) - min(pitches)


def _same(a: list[Note], b: list[Note], shift: Fraction = Fraction(0)) -> bool:
    return [(n.pitch, n.start + shift, n.duration, n.syllable) for n in a] == [
        (n.pitch, n.start, n.duration, n.syllable) for n in b
    ]


def _edit(lyrics: Lyrics, rng: random.Random, pool: tuple[str, ...]) -> tuple[Lyrics, int, int, str]:
    spots = [(s, i) for s, section in enumerate(lyrics.sections) for i in range(len(section.lines))]
    s, i = rng.choice(spots)
    old = lyrics.sections[s].lines[i]
    text = rng.choice([p for p in pool if p.strip() != old.strip()])
    lines = list(lyrics.sections[s].lines)
    lines[i] = text
    sections = list(lyrics.sections)
    sections[s] = Section(sections[s].label, tuple(lines))
    return Lyrics(lyrics.title, tuple(sections)), s, i, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    others = tuple(
        line for theme in THEMES for line in write(Brief(theme=f"{theme} again", seed=args.seed)).lines if line.strip()
    )
    for name, pool in (("free", POOL), ("like-for-like", others)):
        _run(name, pool, args.edits, args.seed)


def _run(name: str, pool: tuple[str, ...], edits: int, seed: int) -> None:
    rng = random.Random(seed)
    kept = kept_same = kept_shifted = 0
    reset = counted = on_beat = both = rhythm_kept = longer = cadence_kept = 0
    strong_notes = chord_tones = ranged = ranged_parents = 0
    seconds: list[float] = []
    genres = list(Genre)
    for _ in range(edits):
        genre = rng.choice(genres)
        brief = Brief(theme=rng.choice(THEMES), genre=genre.value, seed=rng.randrange(1000))
        lyrics = write(brief)
        parent = compose(lyrics, MusicSettings(genre=genre.value), seed=brief.seed)
        revised, s, i, text = _edit(lyrics, rng, pool)
        started = time.perf_counter()
        result = reset_melody(parent, lyrics, revised)
        seconds.append(time.perf_counter() - started)
        melody = result.melody
        bar = melody.time.bar
        for ss, section in enumerate(revised.sections):
            for ii in range(len(section.lines)):
                if (ss, ii) == (s, i):
                    continue
                before, after = _notes(parent, ss, ii), _notes(melody, ss, ii)
                kept += 1
                kept_same += _same(before, after)
                if before and after:
                    shift = after[0].start - before[0].start
                    kept_shifted += shift % bar == 0 and _same(before, after, shift)
                else:
                    kept_shifted += before == after
        assert any(line.fate is LineFate.RESET for line in result.lines)
        syllables = line_syllables(text)
        notes = [n for n in _notes(melody, s, i) if n.pitch is not None]
        reset += 1
        count_ok = len(notes) == len(syllables)
        beats_ok = count_ok and all(
            melody.time.strong(n.start) for n, syl in zip(notes, syllables, strict=False) if syl.keyword
        )
        counted += count_ok
        on_beat += beats_ok
        both += count_ok and beats_ok
        old_notes = _notes(parent, s, i)
        rhythm_kept += [(n.start, n.duration) for n in old_notes] == [(n.start, n.duration) for n in notes]
        cadence_kept += bool(old_notes and notes) and notes[-1].start == old_notes[-1].start
        longer += melody.length > parent.length
        for note in notes:
            chord = melody.chord_at(note.start)
            if chord is not None and melody.time.strong(note.start):
                strong_notes += 1
                chord_tones += (note.pitch or 0) % 12 in chord_pitch_classes(chord.symbol)
        if _range(parent) <= TWELFTH:
            ranged_parents += 1
            ranged += _range(melody) <= TWELFTH
    print(f"[{name}] {edits} one-line edits (seed {seed}, genres: {', '.join(g.value for g in genres)})")
    print(f"unchanged lines with identical notes: {kept_same}/{kept} = {kept_same / kept:.1%} (goal 100 %)")
    print(f"  identical up to a whole-bar shift:  {kept_shifted}/{kept} = {kept_shifted / kept:.1%}")
    print(
        f"re-set lines with notes = syllables and keywords on strong beats: {both}/{reset} = {both / reset:.1%}"
        " (goal >= 90 %)"
    )
    print(f"  notes = syllables: {counted / reset:.1%}; keywords on strong beats: {on_beat / reset:.1%}")
    print(f"  re-set lines that kept the parent's rhythm outright: {rhythm_kept / reset:.1%}")
    print(
        f"  re-set lines whose last syllable lands where the old line's did (its cadence): {cadence_kept / reset:.1%}"
    )
    print(f"  edits whose new line needed more bars (later lines move by whole bars): {longer}/{edits}")
    print(
        f"  re-set notes on strong beats that are chord tones: {chord_tones}/{strong_notes} = "
        f"{chord_tones / max(1, strong_notes):.1%}"
    )
    print(f"  songs still within a twelfth (of those whose parent was): {ranged}/{ranged_parents}")
    print(f"time per re-setting: median {statistics.median(seconds) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
