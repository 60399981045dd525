"""Shared fixtures: a real, migrated database on each backend (SQLite, and PostgreSQL when a server is given)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.database_target import DatabaseTarget, PostgresUrl
from bot.db.connection import Database
from bot.db.migrate import open_migrated, upgrade
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from tests.openai_server import openai_server  # noqa: F401  # the local OpenAI-compatible server fixture

if TYPE_CHECKING:  # imported by pytest as a plugin (below), so that its asserts are rewritten
    from tests.postgres import PostgresServer

pytest_plugins = ["tests.standin.fixtures", "tests.postgres"]

BACKENDS = ("sqlite", "postgresql")
"""Every storage test runs on both (Red's habit): the repositories promise the same behaviour on each."""


def _postgres(request: pytest.FixtureRequest) -> PostgresServer:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server


@pytest.fixture(params=BACKENDS)
def database_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseTarget]:
    """A fresh database on each backend: an SQLite file (migrated when opened), or a clone of the migrated template."""
    if request.param == "sqlite":
        yield tmp_path / "soundoff.db"
        return
    server = _postgres(request)
    url = server.clone()
    yield url
    server.drop(url)


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseTarget]:
    """A database with no schema yet, on each backend (for the migration tests)."""
    if request.param == "sqlite":
        yield tmp_path / "empty.db"
        return
    server = _postgres(request)
    url: PostgresUrl = server.empty()
    yield url
    server.drop(url)


@pytest.fixture
async def db(database_target: DatabaseTarget) -> AsyncIterator[Database]:
    """A migrated database, as the bot uses it, on each backend."""
    database = await open_migrated(database_target)
    yield database
    await database.close()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database file, for what only SQLite has (its pragmas)."""
    database = await open_migrated(tmp_path / "soundoff.db")
    yield database
    await database.close()


@pytest.fixture
async def memory_db() -> AsyncIterator[Database]:
    """A migrated in-memory SQLite database."""
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
async def services(database_target: DatabaseTarget, render_pool: RenderPool) -> AsyncIterator[Services]:
    """The bot's resources on a fresh database (each backend), the offline writer and the shared render pool."""
    settings = Settings(_env_file=None, SOUNDOFF_DATABASE=database_target, SOUNDOFF_COOLDOWN_SECONDS=0)  # type: ignore[call-arg]
    opened = await Services.open(settings, pool=render_pool)
    yield opened
    await opened.close()
