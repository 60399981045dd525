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
        """Count one generation if the member's cooldown and the server's quota allow it; else say why not.

        Each check-and-count is one conditional upsert on its own row, atomic whichever process runs it: the
        row lock PostgreSQL takes (and SQLite's single writer) orders racing claims, and each re-reads the row
        its rival committed. A denial rolls the whole claim back, so a refused generation counts for nothing.
        """
        now = time.time() if now is None else now
        day = _day(now)
        try:
            async with self._db.transaction() as tx:
                started = await tx.fetch_one(
                    "INSERT INTO cooldowns (guild_id, member_id, last_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id, member_id) DO UPDATE SET last_at = excluded.last_at"
                    " WHERE cooldowns.last_at <= excluded.last_at - ? RETURNING last_at",
                    (guild_id, member_id, now, cooldown),
                )
                if started is None:
                    last = await tx.fetch_one(
                        "SELECT last_at FROM cooldowns WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
                    )
                    raise _Refused(Denied("cooldown", float(last[0]) + cooldown if last else now))
                counted = await tx.fetch_one(
                    "INSERT INTO usage_days (guild_id, day, count) SELECT ?, ?, 1 WHERE ? > 0"
                    " ON CONFLICT (guild_id, day) DO UPDATE SET count = usage_days.count + 1"
                    " WHERE usage_days.count < ? RETURNING count",
                    (guild_id, day, quota, quota),
                )
                if counted is None:
                    raise _Refused(Denied("quota", _next_midnight(now)))
        except _Refused as refused:
            return refused.denied
        return None

    async def refund(self, guild_id: int, member_id: int, *, claimed_at: float) -> None:
        """Give back a claim whose work failed: one from the day's count, and the cooldown it started.

        The cooldown is cleared only if no later claim has moved it on; the previous claim was at least a
        cooldown earlier (or this one was refused), so clearing it is the same as restoring it.
        """
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE cooldowns SET last_at = 0 WHERE guild_id = ? AND member_id = ? AND last_at = ?",
                (guild_id, member_id, claimed_at),
            )
            await tx.execute(
                "UPDATE usage_days SET count = count - 1 WHERE guild_id = ? AND day = ? AND count > 0",
                (guild_id, _day(claimed_at)),
            )

    async def used_today(self, guild_id: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        row = await self._db.fetch_one(
            "SELECT count FROM usage_days WHERE guild_id = ? AND day = ?", (guild_id, _day(now))
        )
        return int(row[0]) if row else 0


class _Refused(Exception):
    """Raised inside the claim's transaction to roll it back."""

    def __init__(self, denied: Denied) -> None:
        self.denied = denied
