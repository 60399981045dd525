"""The embedded engine: one SQLite file with WAL, foreign keys, a busy timeout, and one writer at a time."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.db.connection import Database, DatabaseOpenError, Dialect, IntegrityError, Params, Row, Transaction

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class SqliteTransaction(Transaction):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        try:
            async with self._conn.execute(sql, tuple(params)) as cursor:
                row: aiosqlite.Row | None = await cursor.fetchone()
                return row
        except sqlite3.IntegrityError as exc:  # INSERT … RETURNING reads as it writes
            raise IntegrityError(str(exc)) from exc

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            async with self._conn.execute(sql, tuple(params)) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            async with self._conn.execute(sql, tuple(params)) as cursor:
                return cursor.rowcount
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            await self._conn.executemany(sql, [tuple(r) for r in rows])
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc


class SqliteDatabase(Database):
    """An aiosqlite connection shared by the repositories.

    aiosqlite runs every statement on one worker thread, so a transaction opened by one coroutine would
    swallow statements from another; ``transaction()`` therefore serialises writers with a lock.
    """

    dialect = Dialect.SQLITE

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._conn = connection
        self._reads = SqliteTransaction(connection)
        self._write_lock = asyncio.Lock()
        self.path = path
        self.label = path

    @classmethod
    async def connect(cls, path: Path) -> SqliteDatabase:
        """Open (creating folders as needed) and configure the database file; ``:memory:`` works too.

        Any failure closes what was opened (aiosqlite's worker thread would otherwise keep the process alive)
        and raises DatabaseOpenError with one line that names the path.
        """
        target = str(path)
        try:
            if target != ":memory:":
                Path(target).parent.mkdir(parents=True, exist_ok=True)
                # A plain sqlite3 look first: aiosqlite leaves its worker thread running when connecting fails.
                await asyncio.to_thread(_probe, target)
            conn = await aiosqlite.connect(target, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseOpenError(f"cannot open the database {target}: {_reason(exc)}") from None
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            if target != ":memory:":
                await conn.execute("PRAGMA journal_mode = WAL")
                await conn.execute("PRAGMA synchronous = NORMAL")
        except (OSError, sqlite3.Error) as exc:
            await conn.close()
            raise DatabaseOpenError(f"cannot open the database {target}: {_reason(exc)}") from None
        except BaseException:
            await conn.close()
            raise
        return cls(conn, target)

    async def close(self) -> None:
        async with self._write_lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._reads
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._reads.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._reads.fetch_all(sql, params)

    async def executescript(self, script: str) -> None:
        """Run a script that manages its own transaction; roll back what a failure left open."""
        async with self._write_lock:
            try:
                await self._conn.executescript(script)
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise


def _probe(path: str) -> None:
    """Raise sqlite3.Error if ``path`` cannot be opened as an SQLite database (a folder, not a database file)."""
    if Path(path).is_dir():
        raise sqlite3.OperationalError("it is a folder, not a file")
    probe = sqlite3.connect(path)
    try:
        probe.execute("PRAGMA schema_version")
    finally:
        probe.close()


def _reason(exc: OSError | sqlite3.Error) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
