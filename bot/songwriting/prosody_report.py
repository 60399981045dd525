"""The prosody view under a draft: syllables, stresses and rhyme letters per line, with outliers flagged.

It sits apart from ``prosody`` because it needs ``rhyme``, which itself builds on ``prosody``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bot.songwriting.lyrics import Lyrics
from bot.songwriting.prosody import line_syllables
from bot.songwriting.rhyme import rhyme_scheme

FLAG_AT = 3
"""Syllables a line may stray from its section's median before it is flagged."""


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
