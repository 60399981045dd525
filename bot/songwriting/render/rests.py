"""Rests written by the beat, the way engravers write them, for the MusicXML and ABC lead sheets.

A silence is shown so the beats stay visible: a whole bar is one bar rest; otherwise the part before the next
beat comes first, then whole beats, joined into a half-bar rest only where it starts on the bar or the half bar
of an even metre (4/4's half rest on beat 1 or 3, 12/8's dotted half on beat 1 or 3), then what is left before
the end. So three and a half beats of silence at the start of a 4/4 bar read half rest, quarter, eighth — never
the double-dotted half rest that hides where beat 4 is (Gould, "Behind Bars", 2011, on grouping rests).
"""

from __future__ import annotations

from fractions import Fraction

from bot.songwriting.music.melody import Meter


def rest_edges(time: Meter, start: Fraction, end: Fraction) -> list[Fraction]:
    """The time points from ``start`` to ``end`` (both included) between which each rest of a silence lies."""
    edges = [start]
    bar = time.bar
    position = start
    while position < end:
        bar_start = position // bar * bar
        stop = min(end, bar_start + bar)
        edges.extend(bar_start + offset for offset in _in_bar(time, position - bar_start, stop - bar_start))
        edges.append(stop)
        position = stop
    return edges


def _in_bar(time: Meter, start: Fraction, end: Fraction) -> list[Fraction]:
    """The inner edges of a silence inside one bar, as offsets from its bar line."""
    bar, beat = time.bar, time.beat
    if start == 0 and end == bar:
        return []
    beats = int(bar / beat)
    half = bar / 2 if beats % 2 == 0 and beats >= 4 else None
    cuts: list[Fraction] = []
    position = start
    if position % beat:
        position = min(end, (position // beat + 1) * beat)
        if position < end:
            cuts.append(position)
    while position + beat <= end:
        joined = half is not None and position % half == 0 and position + half <= end
        position += half if joined and half is not None else beat
        if position < end:
            cuts.append(position)
    return cuts
