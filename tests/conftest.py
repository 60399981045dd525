"""Shared fixtures: a real SQLite database, migrated, on disk (WAL) or in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db.connection import Database
from bot.db.migrate import upgrade


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database file, as the bot uses it."""
    database = await Database.open(tmp_path / "soundoff.db")
    await upgrade(database)
    yield database
    await database.close()


@pytest.fixture
async def memory_db() -> AsyncIterator[Database]:
    """A migrated in-memory database."""
    database = await Database.open(":memory:")
    await upgrade(database)
    yield database
    await database.close()
