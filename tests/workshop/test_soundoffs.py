"""Sound-offs through the workshop: who may start and end, votes, closing once, stats (real database)."""

from __future__ import annotations

import time

import pytest

from bot.db.songs import NewVersion, Song
from bot.errors import PermissionDeniedError, UserFacingError
from bot.services import Services
from bot.songwriting.music.composer import compose
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.workshop.actors import Actor
from bot.workshop.revising import Upload
from bot.workshop.workshop import Workshop
from tests.songwriting.songs import MEMBER_TUNE as ABC

OWNER = Actor(guild_id=1, user_id=10, name="Owner")
MEMBER = Actor(guild_id=1, user_id=11, name="Ben")
MOD = Actor(guild_id=1, user_id=12, name="Mod", is_moderator=True)
OUTSIDER = Actor(guild_id=2, user_id=13, name="Elsewhere")


def _lyrics(line: str) -> Lyrics:
    return Lyrics("Song", (Section("Verse 1", (line,)),))


async def _song(services: Services) -> Song:
    song, _ = await services.songs.create(
        guild_id=1,
        channel_id=2,
        owner_id=10,
        title="Song",
        theme="t",
        brief=None,
        first=NewVersion("ai-draft", None, "AI", _lyrics("the ai wrote this")),
    )
    await services.songs.add_version(
        song.id, NewVersion("human-revision", 11, "Ben", _lyrics("ben wrote this"), parent=1)
    )
    return song


async def test_start_defaults_to_ai_draft_against_latest_revision(services: Services) -> None:
    """With no versions given the options are v1 and the latest human revision."""
    started = await Workshop(services).soundoffs.start(
        await _song(services), OWNER, channel_id=2, versions=None, hours=None, blind=None
    )
    assert sorted(o.version for o in started.options) == [1, 2]
    assert started.soundoff.blind
    assert started.soundoff.ends_at == pytest.approx(time.time() + 24 * 3600, abs=5)


async def test_only_owner_or_moderator_starts_and_ends(services: Services) -> None:
    """A plain member can neither start nor end a sound-off; a moderator can end one."""
    song = await _song(services)
    soundoffs = Workshop(services).soundoffs
    with pytest.raises(PermissionDeniedError):
        await soundoffs.start(song, MEMBER, channel_id=2, versions=None, hours=None, blind=None)
    started = await soundoffs.start(song, OWNER, channel_id=2, versions=None, hours=None, blind=None)
    with pytest.raises(PermissionDeniedError):
        await soundoffs.end(started.soundoff, MEMBER)
    await soundoffs.end(started.soundoff, MOD)


async def test_bad_versions_and_durations_are_refused(services: Services) -> None:
    """Unknown versions, one option, or a length beyond 14 days get clear messages."""
    song = await _song(services)
    soundoffs = Workshop(services).soundoffs
    for versions, hours in (("v1 v9", None), ("v1", None), ("v1 v1", None), ("v1 v2", 400)):
        with pytest.raises(UserFacingError):
            await soundoffs.start(song, OWNER, channel_id=2, versions=versions, hours=hours, blind=None)


async def test_votes_change_and_outsiders_are_refused(services: Services) -> None:
    """A member's changed vote counts once; a member of another server can't vote."""
    soundoffs = Workshop(services).soundoffs
    started = await soundoffs.start(await _song(services), OWNER, channel_id=2, versions=None, hours=None, blind=None)
    sid = started.soundoff.id
    assert (await soundoffs.vote(sid, MEMBER, "A"))[1] is None
    assert (await soundoffs.vote(sid, MEMBER, "B"))[1] == "A"
    with pytest.raises(UserFacingError, match="members of the server"):
        await soundoffs.vote(sid, OUTSIDER, "A")
    results = await soundoffs.results(await soundoffs.get(sid))
    assert results.total == 1


async def test_close_once_then_stats(services: Services) -> None:
    """Closing twice closes once; stats count the AI's or the members' win."""
    soundoffs = Workshop(services).soundoffs
    song = await _song(services)
    started = await soundoffs.start(song, OWNER, channel_id=2, versions=None, hours=None, blind=None)
    human = next(o.label for o in started.options if not o.by_ai)
    for member in range(20, 23):
        await soundoffs.vote(started.soundoff.id, Actor(1, member, f"m{member}"), human)
    assert await soundoffs.close(started.soundoff.id, None) is True
    assert await soundoffs.close(started.soundoff.id, None) is False
    with pytest.raises(UserFacingError, match="closed"):
        await soundoffs.vote(started.soundoff.id, MEMBER, human)
    stats = await soundoffs.server_stats(1)
    assert (stats.held, stats.human_wins, stats.ai_wins) == (1, 1, 0)
    assert stats.top_revisers[0].name == "Ben"


async def test_due_lists_overdue_soundoffs(services: Services) -> None:
    """A sound-off past its deadline is due; the next deadline is reported for the others."""
    soundoffs = Workshop(services).soundoffs
    started = await soundoffs.start(await _song(services), OWNER, channel_id=2, versions=None, hours=1, blind=None)
    due, next_at = await soundoffs.due(now=time.time() + 2 * 3600)
    assert [s.id for s in due] == [started.soundoff.id]
    due, next_at = await soundoffs.due()
    assert due == []
    assert next_at == pytest.approx(started.soundoff.ends_at)


async def test_every_option_of_a_song_with_music_has_a_preview(services: Services) -> None:
    """v1 and Ben's v2 have words only, v3 has the AI's melody, v4 Ben's own file: every option is heard, alike."""
    song = await _song(services)
    words = _lyrics("ben wrote this")
    melody = compose(words, MusicSettings(genre="folk"), seed=3)
    tune = NewVersion.by_ai("ai-variation", lyrics=words, melody=melody, parent=2, writer="melody sketcher", seed=3)
    await services.songs.add_version(song.id, tune)
    workshop = Workshop(services)
    ben_v2 = await services.songs.version(song.id, 2)
    assert ben_v2 is not None
    await workshop.revisions.submit(song, MEMBER, text=None, upload=Upload("tune.abc", len(ABC), ABC), parent=ben_v2)
    started = await workshop.soundoffs.start(song, OWNER, channel_id=2, versions="v1,v2,v3,v4", hours=None, blind=True)
    ballot = await workshop.soundoffs.ballot(started)
    previews = [o.preview for o in ballot.options]
    assert all(p is not None and p[:4] == b"OggS" for p in previews)
    again = await workshop.soundoffs.option_preview(started.soundoff, ballot.options[0].option.label)
    assert again is not None
    assert len(again) == len(previews[0] or b"")  # rendered the same way (OGG's stream serial is random)
