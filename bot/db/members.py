"""Members' own choices that hold on every server: whether their words may be sent to an LLM."""

from __future__ import annotations

import time
from collections.abc import Iterable

from bot.db.connection import Database


class MemberPreferencesRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def opted_out(self, user_ids: Iterable[int]) -> set[int]:
        """The members among ``user_ids`` who keep their words away from the LLM."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        rows = await self._db.fetch_all(
            f"SELECT user_id FROM member_preferences WHERE llm_opt_out = 1 AND user_id IN ({marks})", tuple(wanted)
        )
        return {int(row[0]) for row in rows}

    async def set_opt_out(self, user_id: int, opted_out: bool) -> None:
        """Record a member's choice (one upsert, atomic on both engines)."""
        await self._db.execute(
            "INSERT INTO member_preferences (user_id, llm_opt_out, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET llm_opt_out = excluded.llm_opt_out, updated_at = excluded.updated_at",
            (user_id, int(opted_out), time.time()),
        )
