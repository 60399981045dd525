"""Fuzzing the workshop on a real database: any revision text or upload is stored faithfully or refused whole."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.db.songs import NewVersion, Song
from bot.errors import UserFacingError
from bot.services import Services
from bot.songwriting.words.lyrics import Lyrics, Section, parse_lyrics
from bot.songwriting.words.text import member_text
from bot.workshop.actors import Actor
from bot.workshop.revising import REVISION_MAX_CHARS, Revisions, Upload
from bot.workshop.workshop import Workshop
from tests.proof.strategies import display_name, fuzz, lyric_text

DRAFT = Lyrics("Harbour", (Section("Verse 1", ("the lamps are low tonight", "the tide is slow and grey")),))

revision_text = st.one_of(lyric_text, lyric_text.map(lambda text: text * 60), st.none())
"""Revision text: typical, far past the 4000-character limit, or absent."""


@pytest.fixture
async def song(services: Services) -> Song:
    """One song with an AI first draft, shared by every generated example of a test."""
    created, _ = await services.songs.create(
        guild_id=1,
        channel_id=2,
        owner_id=10,
        title="Harbour",
        theme="harbour",
        brief=None,
        first=NewVersion("ai-draft", None, "AI", DRAFT, writer="offline writer", seed=1),
    )
    return created


@fuzz(300)
@given(
    text=revision_text,
    upload=st.one_of(st.none(), st.binary(max_size=200)),
    name=display_name,
    parent_pick=st.integers(0, 1000),
)
async def test_any_revision_is_stored_faithfully_or_refused_whole(
    services: Services, song: Song, text: str | None, upload: bytes | None, name: str, parent_pick: int
) -> None:
    """A revision either becomes exactly the lyrics its sanitised text parses to, or is refused with nothing stored."""
    revisions = Revisions(services)
    versions = await services.songs.versions(song.id)
    parent = versions[parent_pick % len(versions)]
    author = Actor(guild_id=1, user_id=20 + parent_pick % 3, name=name)
    try:
        delivery = await revisions.submit(
            song,
            author,
            text=text,
            upload=Upload("tune.mid", len(upload), upload) if upload is not None else None,
            parent=parent,
        )
    except UserFacingError as refused:
        reason = str(refused)
    else:
        stored = await services.songs.version(song.id, delivery.version.number)
        assert stored is not None
        assert (stored.parent, stored.author_id, stored.author_name) == (parent.number, author.user_id, name)
        assert text is not None
        title = parent.lyrics.title if parent.lyrics else song.title
        assert stored.lyrics == parse_lyrics(member_text(text, "your lyrics"), title=title)  # line breaks as \n
        assert len(text) <= REVISION_MAX_CHARS
        return
    assert reason
    assert len(await services.songs.versions(song.id)) == len(versions)


@fuzz(300)
@given(option=st.one_of(st.text(max_size=30), st.from_regex(r"[0-9²³¹٣۳߃೩๓]{1,30}", fullmatch=True)))
async def test_any_song_option_finds_a_song_or_says_why(services: Services, song: Song, option: str) -> None:
    """Whatever a member types into a ``song`` option, it resolves to a song of theirs or a member-readable error."""
    actor = Actor(guild_id=1, user_id=10, name="Olivia")
    try:
        found = await Workshop(services).songs.resolve(actor, channel_id=2, song=option)
    except UserFacingError as refused:
        reason = str(refused)
    else:
        assert found.guild_id == actor.guild_id
        return
    assert reason


@fuzz(200)
@given(option=st.one_of(st.text(max_size=30), st.from_regex(r"[0-9²³¹٣۳߃೩๓]{1,30}", fullmatch=True)))
async def test_any_poll_option_finds_a_sound_off_or_says_why(services: Services, song: Song, option: str) -> None:
    """Whatever a member types into a ``poll`` option, it resolves to a sound-off here or a member-readable error."""
    actor = Actor(guild_id=1, user_id=10, name="Olivia")
    try:
        found = await Workshop(services).soundoffs.resolve(actor, channel_id=2, poll=option)
    except UserFacingError as refused:
        reason = str(refused)
    else:
        assert found.guild_id == actor.guild_id
        return
    assert reason
