"""The embedded engine: one SQLite file with WAL, foreign keys, a busy timeout, and one writer at a time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.db.connection import Database, DatabaseOpenError, Dialect, IntegrityError, Params, Row, Transaction
from bot.db.faults import StorageFault, classify
from bot.db.sqlite_file import FileIdentity, mark_created, refuse_if_lost, rescue_path

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
MOVED = "the path no longer names the opened file"


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

    A storage fault (read-only, full, damaged, gone) becomes a StorageError with the member's sentence, is
    logged once for the operator when it begins, and stays in ``storage_fault`` (which the heartbeat reports)
    until a write succeeds again. Before each commit the path must still name the file that was opened.
    """

    dialect = Dialect.SQLITE

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._conn = connection
        self._reads = SqliteTransaction(connection)
        self._write_lock = asyncio.Lock()
        self.path = path
        self.label = path
        self._file = None if path == ":memory:" else Path(path)
        self._opened = None if self._file is None else FileIdentity.of(self._file)
        self._rescued: Path | None = None

    @classmethod
    async def connect(cls, path: Path) -> SqliteDatabase:
        """Open (creating folders as needed) and configure the database file; ``:memory:`` works too.

        Any failure closes what was opened (aiosqlite's worker thread would otherwise keep the process alive)
        and raises DatabaseOpenError with one line that names the path.
        """
        target = str(path)
        try:
            if target != ":memory:":
                refuse_if_lost(Path(target))
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
        database = cls(conn, target)
        if target != ":memory:":
            mark_created(Path(target))
            await database._check_pages()
        return database

    async def close(self) -> None:
        """Close; a file that vanished while open is first copied out, so what was acknowledged survives."""
        async with self._write_lock:
            if self._moved():
                await self._rescue()
            await self._conn.close()

    async def check_storage(self) -> str | None:
        """Notice a vanished file between writes too (the heartbeat asks), and rescue it while it is still open."""
        async with self._write_lock:
            if self._moved():
                if self._fault is not StorageFault.MISSING:
                    self._fault_found(StorageFault.MISSING, MOVED, writing=True)
                await self._rescue()
        return self.storage_fault

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._write_lock:
            if self._fault is not None and not self._fault.passes:  # a write into a damaged or vanished file
                raise self._fault_found(self._fault, "found earlier", writing=True)  # would be lost with it
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                self._raise_fault(self._classify(exc), exc, writing=True)
                raise
            try:
                yield self._reads
                if self._moved():
                    raise self._fault_found(StorageFault.MISSING, MOVED, writing=True)
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        await self._conn.execute("ROLLBACK")
                fault = self._classify(exc) if isinstance(exc, sqlite3.Error) else None
                if fault is StorageFault.MISSING or self._fault is StorageFault.MISSING:
                    await self._rescue()
                self._raise_fault(fault, exc, writing=True)
                raise
            self._write_worked()

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        try:
            return await self._reads.fetch_one(sql, params)
        except sqlite3.Error as exc:
            self._raise_fault(self._classify(exc), exc, writing=False)
            raise

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return await self._reads.fetch_all(sql, params)
        except sqlite3.Error as exc:
            self._raise_fault(self._classify(exc), exc, writing=False)
            raise

    async def executescript(self, script: str) -> None:
        """Run a script that manages its own transaction; roll back what a failure left open."""
        async with self._write_lock:
            try:
                await self._conn.executescript(script)
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise

    async def _check_pages(self) -> None:
        """Look for damaged pages at start (SQLite's quick check reads every page once, without the indexes' order):
        the operator hears of a damaged file now, and no member's write goes into it."""
        try:
            async with self._conn.execute("PRAGMA quick_check(1)") as cursor:
                row = await cursor.fetchone()
        except sqlite3.Error as exc:  # damage in the schema's own pages is an error, not a report
            self._fault_found(classify(exc) or StorageFault.CORRUPT, str(exc), writing=False)
            return
        if row is None or row[0] != "ok":
            self._fault_found(StorageFault.CORRUPT, str(row[0] if row else "no answer"), writing=False)

    def _moved(self) -> bool:
        """Whether the path no longer names the file that was opened (deleted, or replaced by another)."""
        return self._file is not None and FileIdentity.of(self._file) != self._opened

    async def _rescue(self) -> None:
        """Copy what this connection still reads of a vanished file beside where it was (once), and say where."""
        if self._file is None or self._rescued is not None:
            return
        copy = rescue_path(self._file)
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(copy, check_same_thread=False)  # aiosqlite's thread writes it
            try:
                await self._conn.backup(target)
            finally:
                target.close()
            mark_created(self._file)
        except (OSError, sqlite3.Error) as exc:
            log.error(
                "The database %s vanished while open and could not be rescued to %s: %s; it is still open as "
                "/proc/%d/fd/… (copy it from there before stopping this process)",
                self.path,
                copy,
                exc,
                os.getpid(),
            )
            return
        self._rescued = copy
        log.error("The database %s vanished while open: everything it held is rescued to %s", self.path, copy)

    def _classify(self, error: sqlite3.Error) -> StorageFault | None:
        """The storage fault behind an SQLite error; an I/O error on a file that vanished is the vanishing."""
        fault = classify(error)
        return StorageFault.MISSING if fault is StorageFault.IO and self._moved() else fault


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
