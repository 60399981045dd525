"""Standard MIDI file: the melody with a lyric event per syllable first, then the band's parts on their own tracks.

Written with music21's low-level MIDI writer (no score object needed, so it stays a few milliseconds).

Velocities are shaped the way a singer and a band would play a lead sheet, so the preview is not a machine:
stressed syllables (their dictionary stress, read back from the text under the notes) and strong beats are
louder, each phrase swells to a gentle arch and falls away at its end, and the chords and bass sit under the
voice with their downbeats a little accented. The same melody always gets the same velocities.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from music21.midi.base import ChannelVoiceMessages, DeltaTime, MetaEvents, MidiEvent, MidiFile, MidiTrack

from bot.songwriting.music.arrangement import DRUM_CHANNEL, arrange
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.versions.credits import Disclosure
from bot.songwriting.words.prosody import rejoined_syllables

TICKS_PER_QUARTER = 480
MELODY_CHANNEL = 1  # music21 numbers channels from 1

_Event = tuple[int, int, MidiEvent]  # (tick, order at the same tick, event)

# Velocity shaping (MIDI 1–127). The voice sits around 80 and ranges about 60–105; the band plays under it.
VOICE = 80
_STRESS_ACCENT = {1: 12, 2: 5, 0: 0}  # lexical stress of the sung syllable
_BEAT_ACCENT = {3: 6, 2: 4, 1: 2, 0: 0}  # metric weight: downbeat, half bar, beat, off the beat
_ARCH = 8  # a phrase starts and ends this much under its middle
_PHRASE_END = 6  # and its last note falls away this much more


def to_midi(melody: Melody, title: str = "", disclosure: Disclosure | None = None) -> bytes:
    """Render a melody as a type-1 MIDI file: conductor, melody (with lyrics), then the band's parts.

    The band is the melody's arrangement (``arrange``): chords and bass, and with a genre its pad and drums (on
    channel 10), all played with the genre's swing. The disclosure line opens the conductor track twice: as the
    copyright notice (players show it as the file's credits; the standard puts it first) and as a text event,
    for tools that show only text.
    """
    band = arrange(melody)
    beat = melody.time.beat

    def tick(position: Fraction) -> int:
        return _tick(band.swung(position, beat))

    credit = [] if disclosure is None else [disclosure.line.encode("utf-8")]
    conductor: list[_Event] = [
        *(_meta(0, MetaEvents.COPYRIGHT_NOTICE, line) for line in credit),
        _meta(0, MetaEvents.SEQUENCE_TRACK_NAME, title.encode("utf-8")),
        *(_meta(0, MetaEvents.TEXT_EVENT, line) for line in credit),
        _meta(0, MetaEvents.SET_TEMPO, round(60_000_000 / melody.tempo).to_bytes(3, "big")),
        _meta(0, MetaEvents.TIME_SIGNATURE, _time_signature(melody)),
        _meta(0, MetaEvents.KEY_SIGNATURE, _key_signature(melody)),
    ]
    lead = [
        _meta(0, MetaEvents.SEQUENCE_TRACK_NAME, b"Melody"),
        _program(MELODY_CHANNEL, band.melody_program),
        _volume(MELODY_CHANNEL, band.melody_volume),
    ]
    for note, velocity in zip(melody.pitched, voice_velocities(melody), strict=True):
        assert note.pitch is not None
        if note.syllable:
            lead.append(_meta(tick(note.start), MetaEvents.LYRIC, note.syllable.encode("utf-8")))
        lead.extend(_note(MELODY_CHANNEL, note.pitch, velocity, tick(note.start), tick(note.end)))
    tracks = [conductor, lead]
    for part in band.parts:
        channel = part.channel + 1  # music21 numbers channels from 1
        events = [_meta(0, MetaEvents.SEQUENCE_TRACK_NAME, part.name.encode("utf-8")), _volume(channel, part.volume)]
        if part.channel != DRUM_CHANNEL:  # channel 10 plays the drum kit without a program change
            events.append(_program(channel, part.program))
        for item in part.notes:
            events.extend(_note(channel, item.pitch, item.velocity, tick(item.start), tick(item.start + item.duration)))
        tracks.append(events)
    midi = MidiFile()
    midi.ticksPerQuarterNote = TICKS_PER_QUARTER
    midi.format = 1
    midi.tracks = [_track(i, events) for i, events in enumerate(tracks)]
    return midi.writestr()


def voice_velocities(melody: Melody) -> list[int]:
    """The velocity of each sounding note: stress and beat accents on a phrase's arch, softer at its end."""
    notes = melody.pitched
    stresses = _stresses(notes)
    time = melody.time
    velocities: list[int] = []
    for phrase in _phrases(notes, time.beat):
        last = len(phrase) - 1
        for position, index in enumerate(phrase):
            note = notes[index]
            arch = _ARCH * math.sin(math.pi * position / last) if last else _ARCH
            beat, stress = _BEAT_ACCENT[time.weight(note.start)], stresses[index]
            # Where the words are known their stress leads and the beat adds a little; without words, the beat.
            accent = 2 * beat if stress is None else _STRESS_ACCENT[stress] + beat // 2
            ending = _PHRASE_END if position == last and last else 0
            velocities.append(round(VOICE - _ARCH / 2 + arch + accent - ending))
    return [max(1, min(127, v)) for v in velocities]


def _phrases(notes: tuple[Note, ...], beat: Fraction) -> list[list[int]]:
    """Indices of the notes, grouped into phrases: a lyric line, or a run of notes without a beat's rest."""
    phrases: list[list[int]] = []
    for index, note in enumerate(notes):
        before = notes[index - 1] if index else None
        if (
            before is None
            or (before.section, before.line) != (note.section, note.line)
            or note.start - before.end >= beat
        ):
            phrases.append([])
        phrases[-1].append(index)
    return phrases


def _stresses(notes: tuple[Note, ...]) -> list[int | None]:
    """Each note's syllable stress, read back line by line from the text under the notes; None where unknown.

    A line whose text does not read back note for note (a member's file with odd syllables) leaves the
    beat to stand in for the stress.
    """
    stresses: list[int | None] = [None] * len(notes)
    lines = itertools.groupby(
        (i for i, n in enumerate(notes) if n.syllable is not None), key=lambda i: (notes[i].section, notes[i].line)
    )
    for _, group in lines:
        indices = list(group)
        syllables = rejoined_syllables([notes[i].syllable or "" for i in indices])
        if len(syllables) == len(indices):
            for i, syllable in zip(indices, syllables, strict=True):
                stresses[i] = syllable.stress
    return stresses


def _tick(time: Fraction) -> int:
    return round(time * TICKS_PER_QUARTER)


def _meta(tick: int, kind: MetaEvents, data: bytes) -> _Event:
    event = MidiEvent(type=kind)
    event.data = data
    return (tick, 0, event)


def _program(channel: int, program: int) -> _Event:
    event = MidiEvent(type=ChannelVoiceMessages.PROGRAM_CHANGE, channel=channel)
    event.data = program
    return (0, 1, event)


def _volume(channel: int, level: int) -> _Event:
    event = MidiEvent(type=ChannelVoiceMessages.CONTROLLER_CHANGE, channel=channel)
    event.parameter1, event.parameter2 = 7, level  # channel volume: the mix
    return (0, 1, event)


def _note(channel: int, pitch: int, velocity: int, start: int, end: int) -> list[_Event]:
    on = MidiEvent(type=ChannelVoiceMessages.NOTE_ON, channel=channel)
    on.pitch, on.velocity = pitch, velocity
    off = MidiEvent(type=ChannelVoiceMessages.NOTE_OFF, channel=channel)
    off.pitch, off.velocity = pitch, 0
    # Offs sort before ons at the same tick, so a repeated pitch is re-struck rather than cut.
    return [(start, 3, on), (max(end, start + 1), 2, off)]


def _track(index: int, events: list[_Event]) -> MidiTrack:
    track = MidiTrack(index)
    ordered = sorted(events, key=lambda e: (e[0], e[1]))
    end = ordered[-1][0] if ordered else 0
    last = 0
    for tick, _, event in [*ordered, _meta(end, MetaEvents.END_OF_TRACK, b"")]:
        track.events.append(DeltaTime(track, time=tick - last))
        event.track = track
        track.events.append(event)
        last = tick
    return track


def _time_signature(melody: Melody) -> bytes:
    time = melody.time
    return bytes([time.numerator, time.denominator.bit_length() - 1, 24, 8])


def _key_signature(melody: Melody) -> bytes:
    key = melody.key
    sharps = max(-7, min(7, key.sharps))
    return bytes([sharps & 0xFF, 1 if key.mode == "minor" else 0])
