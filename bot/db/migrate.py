"""Apply the numbered SQL migrations in order, each engine from its own folder, each migration all-or-nothing.

SQLite keeps the schema version in ``PRAGMA user_version``. PostgreSQL keeps the applied migrations in
``soundoff_migrations`` and applies them under an advisory lock, so that bots and workers starting together
apply each migration once: the first takes the lock and migrates, the others wait and find nothing pending.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from bot.database_target import DatabaseTarget
from bot.db.connection import Database, DatabaseOpenError, Dialect
from bot.errors import StartupError

if TYPE_CHECKING:
    from bot.db.postgres import PostgresDatabase
    from bot.db.sqlite import SqliteDatabase

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(?P<number>\d{4})_(?P<reason>[a-z0-9_]+)\.sql$")
_FOLDERS = {Dialect.SQLITE: "bot.db.migrations", Dialect.POSTGRESQL: "bot.db.migrations.postgresql"}
MIGRATION_LOCK = 0x536F756E644F6666  # "SoundOff": the advisory lock key (per database) migrations hold


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


class MigrationError(StartupError):
    """A migration failed; the database stays at the version it had before that migration."""


def available_migrations(dialect: Dialect = Dialect.SQLITE) -> list[Migration]:
    """Every migration shipped with the package for this engine, in order."""
    found = []
    for entry in resources.files(_FOLDERS[dialect]).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group("number")), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 1..N without gaps, found {numbers}")
    return found


async def open_migrated(target: DatabaseTarget | str) -> Database:
    """Open the database and apply pending migrations; a failure closes it again (nothing is left running)."""
    db = await Database.open(target)
    try:
        await upgrade(db)
    except BaseException:
        await db.close()
        raise
    return db


async def schema_version(db: Database) -> int:
    """The number of the last migration applied (0: an empty database)."""
    if db.dialect is Dialect.POSTGRESQL:
        # Two statements: a query naming a table that does not exist yet fails to plan, whatever CASE it sits in.
        bookkept = await db.fetch_one("SELECT to_regclass('soundoff_migrations') IS NOT NULL")
        if not (bookkept and bookkept[0]):
            return 0
        row = await db.fetch_one("SELECT COALESCE(MAX(number), 0) FROM soundoff_migrations")
    else:
        row = await db.fetch_one("PRAGMA user_version")
    return int(row[0]) if row else 0


async def upgrade(db: Database, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations, each in its own transaction; return the names applied."""
    chosen = migrations if migrations is not None else available_migrations(db.dialect)
    if db.dialect is Dialect.POSTGRESQL:
        from bot.db.postgres import PostgresDatabase

        assert isinstance(db, PostgresDatabase)
        return await _upgrade_postgres(db, chosen)
    from bot.db.sqlite import SqliteDatabase

    assert isinstance(db, SqliteDatabase)
    return await _upgrade_sqlite(db, chosen)


async def _upgrade_sqlite(db: SqliteDatabase, migrations: list[Migration]) -> list[str]:
    try:
        current = await schema_version(db)
    except sqlite3.Error as exc:
        raise DatabaseOpenError(f"cannot read the database {db.path}: {exc}") from None
    applied = []
    for migration in (m for m in migrations if m.number > current):
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.number};\nCOMMIT;"
        try:
            await db.executescript(script)
        except Exception as exc:
            raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
        log.info("Applied migration %s", migration.name)
        applied.append(migration.name)
    return applied


async def _upgrade_postgres(db: PostgresDatabase, migrations: list[Migration]) -> list[str]:
    import psycopg

    applied = []
    async with db.session() as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            cursor = await conn.execute("SELECT to_regclass('soundoff_migrations') IS NOT NULL")
            bookkept = await cursor.fetchone()
            if not (bookkept and bookkept[0]):  # only then: a read-only server (a standby) can still be started on
                await conn.execute(
                    "CREATE TABLE soundoff_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
            cursor = await conn.execute("SELECT COALESCE(MAX(number), 0) FROM soundoff_migrations")
            row = await cursor.fetchone()
            current = int(row[0]) if row else 0
            for migration in (m for m in migrations if m.number > current):
                try:
                    async with conn.transaction():
                        await conn.execute(migration.sql.encode())  # bytes: run as written, no placeholders
                        await conn.execute(
                            "INSERT INTO soundoff_migrations (number, name) VALUES (%s, %s)",
                            (migration.number, migration.name),
                        )
                except psycopg.Error as exc:
                    raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
                log.info("Applied migration %s", migration.name)
                applied.append(migration.name)
        finally:
            if not conn.closed:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied
