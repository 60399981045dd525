"""The prosody view under a draft (syllables, stresses and rhyme letters per line, outliers flagged) and the
local critic that turns it into co-writer's notes without any model.

It sits apart from ``prosody`` because it needs ``rhyme``, which itself builds on ``prosody``.
"""

from __future__ import annotations

import functools
import importlib.resources
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import line_syllables
from bot.songwriting.words.rhyme import end_word, rhyme_scheme

FLAG_AT = 3
"""Syllables a line may stray from its section's median before it is flagged."""
NOTES_MAX = 12


@dataclass(frozen=True, slots=True)
class LineReport:
    """One line as a singer meets it: syllable count, stress digits, rhyme letter, and a flag if it is off."""

    text: str
    syllables: int
    stresses: str
    rhyme: str
    flag: str | None


@dataclass(frozen=True, slots=True)
class SectionReport:
    """A section's lines and its detected rhyme scheme (letters restart in every section)."""

    label: str
    lines: tuple[LineReport, ...]
    scheme: str


def prosody_report(lyrics: Lyrics) -> tuple[SectionReport, ...]:
    """Measure every line of every section."""
    return tuple(_section_report(section.label, section.lines) for section in lyrics.sections)


def format_report(report: Sequence[SectionReport]) -> str:
    """Render the report compactly for a Discord message: ``8 A  line text`` per line, flags marked with ⚠."""
    blocks: list[str] = []
    for section in report:
        rows = [f"[{section.label}] {section.scheme}"]
        for line in section.lines:
            row = f"{line.syllables:>2} {line.rhyme}  {line.text}"
            rows.append(f"{row}  ⚠ {line.flag}" if line.flag else row)
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks)


def _section_report(label: str, lines: Sequence[str]) -> SectionReport:
    scheme = rhyme_scheme(lines)
    measured = [line_syllables(line) for line in lines]
    counts = [len(syllables) for syllables in measured]
    median = statistics.median(counts) if len(counts) > 1 else None
    reports = tuple(
        LineReport(
            text=line,
            syllables=count,
            stresses="".join(str(s.stress) for s in syllables),
            rhyme=letter,
            flag=_flag(count, median),
        )
        for line, syllables, count, letter in zip(lines, measured, counts, scheme, strict=True)
    )
    return SectionReport(label=label, lines=reports, scheme=scheme)


def _flag(count: int, median: float | None) -> str | None:
    if median is None:
        return None
    off = round(count - median)
    if off >= FLAG_AT:
        return f"long (+{off})"
    if off <= -FLAG_AT:
        return f"short ({off})"
    return None


def critique(lyrics: Lyrics, syllables: int | None = None) -> tuple[str, ...]:
    """Return line notes a co-writer would give: lines off the pattern or target, stock rhymes, clichés.

    Notes never rewrite a line; a repeated section (the chorus) is noted once.
    """
    notes: list[str] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for section in prosody_report(lyrics):
        texts = tuple(line.text for line in section.lines)
        if (section.label, texts) in seen:
            continue
        seen.add((section.label, texts))
        for number, line in enumerate(section.lines, start=1):
            where = f"{section.label}, line {number}"
            if syllables is not None and abs(line.syllables - syllables) > 1:
                notes.append(f"{where}: {line.syllables} syllables against a target of {syllables}.")
            elif line.flag:
                notes.append(f"{where}: {line.flag} against the rest of the section; it will crowd the melody.")
            lowered = line.text.lower()
            notes.extend(
                f'{where}: "{phrase}" is a cliché; find a fresher image.' for phrase in _cliches() if phrase in lowered
            )
        notes.extend(_stock_rhyme_notes(section))
    return tuple(notes[:NOTES_MAX])


def _stock_rhyme_notes(section: SectionReport) -> list[str]:
    ends = [(end_word(line.text) or "").lower() for line in section.lines]
    notes: list[str] = []
    for i, letter in enumerate(section.scheme):
        partner = next((j for j in range(i) if section.scheme[j] == letter != "X"), None)
        if partner is not None and frozenset((ends[partner], ends[i])) in _stock_rhymes():
            notes.append(
                f"{section.label}, lines {partner + 1} and {i + 1}: {ends[partner]} / {ends[i]} is a stock rhyme;"
                " a slant rhyme would surprise more."
            )
    return notes


@functools.cache
def _cliches() -> tuple[str, ...]:
    return tuple(_data_lines("cliches.txt"))


@functools.cache
def _stock_rhymes() -> frozenset[frozenset[str]]:
    return frozenset(frozenset(line.split()) for line in _data_lines("stock_rhymes.txt"))


def _data_lines(name: str) -> list[str]:
    text = importlib.resources.files("bot.songwriting.data").joinpath(name).read_text("utf-8")
    return [line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")]
