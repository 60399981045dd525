"""procrastinate's tables on the bot's PostgreSQL: created on first start, migrated when procrastinate is upgraded.

procrastinate ships its schema and one SQL file per change since (``{xx.yy.zz}_{ab}_{pre|post}_….sql``, applicable
to release xx.yy.zz) and leaves keeping track of which were applied to its users. The release the tables are at
is written in a comment on ``procrastinate_jobs``. Tables created before this bookkeeping have no comment: they
were made by 3.10.0, the release the project first locked. Every process on the database runs ``upgrade`` at start
under one advisory lock, and so does ``soundoff db upgrade``: the first creates or migrates, the others find
nothing to do. Each file is applied with the version comment in one transaction. The migrations include the
``post`` ones, as procrastinate's "with service interruption" upgrade does: upgrade with every process stopped.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager
from psycopg import sql

from bot.database_target import PostgresUrl

log = logging.getLogger(__name__)

SCHEMA_LOCK = 0x536F4A6F6273  # "SoJobs": the advisory lock key under which the queue's schema is created or migrated
Version = tuple[int, int, int]
UNMARKED = (3, 10, 0)
"""The release that made tables without a version comment (the only one locked before the comment existed)."""
_MARK = re.compile(r"^procrastinate (\d+)\.(\d+)\.(\d+)$")
_MIGRATION = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})_(\d{2})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True, order=True)
class QueueMigration:
    version: Version
    serial: int
    name: str


def parse_version(text: str) -> Version:
    major, minor, patch = (int(part) for part in re.findall(r"\d+", text)[:3])
    return major, minor, patch


INSTALLED = parse_version(procrastinate.__version__)


def migrations(folder: Path | None = None) -> list[QueueMigration]:
    """procrastinate's migration files (or those in ``folder``), in the order they apply."""
    path = Path(folder or SchemaManager.get_migrations_path())
    found = []
    for entry in path.iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            major, minor, patch, serial = (int(group) for group in match.groups())
            found.append(QueueMigration((major, minor, patch), serial, entry.name))
    return sorted(found)


async def schema_version(conn: psycopg.AsyncConnection[Any]) -> Version | None:
    """The release procrastinate's tables are at; None when there are none."""
    cursor = await conn.execute(
        "SELECT obj_description(to_regclass('procrastinate_jobs'), 'pg_class'), "
        "to_regclass('procrastinate_jobs') IS NOT NULL"
    )
    row = await cursor.fetchone()
    if row is None or not row[1]:
        return None
    match = _MARK.match(row[0] or "")
    return parse_version(match.group(0)) if match else UNMARKED


async def upgrade(url: PostgresUrl, *, folder: Path | None = None, target: Version = INSTALLED) -> list[str]:
    """Create procrastinate's tables, or apply the migrations between their release and ``target``; what was run."""
    async with await psycopg.AsyncConnection.connect(url.conninfo, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            return await _upgrade(conn, Path(folder or SchemaManager.get_migrations_path()), target)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


async def _upgrade(conn: psycopg.AsyncConnection[Any], folder: Path, target: Version) -> list[str]:
    at = await schema_version(conn)
    if at is None:
        async with conn.transaction():
            await conn.execute(SchemaManager.get_schema().encode())
            await _mark(conn, target)
        log.info("Created the job queue's tables (procrastinate %s)", dotted(target))
        return ["schema.sql"]
    if at >= target:
        return []
    pending = [m for m in migrations(folder) if at < m.version <= target]
    for migration in pending:
        async with conn.transaction():
            await conn.execute((folder / migration.name).read_text(encoding="utf-8").encode())
            await _mark(conn, migration.version)
        log.info("Applied the job queue's migration %s", migration.name)
    await _mark(conn, target)
    return [m.name for m in pending]


async def _mark(conn: psycopg.AsyncConnection[Any], version: Version) -> None:
    note = sql.Literal(f"procrastinate {dotted(version)}")
    await conn.execute(sql.SQL("COMMENT ON TABLE procrastinate_jobs IS {}").format(note))


def dotted(version: Version) -> str:
    """``3.10.0``."""
    return ".".join(str(part) for part in version)
