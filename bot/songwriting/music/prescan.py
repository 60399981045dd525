"""A cheap count of what a melody file declares, before music21 sees it: the budget every upload parses within.

music21's work grows with what a file *declares*, not with its size: 60 KB of MIDI key signatures took it
111 s and a gigabyte, one MusicXML ``<beats>99999999</beats>`` exhausted 8 GB, 50,000 ABC chord symbols ran for
minutes. So each format is first read here without music21 (MIDI chunks walked byte by byte, MusicXML through
expat with a handler per element, ABC by regular expressions) and refused with a sentence a member can act on
when it declares more events, notes, bars, parts, metre or key changes, or more beats, than a melody needs.
Within these caps music21 parses any file in about a second.
"""

from __future__ import annotations

import re
from fractions import Fraction
from xml.parsers import expat

from bot.songwriting.music.melody import MelodyInputError, Meter

MAX_NOTES = 2000
"""Notes in the melody (the spec's bound); a MIDI file counts the notes of every track."""
MAX_BEATS = 1600
"""The longest melody read, in quarter notes (400 bars of 4/4)."""
MAX_BARS = 600
"""Bars in one part (or ABC bar lines)."""
MAX_MEASURES = 1200
"""Bars in all parts together: music21 spends about half a millisecond on each."""
MAX_PARTS = 16
"""Parts of a MusicXML score, tracks of a MIDI file."""
MAX_WRITTEN_NOTES = 4 * MAX_NOTES
"""Notes as written in every part (chords, accompaniment) of a MusicXML or ABC file."""
MAX_CHANGES = 100
"""Metre, key and tempo changes: music21's cost grows with the square of them (300 MIDI key signatures: 1 s)."""
MAX_MIDI_EVENTS = 20_000
"""Every MIDI event, meta events included: a melody of 2000 notes needs about 4000."""
MAX_XML_ELEMENTS = 100_000
"""Every MusicXML element: a note with its lyric is about a dozen."""
MAX_CHORD_SYMBOLS = 100
"""ABC chord symbols and annotations (``"C"``, ``"^text"``), MusicXML ``<harmony>``: music21 spends ~5 ms on each."""
MAX_ABC_BARS = 160
"""ABC bar lines: music21's ABC reader grows with the square of the bars (200 bars: 1.3 s, 400: 5 s)."""
MAX_ABC_DECORATIONS = 4 * MAX_NOTES
"""ABC decorations (``!trill!``, ``+fermata+``)."""


def too_long(label: str) -> MelodyInputError:
    return MelodyInputError(
        f"{label.capitalize()} is longer than {MAX_BEATS // 4} bars of 4/4; attach a shorter melody."
    )


def too_many_notes(label: str) -> MelodyInputError:
    return MelodyInputError(f"{label.capitalize()} has more than {MAX_NOTES} notes; attach a shorter melody.")


def _over(label: str, count: str, what: str, advice: str = "attach just the melody") -> MelodyInputError:
    return MelodyInputError(f"{label.capitalize()} has more than {count} {what}; {advice}.")


def check_metre(text: str) -> None:
    """Refuse a metre the bot can't sing in (``99999999/64``), with the sentence every format uses."""
    try:
        Meter.parse(text)
    except ValueError:
        raise MelodyInputError(f"The metre {text[:20]} is not supported; use one like 4/4, 3/4 or 6/8.") from None


# --- MIDI -----------------------------------------------------------------------------------------------

_TIME_SIGNATURE, _KEY_SIGNATURE, _TEMPO = 0x58, 0x59, 0x51
_CHANGES = (_TIME_SIGNATURE, _KEY_SIGNATURE, _TEMPO)


