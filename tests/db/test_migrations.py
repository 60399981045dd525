"""Migrations: forward-only, idempotent, all-or-nothing, the same on both engines, and applied once."""

from __future__ import annotations

import json
import sys

import pytest

from bot.database_target import DatabaseTarget
from bot.db.connection import Database, Dialect
from bot.db.migrate import Migration, MigrationError, available_migrations, schema_version, upgrade
from tests.postgres import PostgresServer
from tests.processes import started_together


async def _table_exists(db: Database, name: str) -> bool:
    if db.dialect is Dialect.POSTGRESQL:
        row = await db.fetch_one("SELECT to_regclass(?) IS NOT NULL", (name,))
    else:
        row = await db.fetch_one("SELECT COUNT(*) FROM sqlite_master WHERE name = ?", (name,))
    return bool(row and row[0])


async def test_upgrade_empty_database_then_rerun_is_noop(empty_database: DatabaseTarget) -> None:
    """Upgrading an empty database applies everything; a second run applies nothing."""
    db = await Database.open(empty_database)
    try:
        assert await schema_version(db) == 0
        applied = await upgrade(db)
        assert applied == [m.name for m in available_migrations(db.dialect)]
        assert await schema_version(db) == len(applied)
        assert await upgrade(db) == []
    finally:
        await db.close()


async def test_failed_migration_leaves_previous_version(empty_database: DatabaseTarget) -> None:
    """A migration that fails half-way leaves no table behind and the version unchanged."""
    db = await Database.open(empty_database)
    try:
        await upgrade(db)
        before = await schema_version(db)
        broken = Migration(before + 1, "9999_broken.sql", "CREATE TABLE half_done (id INTEGER);\nSELECT * FROM nope;")
        with pytest.raises(MigrationError):
            await upgrade(db, [*available_migrations(db.dialect), broken])
        assert await schema_version(db) == before
        assert not await _table_exists(db, "half_done")
        # The connection is usable afterwards.
        assert await upgrade(db) == []
    finally:
        await db.close()


async def test_atomic_claims_migration_keeps_what_was_counted(empty_database: DatabaseTarget) -> None:
    """0002 folds the per-member usage rows into server days and member cooldowns, and numbers on from the versions."""
    db = await Database.open(empty_database)
    try:
        await upgrade(db, available_migrations(db.dialect)[:1])
        await db.execute(
            "INSERT INTO usage (guild_id, member_id, day, count, last_at) VALUES"
            " (1, 10, '2025-11-24', 2, 100.0), (1, 10, '2025-11-25', 1, 200.0), (1, 11, '2025-11-25', 4, 150.0)"
        )
        await db.execute(
            "INSERT INTO songs (id, guild_id, channel_id, owner_id, title, created_at) VALUES (7, 1, 2, 10, 'T', 0)"
        )
        await db.execute(
            "INSERT INTO versions (song_id, number, kind, author_name, lyrics_json, created_at)"
            " VALUES (7, 1, 'ai-draft', 'AI', '{}', 0), (7, 2, 'ai-variation', 'AI', '{}', 0)"
        )
        await upgrade(db)
        days = await db.fetch_all("SELECT day, count FROM usage_days WHERE guild_id = 1 ORDER BY day")
        assert [(r[0], r[1]) for r in days] == [("2025-11-24", 2), ("2025-11-25", 5)]
        cooldowns = await db.fetch_all("SELECT member_id, last_at FROM cooldowns ORDER BY member_id")
        assert [(r[0], r[1]) for r in cooldowns] == [(10, 200.0), (11, 150.0)]
        song = await db.fetch_one("SELECT last_version FROM songs WHERE id = 7")
        assert song is not None
        assert song[0] == 2
        assert not await _table_exists(db, "usage")
    finally:
        await db.close()


async def test_database_pragmas(sqlite_db: Database) -> None:
    """The bot's SQLite database runs in WAL mode with foreign keys and a busy timeout."""
    assert (await sqlite_db.fetch_one("PRAGMA journal_mode"))[0] == "wal"  # type: ignore[index]
    assert (await sqlite_db.fetch_one("PRAGMA foreign_keys"))[0] == 1  # type: ignore[index]
    assert (await sqlite_db.fetch_one("PRAGMA busy_timeout"))[0] >= 1000  # type: ignore[index]


@pytest.mark.parametrize("dialect", list(Dialect))
def test_migrations_are_numbered_without_gaps(dialect: Dialect) -> None:
    """Shipped migrations are numbered 1..N on each engine."""
    numbers = [m.number for m in available_migrations(dialect)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_both_engines_ship_the_same_migrations() -> None:
    """Schema version N means the same schema on SQLite and on PostgreSQL: same numbers, same names."""
    assert [m.name for m in available_migrations(Dialect.SQLITE)] == [
        m.name for m in available_migrations(Dialect.POSTGRESQL)
    ]


MIGRATE_WHEN_TOLD = """
import asyncio, json, sys
from bot.db.connection import Database
from bot.db.migrate import upgrade

async def main():
    db = await Database.open(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()  # every process is connected: all start upgrading at once
    print(json.dumps(await upgrade(db)), flush=True)
    await db.close()

asyncio.run(main())
"""


def test_processes_starting_together_apply_each_migration_once(postgres_server: PostgresServer) -> None:
    """Four processes migrating one empty PostgreSQL database at once: one applies everything, three find it done."""
    url = postgres_server.empty()
    try:
        with started_together([[sys.executable, "-c", MIGRATE_WHEN_TOLD, url.conninfo]] * 4) as processes:
            results = []
            for process in processes:
                out, _ = process.communicate(timeout=60)
                assert process.returncode == 0
                results.append(json.loads(out))
        names = [m.name for m in available_migrations(Dialect.POSTGRESQL)]
        assert sorted(results, key=len) == [[], [], [], names]
    finally:
        postgres_server.drop(url)
