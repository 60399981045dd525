"""The SQLite file's life on disk: known to have existed, still the file the process opened, rescued when it is not.

A running process keeps reading and writing a database file that was deleted (its descriptors still name the old
inode), so without a check its writes are acknowledged and then vanish at exit; and SQLite creates an empty
database wherever it is pointed, so a start after that would silently begin again with nothing. Hence:

- a marker file beside the database, written when the database is first created (or first opened by a version
  that knows about markers), says that a database lives here. A start that finds the marker without the database
  refuses, saying how to restore or how to start fresh; a first start on a fresh machine finds neither.
- the device and inode of the opened file are checked against the path before every commit; a path that no
  longer names them stops the write before it is acknowledged.
- what the process still holds of a vanished file is copied to a ``.rescued-…`` file beside where it was.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from bot.db.connection import DatabaseOpenError

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".created"
RESCUED_INFIX = ".rescued-"


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """Which file a path named when it was opened (a replaced or deleted file has another, or none)."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(stat.st_dev, stat.st_ino)


def marker_path(database: Path) -> Path:
    return database.with_name(database.name + MARKER_SUFFIX)


def rescued_copies(database: Path) -> list[Path]:
    """Copies the bot saved of this database when it vanished, oldest first (their names sort by time)."""
    if not database.parent.is_dir():
        return []
    return sorted(database.parent.glob(database.name + RESCUED_INFIX + "*"))


def rescue_path(database: Path, now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    return database.with_name(f"{database.name}{RESCUED_INFIX}{stamp}")


def refuse_if_lost(database: Path) -> None:
    """Raise DatabaseOpenError when ``database`` is missing but its folder shows Sound Off kept one there."""
    if database.exists():
        return
    marker, rescued = marker_path(database), rescued_copies(database)
    if not marker.exists() and not rescued:
        return  # a first start: nothing says a database was ever here
    if rescued:
        restore = (
            f"{rescued[-1]} is the copy the bot saved when the file disappeared: rename it to {database.name} "
            "to carry on"
        )
    else:
        restore = "restore it from your backup"
    fresh = " and ".join(str(p) for p in [marker, *rescued] if p.exists())
    raise DatabaseOpenError(
        f"the database {database} is missing, but {marker.name if marker.exists() else rescued[-1].name} shows one "
        f"was kept there, so an empty one is not created in its place: {restore}; or, to start fresh with an empty "
        f"database, delete {fresh}"
    )


def mark_created(database: Path) -> None:
    """Leave the marker beside a database that exists (a folder the bot cannot write is told elsewhere)."""
    marker = marker_path(database)
    if marker.exists():
        return
    try:
        marker.write_text(
            f"Sound Off keeps its database {database.name} in this folder (since "
            f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}).\n"
            f"While this file is here, Sound Off refuses to start without {database.name} rather than start empty.\n"
            f"To start fresh on purpose, delete {database.name} and this file.\n",
            encoding="utf-8",
        )
    except OSError as exc:
        log.warning("Could not write the database marker %s: %s", marker, exc.strerror or exc)
