"""Sound-offs, their options and votes (one vote per member, changeable until close)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.db.connection import Database, IntegrityError, Row


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    version_number: int


@dataclass(frozen=True, slots=True)
class Soundoff:
    id: int
    song_id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    started_by: int
    blind: bool
    ends_at: float
    closed_at: float | None
    results_message_id: int | None
    options: tuple[Option, ...]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


ANNOUNCE_LEASE_SECONDS = 30.0
"""How long a claim to post results holds: posting takes seconds; a claim this old was left by a stopped process."""


class VoteRejectedError(Exception):
    """The sound-off is closed or the option does not exist."""


class SoundoffRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        song_id: int,
        guild_id: int,
        channel_id: int,
        started_by: int,
        blind: bool,
        ends_at: float,
        options: list[Option],
    ) -> Soundoff:
        """Create a sound-off with its options in one transaction."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "INSERT INTO soundoffs (song_id, guild_id, channel_id, started_by, blind, ends_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (song_id, guild_id, channel_id, started_by, int(blind), ends_at, time.time()),
            )
            assert row is not None
            soundoff_id = int(row["id"])
            await tx.executemany(
                "INSERT INTO soundoff_options (soundoff_id, label, version_number, position) VALUES (?, ?, ?, ?)",
                [(soundoff_id, o.label, o.version_number, i) for i, o in enumerate(options)],
            )
        created = await self.get(soundoff_id)
        assert created is not None
        return created

    async def get(self, soundoff_id: int) -> Soundoff | None:
        row = await self._db.fetch_one("SELECT * FROM soundoffs WHERE id = ?", (soundoff_id,))
        return await self._hydrate(row) if row else None

    async def for_song(self, song_id: int) -> Soundoff | None:
        """The song's open sound-off, else its latest one."""
        row = await self._db.fetch_one(
            "SELECT * FROM soundoffs WHERE song_id = ? ORDER BY closed_at IS NULL DESC, id DESC LIMIT 1", (song_id,)
        )
        return await self._hydrate(row) if row else None

    async def open_soundoffs(self) -> list[Soundoff]:
        rows = await self._db.fetch_all("SELECT * FROM soundoffs WHERE closed_at IS NULL ORDER BY ends_at")
        return [await self._hydrate(r) for r in rows]

    async def closed_in_guild(self, guild_id: int) -> list[Soundoff]:
        rows = await self._db.fetch_all(
            "SELECT * FROM soundoffs WHERE guild_id = ? AND closed_at IS NOT NULL ORDER BY id", (guild_id,)
        )
        return [await self._hydrate(r) for r in rows]

    async def set_message(self, soundoff_id: int, message_id: int) -> None:
        await self._db.execute("UPDATE soundoffs SET message_id = ? WHERE id = ?", (message_id, soundoff_id))

    async def cast_vote(self, soundoff_id: int, member_id: int, label: str) -> str | None:
        """Record or change a member's vote while the sound-off is open; return their previous label (None: first).

        The vote is one statement that inserts only while the sound-off row says open, holding that row (the
        dialect's share lock) until it commits: a close from any process waits for it, and a vote after the
        close finds it closed. The previous label is for the reply only (read just before, in the same turn).
        """
        async with self._db.transaction() as tx:
            previous = await tx.fetch_one(
                "SELECT label FROM votes WHERE soundoff_id = ? AND member_id = ?", (soundoff_id, member_id)
            )
            try:
                stored = await tx.execute(
                    "INSERT INTO votes (soundoff_id, member_id, label, voted_at)"
                    " SELECT id, ?, ?, ? FROM soundoffs WHERE id = ? AND closed_at IS NULL"
                    f"{self._db.dialect.share_lock}"
                    " ON CONFLICT (soundoff_id, member_id) DO UPDATE SET label = excluded.label,"
                    " voted_at = excluded.voted_at",
                    (member_id, label, time.time(), soundoff_id),
                )
            except IntegrityError as exc:
                raise VoteRejectedError("no such option") from exc
            if stored == 0:
                raise VoteRejectedError("closed")
        return str(previous[0]) if previous else None

    async def vote_count(self, soundoff_id: int) -> int:
        row = await self._db.fetch_one("SELECT COUNT(*) FROM votes WHERE soundoff_id = ?", (soundoff_id,))
        return int(row[0]) if row else 0

    async def tallies(self, soundoff_id: int) -> dict[str, int]:
        rows = await self._db.fetch_all(
            "SELECT o.label, COUNT(v.member_id) FROM soundoff_options o"
            " LEFT JOIN votes v ON v.soundoff_id = o.soundoff_id AND v.label = o.label"
            " WHERE o.soundoff_id = ? GROUP BY o.label, o.position ORDER BY o.position",
            (soundoff_id,),
        )
        return {str(r[0]): int(r[1]) for r in rows}

    async def votes(self, soundoff_id: int) -> dict[int, str]:
        """Every member's current vote (member id → label)."""
        rows = await self._db.fetch_all("SELECT member_id, label FROM votes WHERE soundoff_id = ?", (soundoff_id,))
        return {int(r[0]): str(r[1]) for r in rows}

    async def unannounced(self) -> list[Soundoff]:
        """Closed sound-offs whose results were never posted (the bot stopped in between)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM soundoffs WHERE closed_at IS NOT NULL AND results_message_id IS NULL ORDER BY id"
        )
        return [await self._hydrate(r) for r in rows]

    async def in_channel(self, guild_id: int, channel_id: int) -> Soundoff | None:
        """The channel's open sound-off, else its latest one."""
        row = await self._db.fetch_one(
            "SELECT * FROM soundoffs WHERE guild_id = ? AND channel_id = ?"
            " ORDER BY closed_at IS NULL DESC, id DESC LIMIT 1",
            (guild_id, channel_id),
        )
        return await self._hydrate(row) if row else None

    async def in_guild(self, guild_id: int, limit: int = 25) -> list[Soundoff]:
        """A server's sound-offs, open ones first, newest first (for autocomplete)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM soundoffs WHERE guild_id = ? ORDER BY closed_at IS NULL DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [await self._hydrate(r) for r in rows]

    async def close(self, soundoff_id: int, closed_by: int | None) -> bool:
        """Close a sound-off; return False when it was already closed (so results post once)."""
        closed = await self._db.execute(
            "UPDATE soundoffs SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
            (time.time(), closed_by, soundoff_id),
        )
        return closed == 1

    async def claim_announcement(
        self, soundoff_id: int, *, lease: float = ANNOUNCE_LEASE_SECONDS, now: float | None = None
    ) -> bool:
        """Take on posting a closed sound-off's results; False when they are posted or another process is posting.

        One conditional update, so of the clocks that race for it one wins. A claim older than ``lease`` belongs to
        a process that stopped before recording the results message: it is taken over (none is ever lost, and a
        results message posted just before such a stop is not doubled: the post carries a nonce Discord enforces).
        """
        now = time.time() if now is None else now
        claimed = await self._db.execute(
            "UPDATE soundoffs SET announcing_at = ? WHERE id = ? AND closed_at IS NOT NULL"
            " AND results_message_id IS NULL AND (announcing_at IS NULL OR announcing_at <= ?)",
            (now, soundoff_id, now - lease),
        )
        return claimed == 1

    async def release_announcement(self, soundoff_id: int) -> None:
        """Give a claim back after a failed post, so the next attempt (from any process) need not wait out the lease."""
        await self._db.execute(
            "UPDATE soundoffs SET announcing_at = NULL WHERE id = ? AND results_message_id IS NULL", (soundoff_id,)
        )

    async def set_results_message(self, soundoff_id: int, message_id: int) -> None:
        await self._db.execute("UPDATE soundoffs SET results_message_id = ? WHERE id = ?", (message_id, soundoff_id))

    async def _hydrate(self, row: Row) -> Soundoff:
        options = await self._db.fetch_all(
            "SELECT label, version_number FROM soundoff_options WHERE soundoff_id = ? ORDER BY position", (row["id"],)
        )
        return Soundoff(
            id=row["id"],
            song_id=row["song_id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            started_by=row["started_by"],
            blind=bool(row["blind"]),
            ends_at=row["ends_at"],
            closed_at=row["closed_at"],
            results_message_id=row["results_message_id"],
            options=tuple(Option(str(o[0]), int(o[1])) for o in options),
        )
