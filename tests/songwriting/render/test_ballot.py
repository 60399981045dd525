"""Ballot previews: every option played by one band, from MIDI that names nobody (read back with mido)."""

from __future__ import annotations

import io

import mido

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody_input import parse_melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.ballot import ballot_midi, ballot_preview
from bot.songwriting.render.midi import to_midi
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from tests.songwriting.songs import MEMBER_TUNE as ABC
from tests.songwriting.songs import NIGHT_TRAIN


def _band(midi: bytes) -> list[tuple[str, frozenset[tuple[int, int]]]]:
    """Each track's name and the (channel, program) pairs it plays."""
    tracks = mido.MidiFile(file=io.BytesIO(midi)).tracks
    return [
        (track.name, frozenset((m.channel, m.program) for m in track if m.type == "program_change")) for track in tracks
    ]


def _texts(midi: bytes) -> list[str]:
    tracks = mido.MidiFile(file=io.BytesIO(midi)).tracks
    kinds = ("copyright", "text", "track_name", "instrument_name", "marker")
    return [m.text if m.type != "track_name" else m.name for t in tracks for m in t if m.type in kinds]


def test_an_ai_melody_and_a_members_file_are_played_by_the_same_band() -> None:
    """A member's file (no genre of its own) and the AI's blues melody: the same tracks, channels and programs."""
    ai = compose(NIGHT_TRAIN, MusicSettings(genre="blues"), seed=4)
    member = parse_melody(ABC, "tune.abc")
    assert member.genre is None
    assert _band(ballot_midi(ai, ai, "Night Train")) == _band(ballot_midi(member, ai, "Night Train"))
    assert _band(to_midi(member)) != _band(to_midi(ai))  # their own renders would tell them apart


def test_ballot_midi_names_no_writer() -> None:
    """No copyright, credit or text event names the AI, its writer or anyone: the sketch's own MIDI does."""
    ai = compose(NIGHT_TRAIN, MusicSettings(genre="folk"), seed=4)
    disclosed = to_midi(
        ai, "Night Train", Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai(MELODY_WRITER))
    )
    assert any("offline writer" in text for text in _texts(disclosed))
    texts = " ".join(_texts(ballot_midi(ai, ai, "Night Train")))
    for name in ("offline", "sketcher", "AI", "Sound Off", "writer", "seed"):
        assert name not in texts


def test_ballot_preview_is_ogg_opus() -> None:
    """The preview is an OGG Opus file, as the versions' own previews are."""
    ai = compose(NIGHT_TRAIN, MusicSettings(genre="pop"), seed=4)
    data = ballot_preview(ai, ai, "Night Train")
    assert data is not None
    assert data[:4] == b"OggS"
    assert b"OpusHead" in data[:100]