def prescan_midi(data: bytes, label: str) -> None:
    """Walk a Standard MIDI File's chunks and events (running status included) and refuse what is over budget."""
    if len(data) < 14:
        raise MelodyInputError(f"{label.capitalize()} is not a complete MIDI file.")
    header_length = int.from_bytes(data[4:8], "big")
    division = int.from_bytes(data[12:14], "big")
    if division & 0x8000 or not division:
        raise MelodyInputError(f"{label.capitalize()} is timed in SMPTE frames; export it with beats (PPQ) instead.")
    scan = _MidiScan(label)
    position = 8 + header_length
    while position + 8 <= len(data):
        kind, length = data[position : position + 4], int.from_bytes(data[position + 4 : position + 8], "big")
        body = data[position + 8 : position + 8 + length]
        position += 8 + length
        if kind == b"MTrk":
            scan.track(body)
    if scan.notes > MAX_NOTES:
        raise too_many_notes(label)
    if scan.longest > MAX_BEATS * division:
        raise too_long(label)


class _MidiScan:
    """Counts across tracks; refuses the moment a count goes over, so a huge file costs no more than the cap.

    The walk is strict (the Standard MIDI File rules: meta and system-exclusive events cancel running status, no
    event may run past its track's end) and refuses a file that breaks them: music21 skips what it cannot read and
    reads on, so a laxer count could be made to miss events music21 then sees.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.tracks = self.events = self.changes = self.notes = self.longest = 0

    def track(self, body: bytes) -> None:
        self.tracks += 1
        if self.tracks > MAX_PARTS:
            raise _over(self.label, str(MAX_PARTS), "tracks")
        ticks, i, running = 0, 0, 0
        while i < len(body):
            delta, i = _varlen(body, i)
            ticks += delta
            if i >= len(body):
                break  # a last delta time with no event: nothing to read
            status = body[i]
            if status >= 0x80:
                i += 1
                running = status if status < 0xF0 else 0
            elif running:
                status = running
            else:
                raise self._damaged("data with no status byte")
            self._count()
            if status == 0xFF:
                if i >= len(body):
                    raise self._damaged("a meta event cut short")
                meta = body[i]
                length, i = _varlen(body, i + 1)
                self._meta(meta, body[i : i + length])
                i += length
            elif status in (0xF0, 0xF7):
                length, i = _varlen(body, i)
                i += length
            elif status >= 0xF0:
                raise self._damaged(f"a system message (0x{status:X}) that has no place in a file")
            else:
                if status & 0xF0 == 0x90 and i + 1 < len(body) and body[i + 1]:
                    self.notes += 1
                i += 1 if status & 0xF0 in (0xC0, 0xD0) else 2
            if i > len(body):
                raise self._damaged("an event that runs past the end of its track")
        self.longest = max(self.longest, ticks)

    def _damaged(self, what: str) -> MelodyInputError:
        return MelodyInputError(
            f"{self.label.capitalize()} is a damaged MIDI file (track {self.tracks} has {what}); export it again."
        )

    def _count(self) -> None:
        self.events += 1
        if self.events > MAX_MIDI_EVENTS:
            raise _over(self.label, f"{MAX_MIDI_EVENTS:,}", "MIDI events", "export just the melody track")

    def _meta(self, meta: int, payload: bytes) -> None:
        if meta not in _CHANGES:
            return
        self.changes += 1
        if self.changes > MAX_CHANGES:
            raise _over(self.label, str(MAX_CHANGES), "key, metre and tempo changes", "remove most of them")
        if meta == _TIME_SIGNATURE:
            check_metre(f"{payload[0]}/{2 ** min(payload[1], 16)}" if len(payload) >= 2 else "?")


def _varlen(data: bytes, i: int) -> tuple[int, int]:
    """A MIDI variable-length number (at most four bytes) and the index after it."""
    value = 0
    for _ in range(4):
        if i >= len(data):
            break
        byte = data[i]
        i += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            break
    return value, i


# --- MusicXML -------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^\s*-?\d{1,9}(\.\d{1,9})?\s*$")
_TEXT_OF = frozenset({"divisions", "duration", "beats", "beat-type"})


def prescan_musicxml(text: str, label: str) -> None:
    """Read a MusicXML score through expat, counting elements and following each part's time, and refuse
    what is over budget: a negative duration or backup, a huge metre or span, too many notes, bars or parts."""
    scan = _XmlScan(label)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    parser.EntityDeclHandler = scan.entity
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise MelodyInputError(f"Could not read {label} as MusicXML: {expat.ErrorString(exc.code)}.") from None


class _XmlScan:
    """Expat handlers: element counts, and each part's position in quarter notes, measure by measure."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.elements = self.notes = self.measures = self.changes = self.symbols = 0
        self.parts: set[str] = set()
        self.bars: dict[str, int] = {}
        self.span: dict[str, Fraction] = {}
        self.part, self.in_measure, self.in_time, self.timewise = "", False, False, False
        self.divisions = Fraction(1)
        self.position = self.reach = self.onset = Fraction(0)
        self.chord = self.grace = False
        self.duration: Fraction | None = None
        self.beats: list[str] = []
        self.beat_types: list[str] = []
        self.buffer: list[str] | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise _over(self.label, f"{MAX_XML_ELEMENTS:,}", "MusicXML elements")
        if name in _TEXT_OF:
            self.buffer = []
        elif name == "note":
            self.notes += 1
            if self.notes > MAX_WRITTEN_NOTES:
                raise _over(self.label, f"{MAX_WRITTEN_NOTES:,}", "notes in all its parts")
            self.chord = self.grace = False
            self.duration = None
        elif name == "chord":
            self.chord = True
        elif name == "grace":
            self.grace = True
        elif name in ("forward", "backup"):
            self.duration = None
        elif name == "time":
            self.in_time, self.beats, self.beat_types = True, [], []
        elif name == "key" or (name == "sound" and "tempo" in attributes):
            self._change()
        elif name == "harmony":
            self.symbols += 1
            if self.symbols > MAX_CHORD_SYMBOLS:
                raise _over(self.label, str(MAX_CHORD_SYMBOLS), "chord symbols")
        elif name == "part" and "id" in attributes:
            self._open_part(attributes["id"])
        elif name == "measure":
            self._open_measure()
        elif name == "score-timewise":
            self.timewise = True

    def text(self, data: str) -> None:
        if self.buffer is not None:
            self.buffer.append(data)

    def end(self, name: str) -> None:
        if name in _TEXT_OF:
            value, self.buffer = "".join(self.buffer or ()), None
            self._value(name, value)
        elif name == "forward" or (name == "note" and not self.chord and not self.grace):
            self.onset = self.position
            self._advance(self.duration or Fraction(0))
        elif name == "note" and self.chord:  # sounds from the previous note's onset, however long it lasts
            self._reach(self.onset + (self.duration or Fraction(0)))
        elif name == "backup":
            self.position -= self.duration or Fraction(0)
            if self.position < 0:
                raise MelodyInputError(
                    f"{self.label.capitalize()} backs up past the start of a bar (a <backup> longer than the bar)."
                )
        elif name == "time":
            self.in_time = False
            self._change()
            for beats, beat_type in zip(self.beats, self.beat_types, strict=False):
                check_metre(f"{beats.strip()}/{beat_type.strip()}")
        elif name == "measure":
            self.in_measure = False
            if not self.timewise:
                self._close_bar()
        elif name == "part" and self.timewise:
            self._close_bar()

    def entity(self, *_: object) -> None:
        raise MelodyInputError(
            f"{self.label.capitalize()} declares its own XML entities; export it again as plain MusicXML."
        )

    def _value(self, name: str, value: str) -> None:
        if name == "beats" and self.in_time:
            self.beats.append(value)
            return
        if name == "beat-type" and self.in_time:
            self.beat_types.append(value)
            return
        if name not in ("divisions", "duration"):
            return
        if not _NUMBER.match(value):
            raise MelodyInputError(f"{self.label.capitalize()} has a <{name}> of “{value.strip()[:20]}”, not a number.")
        number = Fraction(value.strip())
        if name == "divisions":
            if number <= 0:
                raise MelodyInputError(
                    f"{self.label.capitalize()} has <divisions> of {value.strip()}; it must be positive."
                )
            self.divisions = number
        elif number < 0:
            raise MelodyInputError(
                f"{self.label.capitalize()} has a <duration> of {value.strip()}: durations can't be negative."
            )
        else:
            self.duration = number / self.divisions

    def _advance(self, length: Fraction) -> None:
        self.position += length
        self._reach(self.position)

    def _reach(self, position: Fraction) -> None:
        self.reach = max(self.reach, position)
        if self.reach > MAX_BEATS:
            raise too_long(self.label)

    def _change(self) -> None:
        self.changes += 1
        if self.changes > MAX_CHANGES:
            raise _over(self.label, str(MAX_CHANGES), "key, metre and tempo changes", "remove most of them")

    def _open_part(self, part: str) -> None:
        self.part = part
        self.parts.add(part)
        if len(self.parts) > MAX_PARTS:
            raise _over(self.label, str(MAX_PARTS), "parts")
        if self.in_measure:  # score-timewise: a part inside a measure starts this part's bar
            self.position = self.reach = Fraction(0)

    def _open_measure(self) -> None:
        self.in_measure = True
        self.measures += 1
        if self.measures > MAX_MEASURES:
            raise _over(self.label, str(MAX_MEASURES), "bars in all its parts")
        self.position = self.reach = Fraction(0)

    def _close_bar(self) -> None:
        """A bar of one part ends: its length (the furthest any voice reached) adds to the part's span."""
        bars = self.bars[self.part] = self.bars.get(self.part, 0) + 1
        if bars > MAX_BARS:
            raise _over(self.label, str(MAX_BARS), "bars")
        span = self.span[self.part] = self.span.get(self.part, Fraction(0)) + self.reach
        if span > MAX_BEATS:
            raise too_long(self.label)
        self.position = self.reach = Fraction(0)


