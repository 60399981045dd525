"""The upload budget: hostile melody files are refused before music21 lays them out, quickly and in a sentence.

The corpus (tests/songwriting/music/hostile.py) holds each attack an attack review found; hypothesis varies
them. Whatever is accepted must read back as a stored melody does.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.songwriting.music.melody import Melody, MelodyInputError
from bot.songwriting.music.melody_input import parse_melody
from bot.songwriting.music.prescan import MAX_CHANGES, MAX_CHORD_SYMBOLS, prescan_midi, prescan_musicxml
from tests.songwriting.music import hostile

BUDGET_SECONDS = 2.0
WORKER_MEMORY_MB = 300
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", autouse=True)
def _music21_loaded() -> None:
    parse_melody(hostile.abc("CDEF|"))  # the first parse imports music21's readers: not any file's cost


def _parse_within_budget(data: bytes) -> Melody | None:
    """Parse as an upload is parsed; fail unless it is refused or accepted within the budget."""
    started = time.perf_counter()
    try:
        melody: Melody | None = parse_melody(data, "tune")
    except MelodyInputError:
        melody = None
    assert time.perf_counter() - started < BUDGET_SECONDS
    if melody is not None:
        assert Melody.from_dict(melody.to_dict()) == melody  # what is accepted is stored, and reads back
    return melody


def test_every_hostile_file_is_refused_within_the_budget_in_a_fresh_process() -> None:
    """Each attack is refused in a sentence naming what to fix, within 2 s, the whole corpus within 300 MB."""
    outcomes, peak_rss_mb = hostile.measure_in_subprocess()
    refused = {o.name: o for o in outcomes if o.name in hostile.CORPUS}
    assert set(refused) == set(hostile.CORPUS)
    for name, (_, reason) in hostile.CORPUS.items():
        outcome = refused[name]
        assert outcome.refusal is not None, name
        assert reason in outcome.refusal, name
        assert outcome.refusal.endswith("."), name
        assert outcome.seconds < BUDGET_SECONDS, name
    assert peak_rss_mb < WORKER_MEMORY_MB


@pytest.mark.parametrize("name", sorted(hostile.AT_THE_CAPS))
def test_files_just_inside_every_cap_are_still_read(name: str) -> None:
    """The caps leave room for a real melody: a file at each of them parses to a melody."""
    melody = parse_melody(hostile.AT_THE_CAPS[name](), "tune")
    assert melody.pitched


def test_the_poisoning_file_is_refused_before_music21_and_after_it() -> None:
    """The negative duration is caught by the pre-scan, and the parsed melody is checked as the reader checks it."""
    with pytest.raises(MelodyInputError, match="can't be negative"):
        prescan_musicxml(hostile.negative_duration().decode(), "the file")
    with pytest.raises(MelodyInputError, match="before the beginning"):
        Melody.from_dict(
            {
                "notes": [{"pitch": 60, "start": "-5", "duration": "1"}],
                "tonic": "C",
                "mode": "major",
                "tempo": 100,
                "meter": "4/4",
            }
        )


@FUZZ
@given(
    kind=st.sampled_from([b"\xff\x51\x03\x07\xa1\x20", b"\xff\x58\x04\x04\x02\x18\x08", b"\xff\x59\x02\x00\x00"]),
    count=st.integers(MAX_CHANGES + 1, 40_000),
    notes=st.integers(0, 40),
)
def test_fuzzed_midi_change_floods_are_refused(kind: bytes, count: int, notes: int) -> None:
    """Key, metre or tempo events by the thousand, among a few notes, are refused by the pre-scan."""
    data = hostile.midi([hostile._notes(notes) + (b"\x00" + kind) * count])
    with pytest.raises(MelodyInputError, match="changes"):
        prescan_midi(data, "the file")


@FUZZ
@given(st.binary(min_size=1, max_size=40), st.integers(0, 200), st.integers(0, 255))
def test_fuzzed_corrupt_midi_is_refused_or_read_within_the_budget(junk: bytes, at: int, value: int) -> None:
    """A real MIDI file with bytes overwritten or spliced in is refused or read in time, never hung."""
    data = bytearray(hostile.midi([hostile._notes(12)]))
    data[at % len(data)] = value
    position = (at * 7) % len(data)
    _parse_within_budget(bytes(data[:position] + junk + data[position:]))


@FUZZ
@given(
    beats=st.integers(1, 10**9),
    beat_type=st.sampled_from([1, 2, 3, 4, 8, 16, 32, 64, 128]),
    measure=st.integers(1, 3),
    duration=st.integers(-(10**6), 10**6),
)
def test_fuzzed_musicxml_metres_and_durations(beats: int, beat_type: int, measure: int, duration: int) -> None:
    """Any metre in any bar and any duration is refused or read in time; what is read is a readable melody."""
    time_element = f"<time><beats>{beats}</beats><beat-type>{beat_type}</beat-type></time>"
    bars = [hostile.NOTE.format(d=2) for _ in range(3)]
    bars[measure - 1] = f"<attributes>{time_element}</attributes>" + hostile.NOTE.format(d=duration)
    _parse_within_budget(hostile.musicxml(bars))


@FUZZ
@given(
    symbols=st.integers(0, 3 * MAX_CHORD_SYMBOLS),
    decorations=st.integers(0, 20_000),
    changes=st.integers(0, 3 * MAX_CHANGES),
    bars=st.integers(1, 400),
)
def test_fuzzed_abc_floods(symbols: int, decorations: int, changes: int, bars: int) -> None:
    """Chord symbols, decorations, key changes and bars in any number are refused or read in time."""
    body = '"C"' * symbols + "!p!" * decorations + "[K:G]" * changes + "C D E F |" * bars
    _parse_within_budget(hostile.abc(body))


def test_running_status_notes_are_counted() -> None:
    """Notes written with MIDI running status (no status byte after the first) count like any others."""
    notes = b"\x00\x90\x3c\x40" + b"\x60\x3c\x00\x00\x3c\x40" * 1000 + b"\x60\x3c\x00\x00\x3e\x40"
    with pytest.raises(MelodyInputError, match="more than 2000 notes"):
        prescan_midi(hostile.midi([notes * 2]), "the file")
    prescan_midi(hostile.midi([notes]), "the file")  # 1002 notes


def test_smpte_timed_midi_is_refused() -> None:
    """A MIDI timed in SMPTE frames has no beats to lay out."""
    data = bytearray(hostile.midi([hostile._notes(4)]))
    data[12:14] = b"\xe7\x28"
    with pytest.raises(MelodyInputError, match="SMPTE"):
        prescan_midi(bytes(data), "the file")


def test_a_timewise_score_is_followed_part_by_part() -> None:
    """In a score-timewise file each part's bar is measured on its own; a <backup> past the bar is refused."""
    note = hostile.NOTE.format(d=4)
    bar = '<measure number="{n}"><part id="P1"><attributes><divisions>1</divisions></attributes>{body}</part></measure>'
    good = "".join(bar.format(n=n, body=note) for n in range(1, 5))
    prescan_musicxml(f"<score-timewise><part-list/>{good}</score-timewise>", "the file")
    bad = bar.format(n=1, body=note + "<backup><duration>5</duration></backup>" + note)
    with pytest.raises(MelodyInputError, match="backs up past the start of a bar"):
        prescan_musicxml(f"<score-timewise><part-list/>{bad}</score-timewise>", "the file")
    long = "".join(bar.format(n=n, body=hostile.NOTE.format(d=16)) for n in range(1, 120))
    with pytest.raises(MelodyInputError, match="longer than 400 bars"):
        prescan_musicxml(f"<score-timewise><part-list/>{long}</score-timewise>", "the file")


