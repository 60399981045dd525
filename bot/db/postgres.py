"""The scale-out engine: a PostgreSQL server through psycopg 3, with a connection pool shared by the repositories.

Every process of a deployment (bots, workers) opens its own pool on the same database; correctness across them
comes from the statements themselves (conditional upserts, row locks), never from a lock held in one process.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.database_target import PostgresUrl
from bot.db.connection import Database, DatabaseOpenError, Dialect, IntegrityError, Params, Row, Transaction
from bot.db.faults import classify_sqlstate

log = logging.getLogger(__name__)

T = TypeVar("T")

CONNECT_TIMEOUT_SECONDS = 10
POOL_SIZE = 10
"""Connections per process: a bot awaits at most a few statements at once (one per interaction in flight)."""


class Record:
    """A result row readable by position or by column name, as SQLite's rows are."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str, /) -> Any:
        return self._values[self._names[key] if isinstance(key, str) else key]

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Record({dict(zip(self._names, self._values, strict=True))!r})"


def _records(cursor: psycopg.AsyncCursor[Any]) -> Callable[[Sequence[Any]], Record]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return functools.partial(Record, names)


@functools.lru_cache(maxsize=1024)
def _pyformat(sql: str) -> str:
    """The repositories' ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled); no SQL here quotes ``?``."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresTransaction(Transaction):
    def __init__(self, connection: psycopg.AsyncConnection[Any]) -> None:
        self._conn = connection

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._conn.cursor(row_factory=_records) as cursor:
            await _run(cursor, sql, params)
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._conn.cursor(row_factory=_records) as cursor:
            await _run(cursor, sql, params)
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._conn.cursor() as cursor:
            await _run(cursor, sql, params)
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self._conn.cursor() as cursor:
            try:
                await cursor.executemany(_pyformat(sql), [tuple(r) for r in rows])
            except psycopg.IntegrityError as exc:
                raise IntegrityError(str(exc)) from exc


async def _run(cursor: psycopg.AsyncCursor[Any], sql: str, params: Params) -> None:
    try:
        await cursor.execute(_pyformat(sql), tuple(params))
    except psycopg.IntegrityError as exc:
        raise IntegrityError(str(exc)) from exc


def connect_failure(exc: psycopg.Error) -> str:
    """libpq's reason in a few words ("Connection refused", "database "x" does not exist"), not its paragraph."""
    lines = str(exc).strip().splitlines()
    if not lines:
        return type(exc).__name__
    return lines[0].rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()


class PostgresDatabase(Database):
    """A pool of autocommit connections: a lone statement commits by itself, ``transaction()`` spans several."""

    dialect = Dialect.POSTGRESQL

    def __init__(self, pool: AsyncConnectionPool, url: PostgresUrl) -> None:
        self._pool = pool
        self.url = url
        self.label = str(url)

    @classmethod
    async def connect(cls, url: PostgresUrl, *, pool_size: int = POOL_SIZE) -> PostgresDatabase:
        """Reach the server (one clear line if it cannot be reached), then open the pool."""
        try:
            probe = await psycopg.AsyncConnection.connect(url.conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except psycopg.Error as exc:
            raise DatabaseOpenError(f"cannot connect to the database {url}: {connect_failure(exc)}") from None
        await probe.close()
        pool = AsyncConnectionPool(
            url.conninfo,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True},
            open=False,
            name="soundoff",
        )
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
        return cls(pool, url)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        try:
            async with self._pool.connection() as conn, conn.transaction():
                yield PostgresTransaction(conn)
        except psycopg.Error as exc:
            self._raise_fault(classify_sqlstate(exc.sqlstate), exc, writing=True)
            raise
        self._write_worked()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """One connection held for a while, outside any transaction (migrations hold their lock on it)."""
        async with self._pool.connection() as conn:
            yield conn

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._pooled(lambda tx: tx.fetch_one(sql, params), writing=False)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._pooled(lambda tx: tx.fetch_all(sql, params), writing=False)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement on an autocommit connection: it is its own transaction."""
        return await self._pooled(lambda tx: tx.execute(sql, params), writing=True)

    async def _pooled(self, statement: Callable[[PostgresTransaction], Awaitable[T]], *, writing: bool) -> T:
        """Run one statement on a pool connection; a storage fault (read-only, full, damaged) is a StorageError."""
        try:
            async with self._pool.connection() as conn:
                result = await statement(PostgresTransaction(conn))
        except psycopg.Error as exc:
            self._raise_fault(classify_sqlstate(exc.sqlstate), exc, writing=writing)
            raise
        if writing:
            self._write_worked()
        return result
