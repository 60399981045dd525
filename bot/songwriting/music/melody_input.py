"""Read a member's melody from ABC text, a MIDI file or MusicXML (plain or ``.mxl``), checked by content.

Uploads are untrusted: size, note count and length are bounded, the type is sniffed from the bytes (never the
file name), zipped MusicXML is unpacked with a size cap, and ABC bars are checked for overfull durations because
verovio would engrave them without complaint. music21's work grows with what a file declares, and a few bytes
can declare hours of music, so every file is pre-scanned (``prescan``) before music21 sees it; the melody read
is then checked as a stored one is (``check_melody``), so what is saved can always be read back.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any
from xml.etree import ElementTree

from music21 import chord, converter, harmony, key, meter, note, stream, tempo
from music21.midi.translate import midiStringToStream

from bot.songwriting.music.harmony import MODES, Key, parse_key
from bot.songwriting.music.melody import ChordSpan, Melody, MelodyInputError, Meter, Note, check_melody
from bot.songwriting.music.prescan import (
    ABC_HEADER,
    ABC_METER,
    MAX_BEATS,
    MAX_NOTES,
    METER_ALIASES,
    prescan_abc,
    prescan_midi,
    prescan_musicxml,
    too_long,
    too_many_notes,
)

MAX_BYTES = 1_000_000
_MAX_UNZIPPED = 8_000_000
_ABC_FIELD = re.compile(r"^[XTMLKQ]:", re.MULTILINE)
_ABC_KEY = re.compile(r"^K:", re.MULTILINE)


def sniff(data: bytes) -> str:
    """Name the format of a melody file from its bytes: ``midi``, ``mxl``, ``musicxml`` or ``abc``."""
    if data.startswith(b"MThd"):
        return "midi"
    if data.startswith(b"PK\x03\x04"):
        return "mxl"
    text = _text(data)
    head = text.lstrip()[:4000]
    if head.startswith("<"):
        if "<score-partwise" in head or "<score-timewise" in head:
            return "musicxml"
        raise MelodyInputError("That XML file is not MusicXML (no <score-partwise> score in it).")
    if _ABC_KEY.search(text) and len(_ABC_FIELD.findall(text)) >= 2:
        return "abc"
    raise MelodyInputError("That file is not ABC, MIDI or MusicXML. Attach a .abc, .mid or .musicxml/.mxl file.")


def parse_melody(data: bytes, filename: str | None = None) -> Melody:
    """Parse a melody file; raise MelodyInputError with a member-readable reason when it cannot be used.

    ``filename`` is only used in messages: the format is decided by the content.
    """
    label = f"`{filename}`" if filename else "the file"
    if not data.strip():
        raise MelodyInputError(f"{label.capitalize()} is empty.")
    if len(data) > MAX_BYTES:
        raise MelodyInputError(f"{label.capitalize()} is larger than 1 MB; attach a shorter melody.")
    kind = sniff(data)
    try:
        return _read(data, kind, label)
    except MelodyInputError:
        raise
    except Exception as exc:  # music21 raises anything on malformed scores: each is the file's fault
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise MelodyInputError(f"Could not read {label} as {_NAMES[kind]}: {reason}") from exc


def _read(data: bytes, kind: str, label: str) -> Melody:
    text = ""
    if kind == "midi":
        prescan_midi(data, label)
        score = midiStringToStream(data)  # type: ignore[no-untyped-call]  # untyped in music21
    else:
        text = _unzip(data) if kind == "mxl" else _text(data)
        (prescan_abc if kind == "abc" else prescan_musicxml)(text, label)
        score = converter.parseData(text, format="abc" if kind == "abc" else "musicxml")
    if not isinstance(score, stream.Stream):
        raise MelodyInputError(f"Could not read {label} as {_NAMES[kind]}.")
    words = None
    if kind == "abc":
        _check_bars(score, text)
        words = abc_words(text)
    return _melody(score, label, words)


_NAMES = {"midi": "MIDI", "mxl": "compressed MusicXML", "musicxml": "MusicXML", "abc": "ABC"}


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _unzip(data: bytes) -> str:
    """Return the score inside an ``.mxl`` archive (the container's root file, else the first .xml)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED:
            raise MelodyInputError("That .mxl file unpacks to more than 8 MB; attach a shorter melody.")
        target = None
        if "META-INF/container.xml" in names:
            root = ElementTree.fromstring(archive.read("META-INF/container.xml"))
            found = root.find(".//{*}rootfile")
            target = found.get("full-path") if found is not None else None
        if target is None:
            target = next(
                (n for n in names if n.endswith((".xml", ".musicxml")) and not n.startswith("META-INF")), None
            )
        if target is None or target not in names:
            raise MelodyInputError("That .mxl archive holds no MusicXML score.")
        text = _text(archive.read(target))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError) as exc:
        raise MelodyInputError("That .mxl file is not a valid compressed MusicXML archive.") from exc
    if "<score-partwise" not in text[:4000] and "<score-timewise" not in text[:4000]:
        raise MelodyInputError("That .mxl archive holds no MusicXML score.")
    return text


