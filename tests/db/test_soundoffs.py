"""Sound-off storage: one vote per member, changeable, nothing after close."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from bot.db.connection import Database
from bot.db.migrate import open_migrated
from bot.db.soundoffs import SoundoffRepository, VoteRejectedError
from tests.db.scenes import open_soundoff
from tests.postgres import PostgresServer


async def test_vote_change_counts_once(db: Database) -> None:
    """Changing a vote moves it; the member still counts once."""
    repo = SoundoffRepository(db)
    sid = await open_soundoff(db)
    assert await repo.cast_vote(sid, 10, "A") is None
    assert await repo.cast_vote(sid, 10, "B") == "A"
    assert await repo.tallies(sid) == {"A": 0, "B": 1}
    assert await repo.vote_count(sid) == 1


async def test_concurrent_clicks_by_one_member_count_once(db: Database) -> None:
    """Fifty concurrent clicks by one member leave exactly one vote."""
    repo = SoundoffRepository(db)
    sid = await open_soundoff(db)
    await asyncio.gather(*(repo.cast_vote(sid, 10, "AB"[i % 2]) for i in range(50)))
    assert await repo.vote_count(sid) == 1


async def test_unknown_option_and_closed_soundoff_rejected(db: Database) -> None:
    """Votes for a missing option, or after close, are refused."""
    repo = SoundoffRepository(db)
    sid = await open_soundoff(db)
    with pytest.raises(VoteRejectedError):
        await repo.cast_vote(sid, 10, "Z")
    assert await repo.close(sid, closed_by=None) is True
    assert await repo.close(sid, closed_by=None) is False
    with pytest.raises(VoteRejectedError):
        await repo.cast_vote(sid, 11, "A")


async def test_open_soundoffs_listed_for_rescheduling(db: Database) -> None:
    """Open sound-offs are listed with their deadlines and options in order."""
    repo = SoundoffRepository(db)
    sid = await open_soundoff(db)
    (found,) = await repo.open_soundoffs()
    assert found.id == sid
    assert [o.label for o in found.options] == ["A", "B"]


async def test_a_close_waits_for_the_vote_in_flight(postgres_server: PostgresServer) -> None:
    """PostgreSQL runs transactions side by side: a vote that found the sound-off open holds it, so a close from
    another connection waits and the results include that vote (SQLite has one writer: nothing to show there)."""
    url = postgres_server.clone()
    db = await open_migrated(url)
    try:
        repo = SoundoffRepository(db)
        sid = await open_soundoff(db)
        await repo.cast_vote(sid, 10, "A")
        async with await psycopg.AsyncConnection.connect(url.conninfo) as other, other.transaction():
            # Hold member 10's vote row, so their next vote stops half-way: after reading "open", before commit.
            await other.execute("SELECT 1 FROM votes WHERE soundoff_id = %s AND member_id = 10 FOR UPDATE", (sid,))
            vote = asyncio.create_task(repo.cast_vote(sid, 10, "B"))
            await asyncio.sleep(0.2)
            close = asyncio.create_task(repo.close(sid, closed_by=None))
            await asyncio.sleep(0.3)
            assert not vote.done()
            assert not close.done(), "the close went ahead of a vote that had found the sound-off open"
        assert await vote == "A"
        assert await close is True
        assert await repo.tallies(sid) == {"A": 0, "B": 1}
    finally:
        await db.close()
        postgres_server.drop(url)


async def test_one_claim_to_post_results_and_a_stale_one_is_taken_over(db: Database) -> None:
    """Posting results is claimed once; a claim older than the lease (its process stopped) can be taken over."""
    repo = SoundoffRepository(db)
    sid = await open_soundoff(db)
    assert not await repo.claim_announcement(sid, now=1000.0)  # still open: nothing to announce
    await repo.close(sid, closed_by=None)
    assert await repo.claim_announcement(sid, lease=60, now=1000.0)
    assert not await repo.claim_announcement(sid, lease=60, now=1059.0)
    assert await repo.claim_announcement(sid, lease=60, now=1060.0)
    await repo.set_results_message(sid, 77)
    assert not await repo.claim_announcement(sid, lease=60, now=9999.0)
