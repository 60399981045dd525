"""A hostile corpus: small melody files that declare far more work than they hold, one builder per attack.

Each builder writes a real file (MIDI bytes by hand, MusicXML and ABC as text) of the shape an attack review
found: each cost minutes or gigabytes in music21 before the pre-scan. The tests and bench/bench_hostile.py
both read it, so the figures in a note are for the same files the tests refuse.
"""

from __future__ import annotations

import dataclasses
import io
import json
import resource
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from bot.songwriting.music.melody import Melody, Note

NOTE = "<note><pitch><step>C</step><octave>4</octave></pitch><duration>{d}</duration><type>quarter</type></note>"


def musicxml(measures: Iterable[str], *, time: str = "<time><beats>4</beats><beat-type>4</beat-type></time>") -> bytes:
    """A one-part MusicXML score; the first measure declares divisions 1 and ``time``."""
    bars = []
    for number, body in enumerate(measures, start=1):
        attributes = f"<attributes><divisions>1</divisions>{time}</attributes>" if number == 1 else ""
        bars.append(f'<measure number="{number}">{attributes}{body}</measure>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<score-partwise version="3.1"><part-list>'
        '<score-part id="P1"><part-name>M</part-name></score-part></part-list>'
        f'<part id="P1">{"".join(bars)}</part></score-partwise>\n'
    ).encode()


def negative_duration() -> bytes:
    """The file that poisoned a song (467 bytes as reported): a note lasting -5 divisions."""
    return musicxml([NOTE.format(d=-5) + NOTE.format(d=1)])


def negative_forward() -> bytes:
    """A <forward> of -3 divisions: the next note starts before the piece does."""
    return musicxml([NOTE.format(d=1) + "<forward><duration>-3</duration></forward>" + NOTE.format(d=1)])


def pre_fix_melody() -> Melody:
    """What parsing the negative-duration file gave before melodies were checked: a note starting at -5."""
    return Melody(
        notes=(Note(62, Fraction(-5), Fraction(1), None, 0, 0), Note(60, Fraction(0), Fraction(1), None, 0, 0)),
        chords=(),
        tonic="C",
        mode="major",
        tempo=100,
        meter="4/4",
        seed=0,
    )


def huge_metre(in_measure: int = 1) -> bytes:
    """``<beats>99999999</beats><beat-type>64</beat-type>``: music21 ran out of memory at 8 GB laying it out."""
    huge = "<time><beats>99999999</beats><beat-type>64</beat-type></time>"
    if in_measure == 1:
        return musicxml([NOTE.format(d=4)], time=huge)
    bars = [(f"<attributes>{huge}</attributes>" if n == in_measure else "") + NOTE.format(d=4) for n in range(1, 4)]
    return musicxml(bars)


def huge_duration() -> bytes:
    """One note declared to last 99,999,999 quarter notes."""
    return musicxml([NOTE.format(d=99_999_999)])


def many_measures(count: int = 10_000) -> bytes:
    """Empty bars by the thousand: each costs music21 a Measure object and a layout pass."""
    return musicxml([NOTE.format(d=4)] + [""] * (count - 1))


def many_parts(count: int = 500) -> bytes:
    """Hundreds of one-note parts."""
    heads = "".join(f'<score-part id="P{n}"><part-name>P</part-name></score-part>' for n in range(count))
    attributes = "<attributes><divisions>1</divisions></attributes>"
    body = "".join(
        f'<part id="P{n}"><measure number="1">{attributes}{NOTE.format(d=1)}</measure></part>' for n in range(count)
    )
    return f'<?xml version="1.0"?><score-partwise><part-list>{heads}</part-list>{body}</score-partwise>'.encode()


def many_elements(count: int = 120_000) -> bytes:
    """A note smothered in empty elements music21 still walks."""
    return musicxml([NOTE.format(d=4).replace("<type>", "<x/>" * count + "<type>", 1)])


