"""Pitch choice: a Viterbi search over scale degrees, and the costs it weighs (contours, cadences, register).

Chord tones on strong beats, mostly steps, leaps over five semitones resolved by a step the other way, an arch
(or rise, or fall) per line, cadence notes at line ends. A note may be marked as a leap target (a keyword where
the tune may jump, up to the hook), which makes the leap into it cheap while its resolution stays required.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.songwriting.music.harmony import MODES, Key

INTERVAL_COST = (0.0, 0.0, 0.45, 1.2, 2.0, 3.2, 7.0)  # by size in scale degrees; index 0 is overridden
_LEAP_INVITED = 3.0  # taken off an upward leap's cost where the melody is invited to leap


def motion(previous: int, degree: int, pitch: Callable[[int], int]) -> int:
    """Classify a move between degrees: 0 repeat, ±1 step, ±2 skip, ±3 leap of more than five semitones."""
    step = degree - previous
    kind = 0 if step == 0 else 3 if abs(pitch(degree) - pitch(previous)) > 5 else min(abs(step), 2)
    return kind if step >= 0 else -kind


def viterbi(
    options: list[dict[int, tuple[float, bool]]],
    repeats: list[float],
    pitch: Callable[[int], int],
    start: tuple[int, int] | None,
    invited: Sequence[bool] | None = None,
) -> list[int]:
    """Choose one degree per note minimising unary plus motion costs.

    The state is (degree, last motion): 0 for a repeat or the start, ±1 a step, ±2 a skip, ±3 a leap of more
    than five semitones, which the next note must resolve by a step the other way. ``invited[i]`` makes a leap
    into note i cheaper (never out of it, so the resolution still follows).
    """
    pitch_of = {d: pitch(d) for unary in options for d in unary}
    states: dict[tuple[int, int], float] = {}
    if start is not None:
        states[start] = 0.0
        pitch_of.setdefault(start[0], pitch(start[0]))
    history: list[dict[tuple[int, int], tuple[int, int] | None]] = []
    last = len(options) - 1
    for index, (unary, repeat) in enumerate(zip(options, repeats, strict=True)):
        new_states: dict[tuple[int, int], float] = {}
        back: dict[tuple[int, int], tuple[int, int] | None] = {}
        welcome = invited is not None and invited[index]
        for d, (cost, tone) in unary.items():
            if not states:
                new_states[(d, 0)] = cost
                back[(d, 0)] = None
                continue
            for (p, moved), previous in states.items():
                step = d - p
                size = abs(step)
                total = previous + cost + (repeat if size == 0 else INTERVAL_COST[min(size, 6)])
                reverses = size > 0 and moved and (step > 0) != (moved > 0)
                if abs(moved) == 3 and not (size == 1 and reverses):
                    total += 12.0  # an unresolved leap: allowed only where nothing else can follow
                elif abs(moved) == 1 and size == 1 and reverses:
                    total += 0.5
                if not tone and size > 1:
                    total += 1.2
                kind = 0 if size == 0 else 3 if abs(pitch_of[d] - pitch_of[p]) > 5 else min(size, 2)
                if kind == 3 and index == last:
                    total += 4.0  # nothing in this section could resolve it, and the next may be a fixed repeat
                elif kind == 3 and welcome and step > 0 and abs(moved) != 3:
                    total -= _LEAP_INVITED
                reached = (d, kind if step >= 0 else -kind)
                if total < new_states.get(reached, math.inf):
                    new_states[reached] = total
                    back[reached] = (p, moved)
        states = new_states
        history.append(back)
    state: tuple[int, int] | None = min(states, key=states.__getitem__)
    path: list[int] = []
    for back in reversed(history):
        assert state is not None
        path.append(state[0])
        state = back[state]
    path.reverse()
    return path


def register(key: Key, window: int, centre: int = 66) -> tuple[int, int]:
    """Place the tonic and the degree window so the melody sits around ``centre`` (F#4, a comfortable middle,
    unless the genre's singers or the member's voice sit elsewhere)."""
    tonic_midi = centre - 11 + (key.tonic_pc - (centre - 11)) % 12  # the octave at or just below the centre
    scale = MODES[key.mode]

    def middle_of(low: int) -> int:
        middle = low + window // 2
        return tonic_midi + 12 * (middle // 7) + scale[middle % 7]

    low = min(range(-6, 4), key=lambda lo: (abs(middle_of(lo) - centre), lo))
    return tonic_midi, low


def cadence(phrase: int, count: int) -> str:
    """The cadence a line ends on: authentic for the section's last, half at its middle, else open."""
    if phrase == count - 1:
        return "authentic"
    if count >= 2 and phrase == count // 2 - 1:
        return "half"
    return "open"


def cadence_cost(kind: str, degree: int, chord_tone: bool) -> float:
    if not chord_tone:
        return 8.0
    if kind == "authentic":
        return 0.0 if degree == 0 else 8.0
    if kind == "half":
        return {4: 0.0, 1: 0.3}.get(degree, 1.0)
    return 0.0 if degree in (0, 2, 4) else 0.4


def shape(rng: random.Random) -> Contour:
    amplitude = rng.uniform(2.5, 4.0)
    return Contour(rng.choice(("arch", "arch", "arch", "rise", "fall")), amplitude)


@dataclass(frozen=True, slots=True)
class Contour:
    """A line's target height over its course (0 = first note, 1 = last), in scale degrees."""

    kind: str
    amplitude: float

    def __call__(self, x: float) -> float:
        if self.kind == "rise":
            return self.amplitude * min(1.0, 1.4 * x) - 1.0 - (1.5 if x >= 1 else 0.0)
        if self.kind == "fall":
            return self.amplitude * (1.0 - x) - 0.5
        return self.amplitude * math.sin(math.pi * min(1.0, x**0.8))
