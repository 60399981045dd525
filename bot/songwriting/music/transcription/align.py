"""Put a song's syllables under sung notes: one a note where the counts match, a melisma where there are more
notes than syllables, and repeated notes (a long note split) where there are more syllables than notes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.songwriting.music.transcription.grid import EIGHTH, GridNote
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import line_syllables


@dataclass(frozen=True, slots=True)
class LyricSyllable:
    """One syllable of the song, in the melody's convention (``"beau-"`` continues into the next note's word)."""

    text: str
    section: int
    line: int


@dataclass(frozen=True, slots=True)
class Aligned:
    """A note with the syllable it carries (None in a melisma or a rest) and where in the lyric it falls."""

    note: GridNote
    syllable: str | None
    section: int
    line: int


def song_syllables(lyrics: Lyrics | None) -> tuple[LyricSyllable, ...]:
    """Every sung syllable of the lyrics, with its section and line numbers."""
    if lyrics is None:
        return ()
    out: list[LyricSyllable] = []
    line_number = 0
    for section_number, section in enumerate(lyrics.sections):
        for line in section.lines:
            for syllable in line_syllables(line):
                text = syllable.text if syllable.word_end else f"{syllable.text}-"
                out.append(LyricSyllable(text, section_number, line_number))
            line_number += 1
    return tuple(out)


def align(notes: tuple[GridNote, ...], syllables: tuple[LyricSyllable, ...]) -> tuple[list[Aligned], float]:
    """Align syllables to notes; return the notes and the share of syllables and notes that paired one to one."""
    sung = _split_for(list(notes), len(syllables))
    pitched = [i for i, n in enumerate(sung) if n.pitch is not None]
    if not syllables:
        return [Aligned(n, None, 0, 0) for n in sung], 1.0
    count = min(len(pitched), len(syllables))
    starts = {pitched[i * len(pitched) // count]: syllables[i] for i in range(count)} if count else {}
    out: list[Aligned] = []
    current = syllables[0]
    for index, note in enumerate(sung):
        syllable = starts.get(index)
        if syllable is not None:
            current = syllable
        out.append(Aligned(note, syllable.text if syllable else None, current.section, current.line))
    fit = min(len(pitched), len(syllables)) / max(len(pitched), len(syllables), 1)
    return out, fit


def _split_for(notes: list[GridNote], wanted: int) -> list[GridNote]:
    """Split the longest notes into repeated notes (never below an eighth) until there are ``wanted`` notes."""
    while sum(n.pitch is not None for n in notes) < wanted:
        candidates = [i for i, n in enumerate(notes) if n.pitch is not None and n.duration >= 2 * EIGHTH]
        if not candidates:
            break
        index = max(candidates, key=lambda i: (notes[i].duration, -i))
        note = notes[index]
        first = (note.duration / 2 // EIGHTH) * EIGHTH
        notes[index : index + 1] = [
            replace(note, duration=first),
            replace(note, start=note.start + first, duration=note.duration - first),
        ]
    return notes
