"""Lyric quality of the offline writer over held-out briefs: grammar, template tells, the genres' forms, adherence.

Each held-out theme (bench/_lyric_themes.py; never tuned on) is drafted in a genre, form, mood, rhyme scheme and
syllable target that cycle over all 12 genres, with ``--seeds`` seeds each. Printed:
- lines failing the grammar checks (words.grammar), with examples;
- verbatim reuse: distinct lines sung in drafts of two or more different themes;
- self-rhymes: two different lines of one rhyme group ending on the same word;
- the share of lines opening on the 12 most common openings (first two words), and the most lines of one song
  opening alike;
- the share of blues verses in AAB form, of hip-hop verses with an internal rhyme;
- rhyme adherence (scheme pairs met) and syllable adherence (lines within ±1 of their section's target);
- titles not in title case, choruses that sing the hook, and the time a song (median, p95, max).

Run: python bench/bench_lyric_quality.py [--seeds N] [--tuning] [--show N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter, defaultdict

from _lyric_themes import HELD_OUT, TUNING

from bot.songwriting.music.genres import Genre
from bot.songwriting.words import grammar
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.genre_forms import PLAIN, is_aab, lyric_form, self_rhymes
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import count_syllables
from bot.songwriting.words.rhyme import FREE, end_word, expand_scheme, rhymes, unmet_rhymes
from bot.songwriting.writers.offline import write
from bot.songwriting.writers.quality import is_title_case

GENRES = tuple(g.value for g in Genre)
MOODS = ("sad", "happy", "nostalgic", "dark", "hopeful", "romantic", None)
SCHEMES = ("ABAB", "AABB", "XAXA", "ABCB")


def briefs(themes: tuple[str, ...], seeds: int) -> list[Brief]:
    """One brief per theme and seed, cycling genre, form, mood, scheme and syllables over the list."""
    forms = list(FORMS)
    found: list[Brief] = []
    for seed in range(seeds):
        for index, theme in enumerate(themes):
            at = index + seed * 5
            found.append(
                Brief(
                    theme,
                    genre=GENRES[at % len(GENRES)],
                    mood=MOODS[at % len(MOODS)],
                    form=forms[at % len(forms)] if at % 3 else "verse-chorus",
                    rhyme_scheme=SCHEMES[at % len(SCHEMES)],
                    syllables=6 + at % 5,
                    seed=seed,
                )
            )
    return found


def unique_sections(lyrics: Lyrics) -> list[tuple[str, tuple[str, ...]]]:
    seen: dict[str, tuple[str, ...]] = {}
    for section in lyrics.sections:
        seen.setdefault(section.label, section.lines)
    return list(seen.items())


def internal_rhyme(line: str) -> bool:
    """True when a word before the last rhymes with the line's end word (a rap bar's internal rhyme)."""
    words = [w.strip(",.!?").lower() for w in line.split()]
    last = end_word(line) or ""
    return any(w != last.lower() and len(w) > 2 and rhymes(w, last) for w in words[:-2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=2, help="seeds per theme")
    parser.add_argument("--tuning", action="store_true", help="measure the tuning themes instead of the held-out")
    parser.add_argument("--show", type=int, default=0, help="print this many drafts to read")
    args = parser.parse_args()
    themes = TUNING if args.tuning else HELD_OUT
    write(Brief("warm up", seed=0))  # loads the dictionaries once, as a running bot has
    results: list[tuple[Brief, Lyrics, float]] = []
    for brief in briefs(themes, args.seeds):
        started = time.perf_counter()
        lyrics = write(brief)
        results.append((brief, lyrics, time.perf_counter() - started))
    which = "tuning" if args.tuning else "held-out"
    print(f"{len(results)} {which} briefs ({len(themes)} themes × {args.seeds} seeds, all {len(GENRES)} genres)")
    measure(results, show=args.show)


def measure(results: list[tuple[Brief, Lyrics, float]], *, show: int = 0, genre_forms: bool = True) -> None:
    """Print every figure over drafted briefs; ``genre_forms`` measures syllables against each genre's targets
    (off: against the brief's target alone, for a writer that knows no genre forms)."""
    times: list[float] = []
    sung: dict[str, set[str]] = defaultdict(set)
    openings: Counter[str] = Counter()
    bad: list[tuple[str, str, list[str]]] = []
    lines_total = self_rhyme = worst_opening = untitled = 0
    aab = blues_verses = rap_verses = rap_inner = pairs = met = on_target = sung_lines = 0
    choruses = hooked = 0
    for number, (brief, lyrics, seconds) in enumerate(results):
        times.append(seconds)
        form = lyric_form(brief.genre) if genre_forms else PLAIN
        if number < show:
            print(f"--- {brief.theme} · {brief.genre} · {brief.form} · {brief.rhyme_scheme} · {brief.syllables}")
            print(lyrics.to_text())
        untitled += not is_title_case(lyrics.title)
        chorus = next((s for s in lyrics.sections if s.label == "Chorus"), None)
        if chorus is not None:
            choruses += 1
            hooked += lyrics.title.lower() in " ".join(chorus.lines).lower()
        song_openings: Counter[str] = Counter()
        for label, lines in unique_sections(lyrics):
            target = expand_scheme(brief.section_scheme, len(lines))
            self_rhyme += len(self_rhymes(lines, brief.section_scheme))
            wanted = sum(1 for i, m in enumerate(target) if m != FREE and target.index(m) < i)
            pairs += wanted
            met += wanted - len(unmet_rhymes(target, lines))
            syllables = form.syllables(label, brief.syllables)
            on_target += sum(abs(count_syllables(line) - syllables) <= 1 for line in lines)
            sung_lines += len(lines)
            if label.startswith("Verse") and form.aab_verses:
                blues_verses += 1
                aab += is_aab(lines)
            if label.startswith("Verse") and form.internal_rhyme:
                rap_verses += 1
                rap_inner += any(internal_rhyme(line) for line in lines)
            for line in dict.fromkeys(lines):
                lines_total += 1
                sung[line.lower()].add(brief.theme)
                opening = " ".join(w.lower().strip(",!?.") for w in line.split()[:2])
                openings[opening] += 1
                song_openings[opening] += 1
                if found := grammar.problems(line, brief.theme):
                    bad.append((brief.theme, line, found))
        worst_opening = max(worst_opening, max(song_openings.values()))
    reused = {line: themes_ for line, themes_ in sung.items() if len(themes_) > 1}
    top = sum(count for _, count in openings.most_common(12))
    print(f"lines (distinct per song): {lines_total}")
    print(f"grammar failures: {len(bad)} lines")
    for theme, line, found in bad[:8]:
        print(f"    {', '.join(found)}: {line!r} ({theme})")
    print(f"verbatim reuse across themes: {len(reused)} lines")
    for line, themes_ in list(reused.items())[:8]:
        print(f"    {line!r} in {len(themes_)} themes")
    print(f"self-rhymes: {self_rhyme}")
    print(f"top-12 openings: {top / lines_total:.1%} of lines ({', '.join(o for o, _ in openings.most_common(12))})")
    print(f"most lines of one song on one opening: {worst_opening}")
    print(f"blues verses in AAB form: {aab} of {blues_verses}")
    print(f"hip-hop verses with an internal rhyme: {rap_inner} of {rap_verses}")
    print(f"rhyme adherence: {met} of {pairs} scheme pairs ({met / pairs:.1%})")
    print(f"syllable adherence (±1 of the section's target): {on_target / sung_lines:.1%}")
    print(f"titles not in title case: {untitled}; choruses that sing the hook (the title): {hooked} of {choruses}")
    ms = sorted(t * 1000 for t in times)
    print(
        f"time a song: median {statistics.median(ms):.0f} ms, p95 {ms[int(len(ms) * 0.95)]:.0f} ms, max {ms[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
