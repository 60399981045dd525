"""Storage faults: the ways a database stops taking writes, in words for the member and for the operator.

SQLite says why a statement failed in its result code, PostgreSQL in its SQLSTATE; a read-only file, a full disk,
a damaged page and a file that vanished each need a different fix, so each is named once here and every adapter
shows the same sentence.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum

from bot.errors import StorageError


class StorageFault(StrEnum):
    READ_ONLY = "read-only"
    FULL = "full"
    CORRUPT = "corrupt"
    MISSING = "missing"
    IO = "io"

    @property
    def reason(self) -> str:
        """What is wrong, in a member's words (it follows "I can't save right now — ")."""
        return _REASONS[self]

    @property
    def advice(self) -> str:
        """What the operator should do about it."""
        return _ADVICE[self]

    @property
    def passes(self) -> bool:
        """Whether the next write that works ends it (space freed, permissions fixed); a damaged or vanished file
        stays so until the bot restarts on a repaired one."""
        return self not in (StorageFault.CORRUPT, StorageFault.MISSING)


_REASONS = {
    StorageFault.READ_ONLY: "the database is read-only",
    StorageFault.FULL: "the disk holding the database is full",
    StorageFault.CORRUPT: "the database file is damaged",
    StorageFault.MISSING: "the database file was deleted or replaced while I was running",
    StorageFault.IO: "the disk holding the database reported an error",
}
_ADVICE = {
    StorageFault.READ_ONLY: (
        "Make the file, its folder and its disk writable by the bot's user (on PostgreSQL: point the bot at the "
        "primary server, and check default_transaction_read_only)"
    ),
    StorageFault.FULL: "Free space on that disk (writes resume by themselves)",
    StorageFault.CORRUPT: "Stop the bot and restore the file from a backup (or salvage it with sqlite3's .recover)",
    StorageFault.MISSING: "Stop the bot, put the database back (a rescued copy is named in the log), then start it",
    StorageFault.IO: "Check the disk and the system log",
}
_BY_CODE = {
    sqlite3.SQLITE_READONLY_DBMOVED: StorageFault.MISSING,  # SQLite noticed the file unlinked under it
    sqlite3.SQLITE_READONLY: StorageFault.READ_ONLY,
    sqlite3.SQLITE_FULL: StorageFault.FULL,
    sqlite3.SQLITE_CORRUPT: StorageFault.CORRUPT,
    sqlite3.SQLITE_NOTADB: StorageFault.CORRUPT,
    sqlite3.SQLITE_IOERR: StorageFault.IO,
    sqlite3.SQLITE_CANTOPEN: StorageFault.IO,
}


_BY_SQLSTATE = {
    "25006": StorageFault.READ_ONLY,  # read_only_sql_transaction: a standby, or default_transaction_read_only
    "53100": StorageFault.FULL,  # disk_full
    "XX001": StorageFault.CORRUPT,  # data_corrupted
    "XX002": StorageFault.CORRUPT,  # index_corrupted
    "58030": StorageFault.IO,  # io_error
}


def classify_sqlstate(sqlstate: str | None) -> StorageFault | None:
    """The storage fault behind a PostgreSQL error's SQLSTATE, or None for anything else."""
    return _BY_SQLSTATE.get(sqlstate or "")


def classify(error: sqlite3.Error) -> StorageFault | None:
    """The storage fault behind an SQLite error, or None for anything else (a busy lock, a bad statement)."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    return _BY_CODE.get(code) or _BY_CODE.get(code & 0xFF)


def member_error(fault: StorageFault, *, writing: bool) -> StorageError:
    """The member's sentence: nothing was saved (or nothing could be read), and the operator knows."""
    if writing:
        return StorageError(
            f"I can't save right now — {fault.reason}. Nothing was saved, and the bot's operator has been told. "
            "Please try again later."
        )
    return StorageError(
        f"I can't read the songs right now — {fault.reason}. The bot's operator has been told. Please try again later."
    )
