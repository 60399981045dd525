"""Shared fixtures: a real SQLite database, migrated, on disk (WAL) or in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.db.connection import Database
from bot.db.migrate import upgrade
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from tests.openai_server import openai_server  # noqa: F401  # the local OpenAI-compatible server fixture

pytest_plugins = ["tests.standin.fixtures"]


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


@pytest.fixture(scope="session")
def render_pool() -> Iterator[RenderPool]:
    """One warm render pool for the whole run (spawning workers costs a second each)."""
    pool = RenderPool(1)
    yield pool
    pool.shutdown()


@pytest.fixture
async def services(tmp_path: Path, render_pool: RenderPool) -> AsyncIterator[Services]:
    """The bot's resources on a fresh database file, the offline writer and the shared render pool."""
    settings = Settings(_env_file=None, SOUNDOFF_DATABASE=str(tmp_path / "bot.db"), SOUNDOFF_COOLDOWN_SECONDS=0)  # type: ignore[call-arg]
    opened = await Services.open(settings, pool=render_pool)
    yield opened
    await opened.db.close()
