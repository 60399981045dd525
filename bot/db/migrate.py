"""Apply the numbered SQL migrations in order; the schema version lives in ``PRAGMA user_version``."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.db.connection import Database, DatabaseOpenError
from bot.errors import StartupError

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(?P<number>\d{4})_(?P<reason>[a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


class MigrationError(StartupError):
    """A migration failed; the database stays at the version it had before that migration."""


def available_migrations() -> list[Migration]:
    """Every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("bot.db.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group("number")), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 1..N without gaps, found {numbers}")
    return found


async def open_migrated(path: str | Path) -> Database:
    """Open the database and apply pending migrations; a failure closes it again (nothing is left running)."""
    db = await Database.open(path)
    try:
        await upgrade(db)
    except BaseException:
        await db.close()
        raise
    return db


async def schema_version(db: Database) -> int:
    row = await db.fetch_one("PRAGMA user_version")
    return int(row[0]) if row else 0


async def upgrade(db: Database, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations, each in its own transaction; return the names applied."""
    try:
        current = await schema_version(db)
    except sqlite3.Error as exc:
        raise DatabaseOpenError(f"cannot read the database {db.path}: {exc}") from None
    pending = [m for m in (migrations or available_migrations()) if m.number > current]
    applied = []
    for migration in pending:
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.number};\nCOMMIT;"
        try:
            await db.executescript(script)
        except Exception as exc:
            raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
        log.info("Applied migration %s", migration.name)
        applied.append(migration.name)
    return applied