def test_declared_entities_are_refused() -> None:
    """A score that declares its own XML entities (the start of an expansion bomb) is refused unread."""
    bomb = '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">]><score-partwise>&a;</score-partwise>'
    with pytest.raises(MelodyInputError, match="declares its own XML entities"):
        prescan_musicxml(bomb, "the file")


@pytest.mark.parametrize(
    ("events", "what"),
    [
        (b"\x00\x90\x3c\x40\x00\xff\x01\x01x\x00\x3c\x00", "data with no status byte"),  # running status after meta
        (b"\x00\x3c\x40", "data with no status byte"),
        (b"\x00\xf2\x00\x00", "a system message (0xF2)"),
        (b"\x00\xff\x59\x20\x00", "runs past the end of its track"),
    ],
)
def test_a_midi_file_that_breaks_the_format_is_refused(events: bytes, what: str) -> None:
    """Meta events cancel running status, and no event may run past its track: a file that breaks either (so
    that music21, which skips what it can't read, could see events the count did not) is refused."""
    data = b"MThd" + b"\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0" + b"MTrk" + len(events).to_bytes(4, "big") + events
    with pytest.raises(MelodyInputError, match=re.escape(what)):
        prescan_midi(data, "the file")


def test_a_long_chord_note_counts_towards_the_span() -> None:
    """A chord's second note may last longer than its first: the bar reaches as far as the longest."""
    chord = hostile.NOTE.format(d=1) + hostile.NOTE.format(d=99_999).replace("<pitch>", "<chord/><pitch>")
    with pytest.raises(MelodyInputError, match="longer than 400 bars"):
        prescan_musicxml(hostile.musicxml([chord]).decode(), "the file")
