"""Is the bot alive? A heartbeat file while the gateway is connected, and the check a container runs on it.

A process that is running is not necessarily serving: the gateway can be down and reconnecting for minutes, or
the event loop blocked. So the running bot rewrites a small file next to its database every
``HEARTBEAT_SECONDS`` while it is connected, and ``soundoff health`` (the image's HEALTHCHECK) reports
unhealthy when that file is missing or older than ``STALE_SECONDS``, the database cannot be read or written, its
disk is full, or the beat says the bot's database refuses writes (a damaged or vanished file, which only the
running process can see). The check is a separate short-lived process, so it must not import discord.py or open
the database for writing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.database_target import DatabaseTarget, PostgresUrl
from bot.db.sqlite_file import marker_path

if TYPE_CHECKING:
    from discord import Client

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 90.0
"""Three missed beats: one slow write or a brief gateway resume does not flip the container to unhealthy."""
DISK_FULL_BELOW = 256 * 1024
"""Free space under which the disk counts as full: a write that grows the database needs a few pages and its WAL."""


def heartbeat_path(database: DatabaseTarget) -> Path | None:
    """Where the bot using ``database`` beats: beside an SQLite file, so every bot on a volume has its own.

    With a PostgreSQL server no file sits beside the URL, and several bot processes share it: each beats in its
    machine's (its container's) temporary folder, where that container's health check looks. None for an
    in-memory database.
    """
    if isinstance(database, PostgresUrl):
        return Path(tempfile.gettempdir()) / "soundoff.heartbeat"
    if str(database) == ":memory:":
        return None
    return database.with_name(database.name + ".heartbeat")


def write_heartbeat(
    path: Path, *, latency: float, guilds: int, now: float | None = None, storage_fault: str | None = None
) -> None:
    """Replace the heartbeat file atomically: the check never reads half a file.

    ``storage_fault`` is what keeps the bot's database from taking writes (its connection knows; a separate
    check process cannot see a full or damaged database without writing to it).
    """
    record = {
        "at": time.time() if now is None else now,
        "pid": os.getpid(),
        "latency_ms": round(latency * 1000) if math.isfinite(latency) else None,
        "guilds": guilds,
        "storage_fault": storage_fault,
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(record, stream)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class Heartbeat:
    """Rewrite the heartbeat file every ``interval`` seconds while ``client`` is connected to the gateway.

    A client that never connects (``soundoff sync`` logs in over REST only) never writes, and only the
    instance that wrote the file removes it, so a second process on the same volume leaves the bot's alone.
    """

    def __init__(
        self,
        client: Client,
        path: Path,
        *,
        interval: float = HEARTBEAT_SECONDS,
        check_storage: Callable[[], Awaitable[str | None]] | None = None,
    ) -> None:
        self._client = client
        self.path = path
        self._check_storage = check_storage
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._wrote = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="soundoff-heartbeat")

    async def stop(self) -> None:
        """Stop beating and remove the file: a bot that stopped cleanly is not reported as merely stale."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._wrote:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self._wrote = False

    def connected(self) -> bool:
        """Ready, not closing, and the gateway socket open (during a reconnect it is closed or not yet there)."""
        client = self._client
        if not client.is_ready() or client.is_closed():
            return False
        shards = getattr(client, "shards", None)  # a sharded client: every shard it owns must be connected
        if isinstance(shards, dict):
            return bool(shards) and not any(shard.is_closed() for shard in shards.values())
        ws = client.ws
        return ws is not None and ws.open

    async def _run(self) -> None:
        await self._client.wait_until_ready()
        while True:
            try:
                if self.connected():
                    latency, guilds = self._client.latency, len(self._client.guilds)
                    fault = await self._check_storage() if self._check_storage is not None else None
                    await asyncio.to_thread(
                        write_heartbeat, self.path, latency=latency, guilds=guilds, storage_fault=fault
                    )
                    self._wrote = True
            except Exception:  # a full or read-only volume must not stop the bot; the check will say unhealthy
                log.exception("Could not write the heartbeat file %s", self.path)
            await asyncio.sleep(self._interval)


@dataclass(frozen=True, slots=True)
class Health:
    healthy: bool
    line: str


def check(database: DatabaseTarget, *, stale_after: float = STALE_SECONDS, now: float | None = None) -> Health:
    """Read the database (read-only: a check must not create one) and the heartbeat's age; say what is wrong."""
    problem = None if isinstance(database, PostgresUrl) else _database_problem(database)  # the bot beats only
    if problem is not None:  # while it serves, and it serves only with its PostgreSQL server answering
        return Health(False, f"unhealthy: {problem}")
    path = heartbeat_path(database)
    if path is None:
        return Health(False, "unhealthy: an in-memory database has no heartbeat to check")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        beat = float(record["at"])
    except FileNotFoundError:
        return Health(False, f"unhealthy: no heartbeat at {path} (the bot is not connected to Discord)")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Health(False, f"unhealthy: unreadable heartbeat {path}: {exc}")
    age = (time.time() if now is None else now) - beat
    if age > stale_after:
        return Health(False, f"unhealthy: the last gateway heartbeat was {age:.0f} s ago (limit {stale_after:.0f} s)")
    if fault := record.get("storage_fault"):
        return Health(False, f"unhealthy: the bot can't save: {fault}")
    latency = record.get("latency_ms")
    shown = f", latency {latency} ms" if isinstance(latency, int) else ""
    return Health(True, f"healthy: database {database} readable; gateway heartbeat {max(age, 0):.0f} s ago{shown}")


def _free_bytes(folder: Path) -> int:
    """Space the bot's user may still write (root may also use the blocks reserved for it)."""
    stat = os.statvfs(folder)
    return (stat.f_bfree if os.geteuid() == 0 else stat.f_bavail) * stat.f_frsize


def _database_problem(database: Path) -> str | None:
    if str(database) == ":memory:":
        return None
    if not database.is_file():
        marker = marker_path(database)
        lost = f" (one was kept there: {marker.name} says so)" if marker.exists() else ""
        return f"no database file at {database}{lost}"
    if not os.access(database, os.W_OK) or not os.access(database.parent, os.W_OK):
        return f"the database {database} (or its folder) is not writable by uid {os.getuid()}"
    if (free := _free_bytes(database.parent)) < DISK_FULL_BELOW:
        return f"the disk holding the database {database} is full ({free // 1024} KiB left)"
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            connection.execute("PRAGMA user_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return f"cannot read the database {database}: {exc}"
    return None
