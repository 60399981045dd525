"""Member revisions through the workshop: validation, storage, parentage and diffs (real database)."""

from __future__ import annotations

import io

import mido
import pytest
from music21 import converter, metadata

from bot.errors import UserFacingError
from bot.services import Services
from bot.songwriting.words.lyrics import LYRICS_MAX_LINES
from bot.workshop.revising import REVISION_MAX_CHARS, Revisions, Upload
from tests.workshop.songs import ANA, BEN, DRAFT, a_song


async def test_revision_is_stored_with_author_parent_and_diff(services: Services) -> None:
    """An edited line becomes v2 by the member, child of v1, with a one-line change."""
    song = await a_song(services)
    revisions = Revisions(services)
    parent = await revisions.parent_for(song, None)
    delivery = await revisions.submit(
        song, BEN, text="[Verse 1]\nthe lamps are low tonight\nthe tide turns in the bay", upload=None, parent=parent
    )
    assert (delivery.version.number, delivery.version.parent, delivery.version.author_id) == (2, 1, 11)
    assert delivery.diff is not None
    assert (delivery.diff.added, delivery.diff.changed, delivery.diff.removed) == (0, 1, 0)
    stored = await services.songs.version(song.id, 2)
    assert stored is not None
    assert stored.lyrics is not None
    assert stored.lyrics.sections[0].lines[1] == "the tide turns in the bay"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n ", "empty"),
        ("x" * (REVISION_MAX_CHARS + 1), "limit"),
        ("\n".join("la" for _ in range(LYRICS_MAX_LINES + 1)), f"{LYRICS_MAX_LINES + 1} lines"),
        ("[Verse 1]\nthe lamps are low tonight\nthe tide is slow and grey", "identical"),
    ],
)
async def test_bad_revisions_are_refused_and_nothing_is_stored(services: Services, text: str, message: str) -> None:
    """Empty, oversized and unchanged revisions get a clear message and store nothing."""
    song = await a_song(services)
    revisions = Revisions(services)
    parent = await revisions.parent_for(song, None)
    with pytest.raises(UserFacingError, match=message):
        await revisions.submit(song, ANA, text=text, upload=None, parent=parent)
    assert len(await services.songs.versions(song.id)) == 1


async def test_reply_to_a_version_message_makes_it_the_parent(services: Services) -> None:
    """A reply's parent is the version whose message it answers."""
    song = await a_song(services)
    await services.songs.set_version_message(song.id, 1, channel_id=5, message_id=500)
    revisions = Revisions(services)
    await revisions.submit(
        song, ANA, text="new words here\nand more", upload=None, parent=await revisions.parent_for(song, None)
    )
    parent = await revisions.parent_for(song, 500)
    assert parent.number == 1
    assert (await revisions.parent_for(song, 12345)).number == 2


async def test_oversized_or_corrupt_melody_file_is_refused(services: Services) -> None:
    """A melody file over 1 MB, or one that isn't music, is refused with its name in the message."""
    song = await a_song(services)
    revisions = Revisions(services)
    parent = await revisions.parent_for(song, None)
    with pytest.raises(UserFacingError, match="1 MB"):
        await revisions.submit(
            song, ANA, text=None, upload=Upload("big.mid", 2_000_000, b"x" * 2_000_000), parent=parent
        )
    with pytest.raises(UserFacingError, match=r"junk\.mid"):
        await revisions.submit(song, ANA, text=None, upload=Upload("junk.mid", 9, b"not a mid"), parent=parent)
    assert len(await services.songs.versions(song.id)) == 1


async def test_abc_melody_revision_is_parsed_and_rendered(services: Services) -> None:
    """An ABC melody becomes a version with a melody and rendered MIDI."""
    song = await a_song(services)
    revisions = Revisions(services)
    abc = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nGABc d2 B2|c2 A2 G4|\n"
    delivery = await revisions.submit(
        song, ANA, text=None, upload=Upload("tune.abc", len(abc), abc), parent=await revisions.parent_for(song, None)
    )
    assert delivery.melody is not None
    assert len(delivery.melody.pitched) == 9
    assert delivery.files is not None
    assert delivery.files.midi.startswith(b"MThd")
    assert delivery.version.lyrics == DRAFT


async def test_a_members_melody_names_the_member_in_every_file(services: Services) -> None:
    """Ana's ABC melody on the AI's words: the files credit her melody and disclose the AI's words."""
    song = await a_song(services)
    revisions = Revisions(services)
    abc = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nGABc d2 B2|c2 A2 G4|\n"
    delivery = await revisions.submit(
        song, ANA, text=None, upload=Upload("tune.abc", len(abc), abc), parent=await revisions.parent_for(song, None)
    )
    assert delivery.disclosure is not None
    line = delivery.disclosure.line
    assert line == "Lyrics: AI draft; melody: Ana, Sound Off"
    assert delivery.files is not None
    conductor = mido.MidiFile(file=io.BytesIO(delivery.files.midi)).tracks[0]
    assert line in [m.text for m in conductor if m.type == "copyright"]
    score = converter.parseData(delivery.files.musicxml.decode("utf-8"), format="musicxml")
    assert isinstance(score.metadata, metadata.Metadata)
    assert (score.metadata.composers, score.metadata.lyricists, score.metadata.copyright) == (("Ana",), (), line)
    assert "C:Ana" in delivery.files.abc.splitlines()


async def test_a_lyric_revision_discloses_its_members_and_the_ais_share(services: Services) -> None:
    """Ben rewrites one of two lines: the delivery says Ben 50 % and the AI's 50 %, as /credits counts them."""
    song = await a_song(services)
    revisions = Revisions(services)
    edited = "[Verse 1]\nthe lamps are low tonight\nthe tide comes in for me"
    delivery = await revisions.submit(
        song, BEN, text=edited, upload=None, parent=await revisions.parent_for(song, None)
    )
    assert delivery.disclosure is not None
    assert delivery.disclosure.line == "Lyrics: Ben 50 % (AI-written 50 %), Sound Off"
    assert delivery.disclosure.lyricists == ("Ben",)
