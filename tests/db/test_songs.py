"""The song repository on a real database (each backend)."""

from __future__ import annotations

import asyncio

import pytest

from bot.db.connection import Database, IntegrityError
from bot.db.songs import DuplicateSourceError, NewVersion, SongRepository
from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics, Section

LYRICS = Lyrics("Harbour", (Section("Verse 1", ("the lamps are low", "the tide is slow")),))


async def _song(repo: SongRepository) -> int:
    song, _ = await repo.create(
        guild_id=1,
        channel_id=2,
        owner_id=3,
        title="Harbour",
        theme="a harbour at night",
        brief=Brief(theme="a harbour at night", form="verse-chorus", seed=4),
        first=NewVersion(kind="ai-draft", author_id=None, author_name="AI", lyrics=LYRICS, writer="offline writer"),
    )
    return song.id


async def test_the_brief_comes_back_typed(db: Database) -> None:
    """A song's brief is stored whole and read back as the domain's Brief (regenerations reuse it)."""
    repo = SongRepository(db)
    song = await repo.get(await _song(repo))
    assert song is not None
    assert song.brief == Brief(theme="a harbour at night", form="verse-chorus", seed=4)


async def test_create_song_with_first_version(db: Database) -> None:
    """A song is created with v1, an AI draft with no parent."""
    repo = SongRepository(db)
    song_id = await _song(repo)
    v1 = await repo.version(song_id, 1)
    assert v1 is not None
    assert v1.by_ai
    assert v1.parent is None
    assert v1.lyrics == LYRICS


async def test_versions_number_up_under_the_parent_given(db: Database) -> None:
    """New versions count up and hang under the given parent; no parent makes a new root."""
    repo = SongRepository(db)
    song_id = await _song(repo)
    v2 = await repo.add_version(song_id, NewVersion("human-revision", 10, "Ana", LYRICS, parent=1))
    v3 = await repo.add_version(song_id, NewVersion("human-revision", 11, "Ben", LYRICS, parent=2))
    v4 = await repo.add_version(song_id, NewVersion("ai-variation", None, "AI", LYRICS))
    assert [(v.number, v.parent) for v in (v2, v3, v4)] == [(2, 1), (3, 2), (4, None)]


async def test_unknown_parent_is_refused(db: Database) -> None:
    """A parent that isn't a version of the song violates the foreign key; nothing is stored."""
    repo = SongRepository(db)
    song_id = await _song(repo)
    with pytest.raises(IntegrityError):
        await repo.add_version(song_id, NewVersion("human-revision", 10, "Ana", LYRICS, parent=9))
    assert len(await repo.versions(song_id)) == 1


async def test_concurrent_revisions_get_distinct_numbers(db: Database) -> None:
    """Twenty concurrent revisions get twenty distinct numbers."""
    repo = SongRepository(db)
    song_id = await _song(repo)
    made = await asyncio.gather(
        *(repo.add_version(song_id, NewVersion("human-revision", i, f"m{i}", LYRICS, parent=1)) for i in range(20))
    )
    assert sorted(v.number for v in made) == list(range(2, 22))


async def test_versions_are_append_only(db: Database) -> None:
    """The database refuses to delete or rewrite a version."""
    song_id = await _song(SongRepository(db))
    with pytest.raises(IntegrityError):
        await db.execute("DELETE FROM versions WHERE song_id = ?", (song_id,))
    with pytest.raises(IntegrityError):
        await db.execute("UPDATE versions SET lyrics_json = '{}' WHERE song_id = ?", (song_id,))


async def test_same_source_message_is_one_version(db: Database) -> None:
    """A member message turned into a version twice is refused the second time."""
    repo = SongRepository(db)
    song_id = await _song(repo)
    await repo.add_version(song_id, NewVersion("human-revision", 5, "Ana", LYRICS, source_message_id=99))
    with pytest.raises(DuplicateSourceError):
        await repo.add_version(song_id, NewVersion("human-revision", 6, "Ben", LYRICS, source_message_id=99))
    assert len(await repo.versions(song_id)) == 2


async def test_deleted_song_is_hidden_but_kept(db: Database) -> None:
    """Deleting hides a song from lists; its versions remain."""
    repo = SongRepository(db)
    song_id = await _song(repo)
    await repo.mark_deleted(song_id, by=3)
    assert await repo.latest_for_member(1, 3) is None
    assert await repo.search(1, "Harb") == []
    song = await repo.get(song_id)
    assert song is not None
    assert song.deleted
    assert len(await repo.versions(song_id)) == 1


async def test_search_escapes_like_wildcards(db: Database) -> None:
    """Autocomplete text is matched literally, not as a LIKE pattern."""
    repo = SongRepository(db)
    await _song(repo)
    assert await repo.search(1, "%") == []
    assert [s.title for s in await repo.search(1, "arb")] == ["Harbour"]