def _check_bars(score: stream.Stream[Any], text: str) -> None:
    """Reject ABC with an overfull bar (short pickups and final bars are fine).

    music21 splits an overfull bar and gives the overflow a time signature of its own, so a time signature
    the file never declared marks the bar before it as overfull.
    """
    declared = {METER_ALIASES.get(m.strip(), m.strip()) for m in ABC_METER.findall(text)}
    for part in _parts(score):
        measures = list(part.getElementsByClass(stream.Measure))
        for bar, (previous, measure) in enumerate(itertools.pairwise(measures), start=1):
            signatures = list(measure.getElementsByClass(meter.TimeSignature))
            signature = previous.getContextByClass(meter.TimeSignature)
            if signatures and signatures[0].ratioString not in declared and signature is not None:
                used = Fraction(previous.highestTime + measure.highestTime).limit_denominator(96)
                allowed = Fraction(signature.barDuration.quarterLength)
                raise MelodyInputError(
                    f"Bar {bar} of the ABC is overfull: it holds {_beats(used, signature)} beats "
                    f"but {signature.ratioString} allows {_beats(allowed, signature)}. Check its note lengths."
                )


def _beats(length: Fraction, signature: meter.TimeSignature) -> str:
    beats = length / Fraction(4, signature.denominator)
    return str(beats.numerator) if beats.denominator == 1 else f"{float(beats):g}"


def _parts(score: stream.Stream[Any]) -> list[stream.Stream[Any]]:
    parts: list[stream.Stream[Any]] = list(score.getElementsByClass(stream.Part))
    return parts or [score]


def _melody(score: stream.Stream[Any], label: str, words: list[str | None] | None) -> Melody:
    part = _melody_part(score)
    if len(part.recurse().notes) > 2 * MAX_NOTES:  # stripTies is quadratic in the notes as written
        raise too_many_notes(label)
    flat = part.stripTies().flatten()
    notes = _notes(flat.notesAndRests, iter(words) if words else None)
    if not any(n.pitch is not None for n in notes):
        raise MelodyInputError(f"{label.capitalize()} has no notes in it.")
    if len(notes) > MAX_NOTES:
        raise too_many_notes(label)
    signature = next(iter(flat.getElementsByClass(meter.TimeSignature)), None)
    time_text = signature.ratioString if signature is not None else "4/4"
    try:
        time = Meter.parse(time_text)
    except ValueError as exc:
        raise MelodyInputError(f"The metre {time_text} is not supported.") from exc
    end = max(n.end for n in notes)
    if end > MAX_BEATS:
        raise too_long(label)
    melody = Melody(
        notes=tuple(notes),
        chords=tuple(_chords(flat.getElementsByClass(harmony.ChordSymbol), end)),
        tonic=(found := _key(flat)).tonic,
        mode=found.mode,
        tempo=_tempo(flat),
        meter=str(time),
        seed=0,
    )
    return check_melody(melody)  # what the reader of stored melodies checks, so a stored upload reads back


def _melody_part(score: stream.Stream[Any]) -> stream.Stream[Any]:
    """The part that carries the tune: the first with lyrics, else the first with notes."""
    parts = [p for p in _parts(score) if p.recurse().notes]
    if not parts:
        return score
    with_lyrics = [p for p in parts if any(n.lyric for n in p.recurse().notes)]
    return (with_lyrics or parts)[0]


def _notes(elements: Iterable[note.GeneralNote], words: Iterator[str | None] | None) -> list[Note]:
    """Turn music21 notes into melody notes: top note of chords, overlaps trimmed, rests start new lines."""
    notes: list[Note] = []
    line = 0
    for element in elements:
        start = _time(element.offset)
        length = _time(element.quarterLength)
        if length <= 0:
            continue  # grace notes
        if isinstance(element, note.Rest):
            if notes and length >= 1:
                line += 1
            continue
        pitch = _top_pitch(element)
        if pitch is None:
            continue
        syllable = next(words, None) if words is not None else _syllable(element)
        if notes and notes[-1].start == start:
            if (notes[-1].pitch or 0) >= pitch:
                continue
            notes.pop()
        if notes and notes[-1].end > start:
            last = notes[-1]
            notes[-1] = Note(last.pitch, last.start, start - last.start, last.syllable, last.section, last.line)
        notes.append(Note(pitch, start, length, syllable, 0, line))
    return notes


