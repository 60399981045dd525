"""A sung voice message becomes a melody revision through the workshop's revision path (real database, real
render pool, real OGG Opus bytes)."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from bot.workshop.revising import Revisions, Upload, check_upload_size
from tests.songwriting.music.sung_corpus import melody_case, negative_cases, ogg_opus
from tests.workshop.songs import ANA, a_song


async def test_a_voice_message_becomes_a_melody_version_with_its_confidence(services: Services) -> None:
    song = await a_song(services)
    revisions = Revisions(services)
    data = ogg_opus(melody_case(1, 12).samples)
    upload = Upload("voice-message.ogg", len(data), data)
    delivery = await revisions.submit(
        song, ANA, text=None, upload=upload, parent=await revisions.parent_for(song, None)
    )
    assert delivery.melody is not None
    assert len(delivery.melody.pitched) >= 10
    sung = [n.syllable for n in delivery.melody.pitched if n.syllable]
    assert sung[:3] == ["the", "lamps", "are"]
    assert delivery.files is not None
    assert delivery.files.midi.startswith(b"MThd")
    assert any("transcribed" in note and "confidence" in note for note in delivery.notes)
    stored = await services.songs.version(song.id, 2)
    assert stored is not None
    assert stored.melody == delivery.melody


async def test_noise_is_refused_and_nothing_is_stored(services: Services) -> None:
    song = await a_song(services)
    revisions = Revisions(services)
    noise = next(c for c in negative_cases(seconds=3.0) if c.name == "pink-noise").wav()
    with pytest.raises(UserFacingError, match="noise"):
        await revisions.submit(
            song,
            ANA,
            text=None,
            upload=Upload("memo.wav", len(noise), noise),
            parent=await revisions.parent_for(song, None),
        )
    assert len(await services.songs.versions(song.id)) == 1


def test_recordings_may_be_larger_than_melody_files_before_download() -> None:
    check_upload_size("voice-message.ogg", 3_000_000)
    with pytest.raises(UserFacingError, match="1 MB"):
        check_upload_size("tune.mid", 3_000_000)
    with pytest.raises(UserFacingError, match="recordings"):
        check_upload_size("memo.wav", 30_000_000)
