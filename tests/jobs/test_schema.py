"""procrastinate's tables on a real PostgreSQL (created once, migrated by the files a later release ships), and the
connections a process may open to it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from procrastinate.schema import SchemaManager

from bot.database_target import PostgresUrl
from bot.db.postgres import PostgresDatabase
from bot.jobs import schema
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import QUEUE_CONNECTIONS, START_UP_CONNECTIONS
from tests.jobs.conftest import queue_settings
from tests.standin import StandIn

NEXT = (schema.INSTALLED[0], schema.INSTALLED[1] + 1, 0)
"""A release after the installed one, whose migrations the tests write."""


def _migration(folder: Path, version: tuple[int, int, int], name: str, sql: str) -> str:
    filename = f"{version[0]:02d}.{version[1]:02d}.{version[2]:02d}_01_pre_{name}.sql"
    (folder / filename).write_text(sql, encoding="utf-8")
    return filename


async def _version(url: PostgresUrl) -> tuple[int, int, int] | None:
    async with await psycopg.AsyncConnection.connect(url.conninfo) as conn:
        return await schema.schema_version(conn)


async def _columns(url: PostgresUrl) -> set[str]:
    async with await psycopg.AsyncConnection.connect(url.conninfo) as conn:
        cursor = await conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'procrastinate_jobs'"
        )
        return {row[0] for row in await cursor.fetchall()}


async def test_a_fresh_database_gets_the_schema_once_however_many_start_together(queue_database: PostgresUrl) -> None:
    """Three processes starting at once: one creates the tables (and records the release), the others find them."""
    ran = await asyncio.gather(*(schema.upgrade(queue_database) for _ in range(3)))
    assert sorted(ran) == [[], [], ["schema.sql"]]
    assert await _version(queue_database) == schema.INSTALLED


async def test_tables_from_before_the_bookkeeping_count_as_3_10_0(queue_database: PostgresUrl) -> None:
    """Tables the bot created before versions were recorded carry no comment: they are 3.10.0's, nothing runs."""
    async with await psycopg.AsyncConnection.connect(queue_database.conninfo, autocommit=True) as conn:
        await conn.execute(SchemaManager.get_schema().encode())
    assert await _version(queue_database) == schema.UNMARKED
    assert await schema.upgrade(queue_database, target=schema.UNMARKED) == []


async def test_a_later_release_applies_its_migrations_once(queue_database: PostgresUrl, tmp_path: Path) -> None:
    """Files for releases after the tables' own run in order, once; older ones (already in the schema) never run."""
    await schema.upgrade(queue_database)
    _migration(tmp_path, schema.INSTALLED, "already_in", "SELECT 1 / 0;")  # part of the installed schema
    first = _migration(tmp_path, NEXT, "add_note", "ALTER TABLE procrastinate_jobs ADD COLUMN soundoff_note text;")
    assert await schema.upgrade(queue_database, folder=tmp_path, target=NEXT) == [first]
    assert "soundoff_note" in await _columns(queue_database)
    assert await _version(queue_database) == NEXT
    assert await schema.upgrade(queue_database, folder=tmp_path, target=NEXT) == []


async def test_a_failed_migration_leaves_the_schema_as_it_was(queue_database: PostgresUrl, tmp_path: Path) -> None:
    await schema.upgrade(queue_database)
    _migration(tmp_path, NEXT, "broken", "ALTER TABLE procrastinate_jobs ADD COLUMN half_done text; SELECT 1 / 0;")
    with pytest.raises(psycopg.errors.DivisionByZero):
        await schema.upgrade(queue_database, folder=tmp_path, target=NEXT)
    assert "half_done" not in await _columns(queue_database)
    assert await _version(queue_database) == schema.INSTALLED


def test_db_upgrade_creates_the_job_queue_schema(queue_database: PostgresUrl) -> None:
    """``soundoff db upgrade`` in scale-out mode creates (then reports up to date) procrastinate's tables too."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "OPENAI_", "SOUNDOFF_"))}
    env = {**base, "SOUNDOFF_DATABASE": queue_database.conninfo, "SOUNDOFF_RENDER_QUEUE": "true"}

    def upgrade() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "db", "upgrade"], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "job queue schema (procrastinate 3.10.0): schema.sql" in upgrade()
    assert "job queue schema (procrastinate 3.10.0): up to date" in upgrade()


async def test_a_process_keeps_to_its_connection_budget(
    standin: StandIn, queue_database: PostgresUrl, render_pool: RenderPool
) -> None:
    """SOUNDOFF_DB_CONNECTIONS=8 in scale-out mode: 20 queries at once and a deferral never hold more than 8
    connections to the database (counted by the server), the repositories' pool getting what the queue leaves."""
    settings = queue_settings(standin, queue_database, SOUNDOFF_DB_CONNECTIONS=8)
    services = await Services.open(settings, pool=render_pool)
    seen: list[int] = []

    async def sample() -> None:
        async with await psycopg.AsyncConnection.connect(queue_database.conninfo, autocommit=True) as conn:
            while True:
                cursor = await conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                )
                row = await cursor.fetchone()
                seen.append(int(row[0]) if row else 0)
                await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    try:
        assert services.jobs is not None
        assert isinstance(services.db, PostgresDatabase)
        assert services.db.pool_size == 8 - START_UP_CONNECTIONS - QUEUE_CONNECTIONS
        queries = [services.db.fetch_one("SELECT pg_sleep(0.2)") for _ in range(20)]
        await asyncio.gather(*queries, services.jobs.close_at(1, 0))
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        await services.close()
    assert seen
    assert 2 <= max(seen) <= 8, seen
