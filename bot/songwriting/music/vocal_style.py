"""How the voice sings a composed tune in its genre: melisma runs and hip-hop's flow, applied after composing.

The composer writes one note per syllable on an eighth-note grid for every genre; singers do not. This step
takes that melody and the genre's ``MelodyCharacter`` and returns it re-sung:
- **melisma** (R&B and soul, ballads, slow blues): a long syllable — a beat or more, on a keyword's strong beat or
  a line's last note — is sung on two to four notes: it starts on its own pitch and turns or runs by scale step,
  toward the next note, in the last beat of its length. Continuation notes carry ``melisma=True`` and no syllable,
  so the MIDI file has one lyric event per syllable and the score slurs the run.
- **flow** (hip-hop): each verse line is re-timed in sixteenths from where it starts — unstressed syllables a
  sixteenth, stressed ones (those the composer put on a beat) an eighth landing on the eighth grid — so the words
  come in speech rhythm and the line ends early, leaving the pocket; pitches stay (a close, tonal contour). The
  chorus is sung as composed: the hook.

Choices are seeded by the line's own notes, so a chorus repeated note for note is re-sung identically.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from bot.songwriting.music.genres import MelodyCharacter
from bot.songwriting.music.melody import Melody, Note

SIXTEENTH, EIGHTH = Fraction(1, 4), Fraction(1, 2)
_LONGEST_RUN = 4


def sing(melody: Melody, character: MelodyCharacter, kinds: Mapping[int, str]) -> Melody:
    """Re-sing a composed melody in a genre's style; ``kinds`` maps section index to verse/chorus/bridge."""
    notes = list(melody.notes)
    if character.flow:
        notes = _flow(notes, kinds, melody.time.beat)
    if character.melisma > 0:
        notes = _melisma(notes, melody, character.melisma)
    return replace(melody, notes=tuple(notes))


def _lines(notes: Sequence[Note]) -> list[list[int]]:
    """Indices of the sung notes of each lyric line, in time order."""
    by_line: dict[tuple[int, int], list[int]] = {}
    for index, note in enumerate(notes):
        if note.pitch is not None and note.syllable is not None:
            by_line.setdefault((note.section, note.line), []).append(index)
    return sorted(by_line.values(), key=lambda indices: notes[indices[0]].start)


def _line_seed(melody: Melody, notes: Sequence[Note], indices: list[int], what: str) -> random.Random:
    """A random stream fixed by the line's own notes (text, pitches, rhythm from its start) and the melody seed."""
    origin = notes[indices[0]].start
    shape = tuple((notes[i].syllable, notes[i].pitch, notes[i].start - origin, notes[i].duration) for i in indices)
    return random.Random(f"{melody.seed}:{what}:{shape}")


def _melisma(notes: list[Note], melody: Melody, chance: float) -> list[Note]:
    time = melody.time
    scale = set(melody.key.scale)
    result = list(notes)
    runs: dict[int, list[Note]] = {}
    for indices in _lines(notes):
        rng = _line_seed(melody, notes, indices, "melisma")
        for position, index in enumerate(indices):
            note = notes[index]
            last = position == len(indices) - 1
            if note.duration < time.beat or not (last or time.weight(note.start) >= 2):
                continue
            if rng.random() >= chance:
                continue
            following = notes[indices[position + 1]].pitch if not last else None
            runs[index] = _run(note, following, scale, rng, time.beat)
    for index in sorted(runs, reverse=True):
        result[index : index + 1] = runs[index]
    return result


def _run(note: Note, following: int | None, scale: set[int], rng: random.Random, beat: Fraction) -> list[Note]:
    """Split a long sung note into 2–4 notes: held on its pitch, then a turn or a run by scale step."""
    assert note.pitch is not None
    unit = EIGHTH if note.duration >= 2 * beat else SIXTEENTH
    longest = min(_LONGEST_RUN, int(beat / unit) + 1, int((note.duration - unit) / unit) + 1)  # in its last beat
    count = rng.randint(2, max(2, longest))
    up, down = _step(note.pitch, scale, 1), _step(note.pitch, scale, -1)
    toward_below = following is not None and following < note.pitch
    figures = {
        2: [down if toward_below else up],
        3: [up, note.pitch] if not toward_below else [down, _step(down, scale, -1)],
        4: [up, note.pitch, down],
    }
    pitches = [note.pitch, *figures[count]]
    held = note.duration - unit * (count - 1)
    starts = [note.start, *(note.start + held + unit * k for k in range(count - 1))]
    lengths = [held, *([unit] * (count - 1))]
    return [
        replace(note, pitch=pitch, start=start, duration=length, syllable=None if k else note.syllable, melisma=k > 0)
        for k, (pitch, start, length) in enumerate(zip(pitches, starts, lengths, strict=True))
    ]


def _step(pitch: int, scale: set[int], direction: int) -> int:
    """The next scale tone above (1) or below (-1) a pitch."""
    candidate = pitch + direction
    while candidate % 12 not in scale:
        candidate += direction
    return candidate


def _flow(notes: list[Note], kinds: Mapping[int, str], beat: Fraction) -> list[Note]:
    result = list(notes)
    for indices in _lines(notes):
        if kinds.get(notes[indices[0]].section) != "verse":
            continue
        position = notes[indices[0]].start
        limit = notes[indices[-1]].end
        timed: list[Note] = []
        for order, index in enumerate(indices):
            note = notes[index]
            stressed = note.start % beat == 0  # the composer puts stressed syllables on beats
            if stressed and order:
                position = -(-position // EIGHTH) * EIGHTH  # land on the eighth grid
            length = min(EIGHTH if stressed or order == len(indices) - 1 else SIXTEENTH, limit - position)
            timed.append(replace(note, start=position, duration=length))
            position += length
        if all(n.duration > 0 for n in timed):  # always true on the composer's eighth grid; a guard for others
            for index, note in zip(indices, timed, strict=True):
                result[index] = note
    return result


def melisma_share(melody: Melody) -> float:
    """The share of sung syllables carried on more than one note (0 for a syllabic tune)."""
    syllables = [n for n in melody.notes if n.syllable is not None and n.pitch is not None]
    if not syllables:
        return 0.0
    runs = sum(1 for a, b in itertools.pairwise(melody.notes) if b.melisma and a.syllable is not None)
    return runs / len(syllables)
