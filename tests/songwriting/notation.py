"""Notation checks shared by the MusicXML and ABC tests: both files are read back with music21."""

from __future__ import annotations

from fractions import Fraction

from music21 import harmony, note, stream

from bot.songwriting.music.melody import Meter


def beat_crossings(score: stream.Score, meter_text: str) -> list[str]:
    """Notes and rests that hide a dotted-quarter beat: they cross one without starting and ending on beats.

    A span that starts and ends on beats may cover several (a dotted half fills a 6/8 bar), except 12/8's
    half bar, which only a whole-bar note may cover.
    """
    beat, bar = Fraction(3, 2), Meter.parse(meter_text).bar
    found = []
    for bar_index, measure in enumerate(score.parts[0].getElementsByClass(stream.Measure)):
        for item in measure.notesAndRests:
            if isinstance(item, harmony.ChordSymbol) or not item.quarterLength:
                continue  # chord symbols are zero-length chords
            start = Fraction(item.offset).limit_denominator(96)
            end = start + Fraction(item.quarterLength).limit_denominator(96)
            crosses = [b for b in (beat * k for k in range(1, int(bar / beat))) if start < b < end]
            on_beats = start % beat == 0 and end % beat == 0
            half_bar = bar / 2 if bar == 6 and (start, end) != (0, bar) else None
            if crosses and (not on_beats or half_bar in crosses):
                found.append(
                    f"bar {bar_index + 1}: {item.name if isinstance(item, note.Note) else 'rest'} {start}–{end}"
                )
    return found
