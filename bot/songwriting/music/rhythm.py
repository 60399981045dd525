"""Rhythm: a line's syllables placed on an eighth-note grid by a small dynamic programme.

Keyword stresses go on strong beats (real songs put about 81 % of keywords there; this aims at 90 % so the words
land, leaving the rest for pushes), function words off them, the odd stressed syllable is pushed an eighth
early and held over the beat (syncopation, as often as the genre asks), and the line ends on a long note on a
strong beat.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from bot.songwriting.music.melody import Meter

GRID = Fraction(1, 2)  # the placement grid: eighth notes
PICKUP = 2  # eighths a line may borrow from the end of the previous line
FINAL_TAIL = 4  # a line's last syllable starts at least this many eighths before its window ends
MAX_NOTE = 8  # longest mid-line note, in eighths


@dataclass(frozen=True, slots=True)
class Unit:
    """One note to place: a sung syllable, or an instrumental note with an invented stress."""

    text: str | None
    stress: int
    keyword: bool


def bars_for(units: Sequence[Unit], time: Meter, density: float = 0.7) -> int:
    """Pick the bars a line needs: room for its syllables (``density`` of the slots at most) and a strong beat for
    each keyword."""
    per_bar = int(time.bar / GRID)
    keywords = sum(u.keyword for u in units)
    # One keyword may fall off the strong beats, except in compound metre, where every other slot is weak.
    spare = 0 if time.compound else 1
    for bars in (2, 4, 8):
        window = bars * per_bar
        strong = sum(1 for s in range(window - FINAL_TAIL + 1) if time.strong(s * GRID))
        if len(units) <= window * density and keywords <= strong + spare:
            return bars
    return 8


def place(
    units: Sequence[Unit], time: Meter, window: int, pickup: int, rng: random.Random, syncopation: float = 0.25
) -> list[tuple[int, int]]:
    """Place syllables on the eighth grid by dynamic programming; return (slot, length) per unit.

    With probability ``syncopation`` one stressed syllable (never the last) may anticipate its strong beat: a
    plain stressed syllable when the line has one, so the keywords keep their beats; a keyword only now and then.
    """
    n = len(units)
    first = -pickup
    last = window - FINAL_TAIL
    plain = [i for i, unit in enumerate(units[:-1]) if unit.stress and not unit.keyword]
    keywords = [i for i, unit in enumerate(units[:-1]) if unit.keyword]
    pushed = None
    if rng.random() < syncopation:
        candidates = plain if plain and rng.random() < 0.8 else keywords
        pushed = rng.choice(candidates) if candidates else None
    jitter = {s: rng.random() * 0.5 for s in range(first, window)}
    weight = {s: time.weight(s * GRID) for s in range(first, window + 1)}

    def cost(index: int, slot: int, length: int) -> float:
        unit = units[index]
        w = weight[slot]
        syncopated = w == 0 and length >= 2 and weight.get(slot + 1, 0) >= 1
        if unit.keyword:
            value = 0.0 if w >= 2 else 3.2 if w == 1 else 5.0
            if syncopated and weight.get(slot + 1, 0) >= 2:
                value = -0.2 if index == pushed else 3.0
        elif unit.stress:
            value = 0.3 if w >= 2 else 0.0 if w == 1 else 0.8
            if index == pushed and syncopated:
                value = -0.4
        else:
            value = 2.0 if w >= 2 else 0.4 if w == 1 else 0.0
        if syncopated and index != pushed:
            value += 1.0
        if length == 1:
            value += 0.2 if unit.stress else 0.0
        elif length == 3:
            value += 0.4
        elif length >= 4:
            value += 0.6 + 0.6 * (length - 4) + (1.2 if not unit.stress else 0.0)
        return value + jitter[slot]

    # best[i][slot] = (total cost, previous slot) with unit i starting at slot.
    best: list[dict[int, tuple[float, int]]] = [{}]
    for slot in range(first, last - n + 2):
        best[0][slot] = (0.25 * max(0, slot - 2), slot)
    for i in range(1, n):
        row: dict[int, tuple[float, int]] = {}
        for slot in range(first + i, last - (n - 1 - i) + 1):
            previous = best[i - 1]
            options = [
                (previous[prev][0] + cost(i - 1, prev, slot - prev), prev)
                for prev in range(slot - MAX_NOTE, slot)
                if prev in previous
            ]
            if options:
                row[slot] = min(options)
        best.append(row)
    finals = {}
    for slot, (total, _) in best[n - 1].items():
        w = weight[slot]
        finals[slot] = total + cost(n - 1, slot, 2) + {3: 0.0, 2: 0.3, 1: 2.5}.get(w, 4.0)
        finals[slot] += 0.15 * max(0, window - slot - 8)
    slot = min(finals, key=finals.__getitem__)
    slots = [slot]
    for i in range(n - 1, 0, -1):
        slot = best[i][slot][1]
        slots.append(slot)
    slots.reverse()
    lengths = [b - a for a, b in itertools.pairwise(slots)] + [window - slots[-1]]
    return list(zip(slots, lengths, strict=True))