def zipped(score: bytes) -> bytes:
    """A compressed MusicXML (.mxl) archive holding ``score``, with its container file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "META-INF/container.xml",
            '<container><rootfiles><rootfile full-path="score.musicxml"/></rootfiles></container>',
        )
        archive.writestr("score.musicxml", score)
    return buffer.getvalue()


def _track(events: bytes) -> bytes:
    return b"MTrk" + struct.pack(">I", len(events)) + events


def midi(tracks: Iterable[bytes], ticks: int = 480) -> bytes:
    """A format-1 MIDI file from raw track event bytes (each a sequence of delta-time + event)."""
    built = [_track(events + b"\x00\xff\x2f\x00") for events in tracks]
    return b"MThd" + struct.pack(">IHHH", 6, 1, len(built), ticks) + b"".join(built)


def _notes(count: int) -> bytes:
    return b"".join(b"\x00\x90\x3c\x40\x83\x60\x80\x3c\x00" for _ in range(count))


def midi_key_signatures(count: int = 10_000) -> bytes:
    """The 60 KB MIDI with 10,000 key-signature events (111 s and 984 MB in music21)."""
    return midi([b"\x00\xff\x59\x02\x00\x00" * count + _notes(8)])


def midi_time_signatures(count: int = 100_000) -> bytes:
    """100,000 time-signature events (past 150 s at 1.5 GB)."""
    return midi([b"\x00\xff\x58\x04\x04\x02\x18\x08" * count + _notes(8)])


def midi_tempo_changes(count: int = 20_000) -> bytes:
    """A tempo change on every tick."""
    return midi([b"\x01\xff\x51\x03\x07\xa1\x20" * count + _notes(8)])


def midi_many_tracks(count: int = 2_000) -> bytes:
    """Thousands of one-note tracks."""
    return midi([_notes(1)] * count)


def midi_long_silence() -> bytes:
    """A delta time of 0x0FFFFFFF ticks: one note, hours later."""
    return midi([b"\xff\xff\xff\x7f\x90\x3c\x40\x83\x60\x80\x3c\x00"])


def abc(body: str, *, meter: str = "4/4") -> bytes:
    return f"X:1\nT:Hostile\nM:{meter}\nL:1/4\nK:C\n{body}\n".encode()


def abc_chord_symbols(count: int = 50_000) -> bytes:
    """50,000 ``"C"`` chord symbols on four notes (past 150 s)."""
    return abc('"C"' * count + "CDEF|")


def abc_inline_fields(count: int = 20_000) -> bytes:
    """A key change before every note."""
    return abc("[K:G]C" * count + "|")


def abc_decorations(count: int = 100_000) -> bytes:
    """Decorations stacked on one note."""
    return abc("!trill!" * count + "C4|")


CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "musicxml-negative-duration": (negative_duration, "durations can't be negative"),
    "musicxml-negative-forward": (negative_forward, "durations can't be negative"),
    "musicxml-huge-metre": (huge_metre, "metre 99999999/64 is not supported"),
    "musicxml-huge-metre-in-bar-2": (lambda: huge_metre(2), "metre 99999999/64 is not supported"),
    "musicxml-huge-duration": (huge_duration, "longer than 400 bars"),
    "mxl-huge-metre": (lambda: zipped(huge_metre()), "metre 99999999/64 is not supported"),
    "mxl-negative-duration": (lambda: zipped(negative_duration()), "durations can't be negative"),
    "musicxml-10000-measures": (many_measures, "more than 600 bars"),
    "musicxml-500-parts": (many_parts, "more than 16 parts"),
    "musicxml-120000-elements": (many_elements, "more than 100,000 MusicXML elements"),
    "midi-10000-key-signatures": (midi_key_signatures, "key, metre and tempo changes"),
    "midi-100000-time-signatures": (midi_time_signatures, "key, metre and tempo changes"),
    "midi-20000-tempo-changes": (midi_tempo_changes, "key, metre and tempo changes"),
    "midi-2000-tracks": (midi_many_tracks, "more than 16 tracks"),
    "midi-long-silence": (midi_long_silence, "longer than 400 bars"),
    "abc-50000-chord-symbols": (abc_chord_symbols, "more than 100 chord symbols"),
    "abc-20000-key-changes": (abc_inline_fields, "key, metre, tempo and length changes"),
    "abc-100000-decorations": (abc_decorations, "more than 8,000 decorations"),
}
"""Every attack by name, with what the member is told: each must be refused quickly, in a sentence."""


def at_the_caps_musicxml(parts: int = 1, bars: int = 600) -> bytes:
    """The most a MusicXML upload may declare: every part ``bars`` bars of 2/4, a note a bar."""
    heads = "".join(f'<score-part id="P{n}"><part-name>P</part-name></score-part>' for n in range(parts))
    first = "<attributes><divisions>1</divisions><time><beats>2</beats><beat-type>4</beat-type></time></attributes>"
    bar = NOTE.format(d=2).replace("<type>quarter", "<type>half")
    body = "".join(
        f'<part id="P{p}">'
        + "".join(f'<measure number="{m}">{first if m == 1 else ""}{bar}</measure>' for m in range(1, bars + 1))
        + "</part>"
        for p in range(parts)
    )
    return f'<?xml version="1.0"?><score-partwise><part-list>{heads}</part-list>{body}</score-partwise>'.encode()


def at_the_caps_midi() -> bytes:
    """1600 quarter notes and 99 key, metre and tempo changes (a third each), about the most a MIDI may hold."""
    changes = b"\x00\xff\x59\x02\x01\x00\x00\xff\x58\x04\x03\x02\x18\x08\x00\xff\x51\x03\x07\xa1\x20"
    return midi([changes * 33 + _notes(1600)])


def at_the_caps_abc() -> bytes:
    """160 bars of four notes, a chord symbol on each bar."""
    return abc(" ".join('"C"C D E F |' if n % 2 else "C D E F |" for n in range(160)))


AT_THE_CAPS: dict[str, Callable[[], bytes]] = {
    "musicxml-600-bars": at_the_caps_musicxml,
    "musicxml-16-parts-of-75-bars": lambda: at_the_caps_musicxml(16, 75),
    "midi-1600-notes-99-changes": at_the_caps_midi,
    "abc-160-bars-and-chords": at_the_caps_abc,
    "musicxml-100-chord-symbols": lambda: at_the_caps_musicxml(1, 100).replace(
        b"<note>", b"<harmony><root><root-step>C</root-step></root><kind>major</kind></harmony><note>"
    ),
}
"""Files just inside every cap: accepted (or refused by music21's own reading), and still quick."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How parsing one file went: how long, the most Python memory it held, and the refusal (None: accepted)."""

    name: str
    seconds: float
    peak_mb: float
    refusal: str | None


def measure(corpus: dict[str, bytes]) -> tuple[list[Outcome], float]:
    """Parse every file as an upload is parsed: once timed, once traced for its peak Python memory (tracing slows
    a parse, so not both at once). Also return the process's peak resident size in MB, music21 included."""
    from bot.songwriting.music.melody import MelodyInputError
    from bot.songwriting.music.melody_input import parse_melody

    def parse(name: str, data: bytes) -> str | None:
        try:
            parse_melody(data, f"{name}.file")
        except MelodyInputError as exc:
            return str(exc)
        return None

    parse("warm-up", abc("CDEF|"))  # music21's first parse loads its modules: not the files' cost
    outcomes = []
    for name, data in corpus.items():
        started = time.perf_counter()
        refusal = parse(name, data)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        parse(name, data)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        outcomes.append(Outcome(name, seconds, peak, refusal))
    return outcomes, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_in_subprocess(*, at_the_caps: bool = False) -> tuple[list[Outcome], float]:
    """``measure`` on the corpus (and the files at the caps) in a fresh process, so its peak resident size is
    the parses' alone."""
    command = [sys.executable, "-m", "tests.songwriting.music.hostile", *(["--at-the-caps"] if at_the_caps else [])]
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
    found = json.loads(done.stdout)
    return [Outcome(**o) for o in found["outcomes"]], float(found["peak_rss_mb"])


if __name__ == "__main__":
    files = {name: build() for name, (build, _) in CORPUS.items()}
    if "--at-the-caps" in sys.argv:
        files |= {name: build() for name, build in AT_THE_CAPS.items()}
    measured, rss = measure(files)
    print(json.dumps({"outcomes": [dataclasses.asdict(o) for o in measured], "peak_rss_mb": rss}))