def _top_pitch(element: note.GeneralNote) -> int | None:
    if isinstance(element, note.Note):
        return int(element.pitch.midi)
    if isinstance(element, chord.Chord) and not isinstance(element, harmony.ChordSymbol) and element.pitches:
        return int(max(p.midi for p in element.pitches))
    return None


def _syllable(element: note.GeneralNote) -> str | None:
    lyrics = [lyric for lyric in element.lyrics if lyric.text]
    if not lyrics:
        return None
    first = lyrics[0]
    return first.text + ("-" if first.syllabic in ("begin", "middle") else "")


def abc_words(text: str) -> list[str | None] | None:
    """Align ABC ``w:`` lyrics to notes: one entry per sounding note (ties merged), None where none is sung.

    music21 reads ABC notes but drops ``w:`` lines, so they are aligned here, music line by music line.
    """
    entries: list[str | None] = []
    pending: int | None = None  # notes on the last music line not yet given words
    tied = False  # a tie at the end of a music line carries over to the next
    found = False
    for raw in text.splitlines():
        line = raw.split("%", 1)[0].rstrip()
        if line.startswith("w:"):
            found = True
            syllables = _w_syllables(line[2:])
            count = pending if pending is not None else len(syllables)
            entries.extend((syllables + [None] * count)[:count])
            pending = None
        elif line and not ABC_HEADER.match(line):
            if pending:
                entries.extend([None] * pending)
            pending, tied = _count_abc_notes(line, tied)
    return entries if found else None


_ABC_IGNORED = re.compile(r'"[^"]*"|![^!]*!|\+[^+]*\+|\{[^}]*\}|\[[A-Za-z]:[^\]]*\]')
_ABC_CHORD = re.compile(r"\[[^\]]*\]")
_ABC_NOTE = re.compile(r"[\^=_]*[A-Ga-g][,']*[0-9/]*(-?)")


def _count_abc_notes(line: str, tied: bool) -> tuple[int, bool]:
    """Count the notes on an ABC music line that take a syllable (a note tied from the previous takes none).

    ``tied`` says whether the previous line ended in a tie; the result says whether this one does.
    """
    line = _ABC_CHORD.sub("C", _ABC_IGNORED.sub(" ", line))
    count = 0
    for match in _ABC_NOTE.finditer(line):
        if not tied:
            count += 1
        tied = bool(match.group(1))
    return count, tied


def _w_syllables(text: str) -> list[str | None]:
    """Split a ``w:`` line: ``-`` joins syllables, ``_`` holds the last one, ``*`` skips a note, ``~`` is a space."""
    result: list[str | None] = []
    for token in re.findall(r"[^\s\-_*|]+-?|_|\*|-", text.replace("\\-", "\u2010")):
        if token in ("_", "*"):
            result.append(None)
        elif token == "-":
            continue
        else:
            result.append(token.replace("~", " ").replace("\u2010", "-"))
    return result


def _time(value: float | Fraction) -> Fraction:
    """music21 times are floats or Fractions; limit them to a musical grid (1/96 of a quarter)."""
    return Fraction(value).limit_denominator(96)


def _chords(symbols: Iterable[harmony.ChordSymbol], end: Fraction) -> list[ChordSpan]:
    found = [(_time(s.offset), s.figure.replace("-", "b")) for s in symbols if s.figure]
    spans = []
    for i, (start, figure) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else max(end, start)
        if stop > start:
            spans.append(ChordSpan(figure, start, stop - start))
    return spans


def _key(flat: stream.Stream[Any]) -> Key:
    """The key the file declares; a bare key signature is read as major or minor by key-finding."""
    declared = next(iter(flat.getElementsByClass(key.KeySignature)), None)
    if isinstance(declared, key.Key):
        found = declared
    else:
        guess = flat.analyze("key")
        found = guess if declared is None or guess.sharps == declared.sharps else declared.asKey("major")
    mode = found.mode if found.mode in MODES else "major"
    return parse_key(found.tonic.name.replace("-", "b"), mode)


def _tempo(flat: stream.Stream[Any]) -> int:
    marks = list(flat.getElementsByClass(tempo.MetronomeMark))
    try:
        bpm = marks[0].getQuarterBPM() if marks else None
    except ZeroDivisionError:  # a tempo of 0 ("Q:1/4=0"): use the default
        bpm = None
    return max(40, min(240, round(bpm))) if bpm else 100
