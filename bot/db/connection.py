"""The database the repositories talk to, whichever engine holds it: SQLite (embedded) or PostgreSQL (scale-out).

Repositories write their SQL once, with ``?`` placeholders, in the subset both engines share (``RETURNING``,
``ON CONFLICT … DO UPDATE … WHERE``, partial indexes). Where the engines differ in what a statement must say
to be correct, the ``Dialect`` says it (one clause today), so the difference is named rather than branched on.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from enum import StrEnum
from typing import Any, Protocol

from bot.database_target import DatabaseTarget, PostgresUrl, parse_target
from bot.db.faults import StorageFault, member_error
from bot.errors import StartupError, StorageError

log = logging.getLogger(__name__)

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

    _fault: StorageFault | None = None

    @property
    def storage_fault(self) -> str | None:
        """What keeps the database from taking writes now, for the operator (``soundoff health``); None: nothing."""
        if self._fault is None:
            return None
        return f"{self._fault.reason} ({self.label}): {self._fault.advice}"

    async def check_storage(self) -> str | None:
        """Look for a fault that needs no write to be seen (a vanished file), then say what ``storage_fault`` says."""
        return self.storage_fault

    def _fault_found(self, fault: StorageFault, detail: str, *, writing: bool) -> StorageError:
        """Log a fault for the operator when it begins (then once per refused request, quieter), remember it, and
        return the member's error. A read-only or full database only ever refuses writes."""
        writing = writing or fault in (StorageFault.READ_ONLY, StorageFault.FULL)
        action = "write to" if writing else "read"
        if fault is not self._fault:
            log.error(
                "Storage fault: cannot %s %s: %s (%s). %s.", action, self.label, fault.reason, detail, fault.advice
            )
        else:
            log.warning("Storage fault persists: cannot %s %s: %s (%s)", action, self.label, fault.reason, detail)
        self._fault = fault
        return member_error(fault, writing=writing)

    def _raise_fault(self, fault: StorageFault | None, error: BaseException, *, writing: bool) -> None:
        """Raise the member's StorageError for ``error`` when it is a storage fault; return when it is not."""
        if fault is not None:
            raise self._fault_found(fault, str(error), writing=writing) from error

    def _write_worked(self) -> None:
        """A write committed: a fault that passes (space freed, permissions fixed) is over."""
        if self._fault is not None and self._fault.passes:
            log.info("Writes to the database %s work again", self.label)
            self._fault = None

    @classmethod
    async def open(cls, target: DatabaseTarget | str) -> Database:
        """Open the file or connect to the server that ``target`` names (no migration: see ``migrate``)."""
        where = parse_target(target)
        if isinstance(where, PostgresUrl):
            from bot.db.postgres import PostgresDatabase  # psycopg is imported only in scale-out mode

            return await PostgresDatabase.connect(where)
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
