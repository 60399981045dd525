"""Migrations: forward-only, idempotent, and all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db.connection import Database
from bot.db.migrate import Migration, MigrationError, available_migrations, schema_version, upgrade


async def test_upgrade_empty_database_then_rerun_is_noop(tmp_path: Path) -> None:
    """Upgrading an empty database applies everything; a second run applies nothing."""
    db = await Database.open(tmp_path / "x.db")
    try:
        applied = await upgrade(db)
        assert applied == [m.name for m in available_migrations()]
        assert await schema_version(db) == len(applied)
        assert await upgrade(db) == []
    finally:
        await db.close()


async def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    """A migration that fails half-way leaves no table behind and the version unchanged."""
    db = await Database.open(tmp_path / "x.db")
    try:
        await upgrade(db)
        before = await schema_version(db)
        broken = Migration(before + 1, "9999_broken.sql", "CREATE TABLE half_done (id INTEGER);\nSELECT * FROM nope;")
        with pytest.raises(MigrationError):
            await upgrade(db, [*available_migrations(), broken])
        assert await schema_version(db) == before
        assert await db.fetch_one("SELECT name FROM sqlite_master WHERE name = 'half_done'") is None
        # The connection is usable afterwards.
        assert await upgrade(db) == []
    finally:
        await db.close()


async def test_database_pragmas(db: Database) -> None:
    """The bot's database runs in WAL mode with foreign keys and a busy timeout."""
    assert (await db.fetch_one("PRAGMA journal_mode"))[0] == "wal"  # type: ignore[index]
    assert (await db.fetch_one("PRAGMA foreign_keys"))[0] == 1  # type: ignore[index]
    assert (await db.fetch_one("PRAGMA busy_timeout"))[0] >= 1000  # type: ignore[index]


def test_migrations_are_numbered_without_gaps() -> None:
    """Shipped migrations are numbered 1..N."""
    numbers = [m.number for m in available_migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
