"""Cooldowns, quotas and per-server settings persist in the database."""

from __future__ import annotations

import pytest

from bot.database_target import DatabaseTarget
from bot.db.connection import Database
from bot.db.guild_settings import GuildSettingsRepository
from bot.db.migrate import open_migrated
from bot.db.usage import UsageRepository

NOON = 1_764_072_000.0  # 2025-11-25 12:00 UTC


async def test_cooldown_denies_then_allows(db: Database) -> None:
    """A second generation inside the cooldown is denied with the time it opens again."""
    usage = UsageRepository(db)
    assert await usage.claim(1, 2, cooldown=30, quota=10, now=NOON) is None
    denied = await usage.claim(1, 2, cooldown=30, quota=10, now=NOON + 10)
    assert denied is not None
    assert (denied.reason, denied.retry_at) == ("cooldown", NOON + 30)
    assert await usage.claim(1, 2, cooldown=30, quota=10, now=NOON + 31) is None


async def test_a_refused_generation_counts_for_nothing(db: Database) -> None:
    """A claim the quota refuses leaves no cooldown behind, and one the cooldown refuses uses no quota."""
    usage = UsageRepository(db)
    assert await usage.claim(1, 2, cooldown=30, quota=1, now=NOON) is None
    assert await usage.claim(1, 3, cooldown=30, quota=1, now=NOON) is not None  # quota: member 3 not started
    assert await usage.claim(1, 3, cooldown=30, quota=2, now=NOON + 1) is None
    assert await usage.claim(1, 3, cooldown=30, quota=9, now=NOON + 2) is not None  # cooldown: not counted
    assert await usage.used_today(1, now=NOON) == 2


async def test_a_zero_quota_allows_nothing(db: Database) -> None:
    """A server whose quota is 0 gets no generations, not one."""
    denied = await UsageRepository(db).claim(1, 2, cooldown=0, quota=0, now=NOON)
    assert denied is not None
    assert denied.reason == "quota"


async def test_daily_quota_is_per_server(db: Database) -> None:
    """The quota counts all members of a server and resets at UTC midnight."""
    usage = UsageRepository(db)
    for member in range(3):
        assert await usage.claim(1, member, cooldown=0, quota=3, now=NOON) is None
    denied = await usage.claim(1, 99, cooldown=0, quota=3, now=NOON)
    assert denied is not None
    assert denied.reason == "quota"
    assert denied.retry_at == NOON + 12 * 3600
    assert await usage.claim(2, 99, cooldown=0, quota=3, now=NOON) is None
    assert await usage.claim(1, 99, cooldown=0, quota=3, now=NOON + 12 * 3600) is None


async def test_usage_survives_restart(database_target: DatabaseTarget) -> None:
    """A cooldown still holds after the database is reopened."""
    db = await open_migrated(database_target)
    await UsageRepository(db).claim(1, 2, cooldown=60, quota=10, now=NOON)
    await db.close()
    db = await Database.open(database_target)
    try:
        assert await UsageRepository(db).claim(1, 2, cooldown=60, quota=10, now=NOON + 5) is not None
    finally:
        await db.close()


async def test_guild_settings_defaults_and_update(db: Database) -> None:
    """Unset servers get defaults; updates persist and unknown names are refused."""
    repo = GuildSettingsRepository(db)
    assert (await repo.get(5)).blind_default is True
    await repo.update(5, blind_default=False, poll_hours=48, message_revisions=True)
    stored = await repo.get(5)
    assert (stored.blind_default, stored.poll_hours, stored.message_revisions) == (False, 48, True)
    assert await repo.message_revision_guilds() == [5]
    with pytest.raises(ValueError, match="unknown"):
        await repo.update(5, nope=1)


async def test_settings_are_read_once_and_a_change_is_seen_at_once(db: Database) -> None:
    """One interaction reads a server's settings several times: the row is read once; an update replaces it."""
    repository = GuildSettingsRepository(db)
    first = await repository.get(5)
    await db.execute("INSERT INTO guild_settings (guild_id, poll_hours, updated_at) VALUES (5, 48, 0)")
    assert await repository.get(5) is first  # cached: the direct write is not seen yet
    updated = await repository.update(5, blind_default=False)
    assert (updated.poll_hours, updated.blind_default) == (48, False)
    assert await repository.get(5) == updated
