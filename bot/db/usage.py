"""Generation usage: a member's cooldown and a server's daily quota, persisted across restarts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class Denied:
    """Why a generation may not start now, and when it may (Unix time)."""

    reason: str
    retry_at: float


def _day(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")


def _next_midnight(now: float) -> float:
    today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today + timedelta(days=1)).timestamp()


class UsageRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self, guild_id: int, member_id: int, *, cooldown: int, quota: int, now: float | None = None
    ) -> Denied | None:
        """Count one generation if the cooldown and quota allow it, atomically; else say why not."""
        now = time.time() if now is None else now
        day = _day(now)
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT MAX(last_at) FROM usage WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
            ) as cur:
                row = await cur.fetchone()
            last = row[0] if row else None
            if last is not None and now - last < cooldown:
                return Denied("cooldown", last + cooldown)
            async with conn.execute(
                "SELECT COALESCE(SUM(count), 0) FROM usage WHERE guild_id = ? AND day = ?", (guild_id, day)
            ) as cur:
                row = await cur.fetchone()
            if row is not None and int(row[0]) >= quota:
                return Denied("quota", _next_midnight(now))
            await conn.execute(
                "INSERT INTO usage (guild_id, member_id, day, count, last_at) VALUES (?, ?, ?, 1, ?)"
                " ON CONFLICT (guild_id, member_id, day) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
                (guild_id, member_id, day, now),
            )
        return None

    async def used_today(self, guild_id: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        row = await self._db.fetch_one(
            "SELECT COALESCE(SUM(count), 0) FROM usage WHERE guild_id = ? AND day = ?", (guild_id, _day(now))
        )
        return int(row[0]) if row else 0