# --- ABC ------------------------------------------------------------------------------------------------

ABC_HEADER = re.compile(r"^[A-Za-z]:")
ABC_METER = re.compile(r"(?:^M:|\[M:)\s*([^\]\n%]+)", re.MULTILINE)
METER_ALIASES = {"C": "4/4", "C|": "2/2"}
_ABC_SYMBOL = re.compile(r'"[^"\n]*"')
_ABC_DECORATION = re.compile(r"![^!\n]*!|\+[^+\n]*\+")
_ABC_CHANGE = re.compile(r"^[KMQL]:|\[[KMQL]:", re.MULTILINE)
_ABC_NOTE_LETTER = re.compile(r"[A-Ga-gz]")


def prescan_abc(text: str, label: str) -> None:
    """Count an ABC tune's bars, notes, chord symbols, decorations and field changes, and check its metres.

    What costs music21 most (chord symbols, bars) is counted by its characters in the whole text, quotes and bar
    lines in comments and headers too: an upper bound that no way of pairing quotes or hiding bars can slip past.
    """
    for declared in ABC_METER.findall(text):
        value = METER_ALIASES.get(declared.strip(), declared.strip())
        if value.lower() != "none":
            check_metre(value)
    if len(_ABC_CHANGE.findall(text)) > MAX_CHANGES:
        raise _over(label, str(MAX_CHANGES), "key, metre, tempo and length changes", "remove most of them")
    if (text.count('"') + 1) // 2 > MAX_CHORD_SYMBOLS:
        raise _over(label, str(MAX_CHORD_SYMBOLS), "chord symbols and annotations")
    if text.count("|") > MAX_ABC_BARS:
        raise _over(label, str(MAX_ABC_BARS), "bars", "attach a shorter melody")
    music = "\n".join(line.split("%", 1)[0] for line in text.splitlines() if not ABC_HEADER.match(line))
    if len(_ABC_DECORATION.findall(music)) > MAX_ABC_DECORATIONS:
        raise _over(label, f"{MAX_ABC_DECORATIONS:,}", "decorations")
    bare = _ABC_DECORATION.sub(" ", _ABC_SYMBOL.sub(" ", music))
    if len(_ABC_NOTE_LETTER.findall(bare)) > MAX_WRITTEN_NOTES:
        raise _over(label, f"{MAX_WRITTEN_NOTES:,}", "notes and rests")
