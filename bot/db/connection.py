"""The database the repositories talk to, whichever engine holds it: SQLite (embedded) or PostgreSQL (scale-out).

Repositories write their SQL once, with ``?`` placeholders, in the subset both engines share (``RETURNING``,
``ON CONFLICT … DO UPDATE … WHERE``, partial indexes). Where the engines differ in what a statement must say
to be correct, the ``Dialect`` says it (one clause today), so the difference is named rather than branched on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from enum import StrEnum
from typing import Any, Protocol

from bot.database_target import DatabaseTarget, PostgresUrl, parse_target
from bot.errors import StartupError

Params = Iterable[Any]


class DatabaseOpenError(StartupError):
    """The database cannot be opened or reached (the message says which and why, with no password in it)."""


class IntegrityError(Exception):
    """A constraint refused the write: a unique key, a foreign key, a check, or the append-only versions."""


class Row(Protocol):
    """One result row, by column position or by name (SQLite's ``Row`` and the PostgreSQL record alike)."""

    def __getitem__(self, key: int | str, /) -> Any: ...


class Dialect(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"

    @property
    def share_lock(self) -> str:
        """The clause that makes a read wait for a concurrent writer of the rows it reads, and keep them.

        PostgreSQL runs transactions side by side, so a vote that reads "still open" must hold the sound-off
        row until it commits, or a close committing in between would announce results without it. SQLite has
        one writer at a time: the whole transaction is already that lock.
        """
        return " FOR SHARE" if self is Dialect.POSTGRESQL else ""


class Transaction(ABC):
    """The statements of one transaction: they commit together when the block ends, or not at all."""

    @abstractmethod
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...


class Database(ABC):
    """The shared handle of every repository: single statements, and ``transaction()`` for multi-step writes."""

    dialect: Dialect
    label: str
    """What to show a person for this database: the file path, or the URL without its password."""

    @classmethod
    async def open(cls, target: DatabaseTarget | str, *, pool_size: int | None = None) -> Database:
        """Open the file or connect to the server that ``target`` names (no migration: see ``migrate``); a server's
        connection pool holds at most ``pool_size`` connections (default: the engine's)."""
        where = parse_target(target)
        if isinstance(where, PostgresUrl):
            from bot.db.postgres import POOL_SIZE, PostgresDatabase  # psycopg is imported only in scale-out mode

            return await PostgresDatabase.connect(where, pool_size=pool_size or POOL_SIZE)
        from bot.db.sqlite import SqliteDatabase

        return await SqliteDatabase.connect(where)

    @abstractmethod
    async def close(self) -> None:
        """Close once the transactions in progress have finished, so a late write is never cut in half."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """Run a multi-step write atomically: everything inside commits together or not at all."""

    @abstractmethod
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement in its own transaction; return the number of rows it changed."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)
