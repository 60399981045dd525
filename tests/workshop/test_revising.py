"""Member revisions through the workshop: validation, storage, parentage and diffs (real database)."""

from __future__ import annotations

import io

import mido
import pytest
from music21 import converter, metadata

from bot.db.songs import Song
from bot.errors import UserFacingError
from bot.services import Services
from bot.songwriting.music.composer import compose
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.words.lyrics import LYRICS_MAX_LINES
from bot.workshop.actors import Actor
from bot.workshop.delivery import Delivery
from bot.workshop.revising import REVISION_MAX_CHARS, Revisions, Upload
from tests.workshop.songs import ANA, BEN, DRAFT, a_song


async def _submit_tune(
    revisions: Revisions, song: Song, member: Actor, abc: bytes, text: str | None = None
) -> Delivery:
    """A member's ABC melody file (with edited words, if given) as a revision of the latest version."""
    upload = Upload("tune.abc", len(abc), abc)
    return await revisions.submit(song, member, text=text, upload=upload, parent=await revisions.parent_for(song, None))


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
    delivery = await _submit_tune(revisions, song, ANA, abc)
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
    delivery = await _submit_tune(revisions, song, ANA, abc)
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


async def _song_with_melody(services: Services) -> Song:
    return await a_song(
        services, melody=compose(DRAFT, MusicSettings(key="E minor", meter="12/8", genre="blues"), seed=4)
    )


async def test_a_lyric_revision_carries_the_parents_melody_re_set_to_its_words(services: Services) -> None:
    """Ben changes line 2 of a song with a melody: v2 has the song's tune in its frame, line 1's notes untouched,
    line 2 re-set to its syllables, rendered (score, preview, MIDI), and the answer says what happened."""
    song = await _song_with_melody(services)
    revisions = Revisions(services)
    parent = await revisions.parent_for(song, None)
    assert parent.melody is not None
    edited = "[Verse 1]\nthe lamps are low tonight\nthe tide comes rolling in for me"
    delivery = await revisions.submit(song, BEN, text=edited, upload=None, parent=parent)
    melody = delivery.melody
    assert melody is not None
    frame = ("tonic", "mode", "tempo", "meter", "genre", "seed")
    assert [getattr(melody, name) for name in frame] == [getattr(parent.melody, name) for name in frame]
    assert [n for n in melody.notes if n.line == 0] == [n for n in parent.melody.notes if n.line == 0]
    sung = [n.syllable for n in melody.notes if n.line == 1]
    assert sung == ["the", "tide", "comes", "roll-", "ing", "in", "for", "me"]
    assert delivery.files is not None
    assert delivery.files.midi.startswith(b"MThd")
    assert delivery.files.png is not None
    assert delivery.files.ogg is not None
    assert delivery.carried == "melody carried from v1; line 2 re-set to the new words"
    assert delivery.notes[0] == "Melody carried from v1; line 2 re-set to the new words."
    assert delivery.saved() == "Saved as v2 (melody carried from v1; line 2 re-set to the new words)"
    assert delivery.change_heading(parent) == "v2 by Ben, from v1 · +0 ~1 −0 lines · melody carried from v1"
    stored = await services.songs.version(song.id, 2)
    assert stored is not None
    assert stored.melody == melody
    # the tune is still the AI's: the files disclose it, Ben is credited for his words
    assert delivery.disclosure is not None
    assert (
        delivery.disclosure.line == "Lyrics: Ben 50 % (AI-written 50 %); melody: AI draft (melody sketcher), Sound Off"
    )


async def test_a_members_melody_file_wins_over_the_carried_tune(services: Services) -> None:
    """Words and a melody file together: the member's melody is the version's, credited to them."""
    song = await _song_with_melody(services)
    revisions = Revisions(services)
    abc = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nGABc d2 B2|c2 A2 G4|\n"
    edited = "[Verse 1]\nthe lamps are low tonight\nthe tide comes rolling in for me"
    delivery = await _submit_tune(revisions, song, ANA, abc, edited)
    assert delivery.melody is not None
    assert len(delivery.melody.pitched) == 9
    assert delivery.carried is None
    assert delivery.disclosure is not None
    assert delivery.disclosure.composers == ("Ana",)


async def test_words_with_nothing_to_sing_keep_no_melody(services: Services) -> None:
    """A revision of only punctuation is saved as words; no tune is carried to it (there is nothing to sing)."""
    song = await _song_with_melody(services)
    revisions = Revisions(services)
    delivery = await revisions.submit(
        song, BEN, text="[Verse 1]\n...\n!!!", upload=None, parent=await revisions.parent_for(song, None)
    )
    assert delivery.melody is None
    assert delivery.carried is None
    assert delivery.saved() == "Saved as v2"


async def test_a_members_tune_carried_to_anothers_words_stays_hers(services: Services) -> None:
    """Ana's melody file, sung note for note to v1's words, becomes v2; Ben rewrites a line of v2: v3 carries
    Ana's tune, and its files credit the melody to Ana and the changed words to Ben."""
    song = await a_song(services)
    revisions = Revisions(services)
    tune = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nG2 A2 B2 c2 | d4 B4 | c2 A2 B2 c2 | d4 G4 |]\n"
    v2 = await _submit_tune(revisions, song, ANA, tune)
    assert v2.melody is not None
    assert len(v2.melody.pitched) == 12  # one note per syllable of v1's two lines
    edited = "[Verse 1]\nthe lamps are low tonight\nthe tide comes in for me"
    v3 = await revisions.submit(song, BEN, text=edited, upload=None, parent=v2.version)
    assert v3.carried == "melody carried from v2; line 2 re-set to the new words"
    assert v3.disclosure is not None
    assert v3.disclosure.composers == ("Ana",)
    assert v3.disclosure.lyricists == ("Ben",)
