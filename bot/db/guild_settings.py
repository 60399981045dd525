"""Per-server settings (Manage Server may change them); unset values fall back to process defaults."""

from __future__ import annotations

import time
from dataclasses import dataclass, fields, replace

from bot.db.connection import Database, Row


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    cowrite_channel_id: int | None = None
    cooldown_seconds: int | None = None
    daily_quota: int | None = None
    blind_default: bool = True
    poll_hours: int = 24
    message_revisions: bool = False
    llm_model: str | None = None
    llm_member_text: bool = False
    """Whether members' words (section rewrites, notes on human versions) may be sent to the LLM."""


EDITABLE = tuple(f.name for f in fields(GuildSettings) if f.name != "guild_id")


CACHE_SECONDS = 30.0
"""How long a read is reused. This process's own changes invalidate at once; the bound is for another process's."""


class GuildSettingsRepository:
    """The settings table, with each server's row cached: one interaction reads it several times."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[int, tuple[float, GuildSettings]] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        cached = self._cache.get(guild_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        settings = await self._read(guild_id)
        self._cache[guild_id] = (time.monotonic(), settings)
        return settings

    async def _read(self, guild_id: int) -> GuildSettings:
        row = await self._db.fetch_one("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return GuildSettings(guild_id=guild_id) if row is None else _settings(row)

    async def update(self, guild_id: int, **changes: object) -> GuildSettings:
        """Change some settings, atomically: only the columns named are written, so two processes changing
        different settings of one server both keep their change. Unknown names are a programming error."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        self._cache.pop(guild_id, None)
        wanted = replace(GuildSettings(guild_id=guild_id), **changes)  # type: ignore[arg-type]  # names checked above
        values = {name: _stored(getattr(wanted, name)) for name in EDITABLE}
        assignments = ", ".join(f"{name} = excluded.{name}" for name in [*changes, "updated_at"])
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                f"INSERT INTO guild_settings (guild_id, {', '.join(EDITABLE)}, updated_at)"
                f" VALUES (?, {', '.join('?' for _ in EDITABLE)}, ?)"
                f" ON CONFLICT (guild_id) DO UPDATE SET {assignments} RETURNING *",
                (guild_id, *values.values(), time.time()),
            )
        assert row is not None
        updated = _settings(row)
        self._cache[guild_id] = (time.monotonic(), updated)
        return updated

    async def message_revision_guilds(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT guild_id FROM guild_settings WHERE message_revisions = 1")
        return [int(r[0]) for r in rows]


def _stored(value: object) -> object:
    """Flags are 0/1 integers on both engines."""
    return int(value) if isinstance(value, bool) else value


def _settings(row: Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        cowrite_channel_id=row["cowrite_channel_id"],
        cooldown_seconds=row["cooldown_seconds"],
        daily_quota=row["daily_quota"],
        blind_default=bool(row["blind_default"]),
        poll_hours=row["poll_hours"],
        message_revisions=bool(row["message_revisions"]),
        llm_model=row["llm_model"],
        llm_member_text=bool(row["llm_member_text"]),
    )
