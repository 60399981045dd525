"""IDENTIFY spacing across every process of a sharded bot, through PostgreSQL advisory locks.

Discord starts at most one session per rate-limit bucket (``shard_id % max_concurrency``) every 5 seconds for
the whole bot, and answers an IDENTIFY that comes too early with op 9 INVALID_SESSION. discord.py spaces the
shards of one process only, so each IDENTIFY here first takes the bucket's session-level advisory lock on a
connection of its own and keeps it until ``interval`` seconds after the IDENTIFY was let through: the next
process waiting on that bucket goes no sooner. A process that dies closes its connection, and its lock goes with
it; different buckets proceed side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from typing import Any

import psycopg

from bot.db.postgres import PostgresDatabase

log = logging.getLogger(__name__)

IDENTIFY_LOCK_NAMESPACE = 0x534F4944  # "SOID": the first key of pg_advisory_lock(int, int); the bucket is the second


class IdentifyGate:
    """Admits one IDENTIFY per bucket per ``interval`` seconds across every process on the same database."""

    def __init__(self, db: PostgresDatabase, *, interval: float, max_concurrency: int = 1) -> None:
        self._db = db
        self.interval = interval
        self.max_concurrency = max_concurrency
        self._turns: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # half the pool at most, one per bucket in turn: the repositories always keep the rest
        self._connections = asyncio.Semaphore(max(1, db.pool_size // 2))
        self._holds: set[asyncio.Task[None]] = set()

    @property
    def max_concurrency(self) -> int:
        """How many buckets Discord runs (``session_start_limit.max_concurrency`` of ``GET /gateway/bot``)."""
        return self._max_concurrency

    @max_concurrency.setter
    def max_concurrency(self, value: int) -> None:
        self._max_concurrency = max(1, int(value))

    def bucket(self, shard_id: int) -> int:
        """The rate-limit bucket Discord counts this shard's IDENTIFY in."""
        return shard_id % self.max_concurrency

    async def admit(self, shard_id: int) -> None:
        """Return once this shard may IDENTIFY; its bucket stays taken ``interval`` seconds from now.

        If the database fails, space this process's IDENTIFYs alone (as discord.py would) rather than not
        connecting: Discord's worst answer is an op 9, after which discord.py identifies again.
        """
        bucket = self.bucket(shard_id)
        admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        hold = asyncio.create_task(self._hold(bucket, admitted), name=f"soundoff-identify-bucket-{bucket}")
        self._holds.add(hold)
        hold.add_done_callback(self._holds.discard)
        try:
            await asyncio.shield(admitted)
        except asyncio.CancelledError:
            hold.cancel()  # nobody will identify on this turn: stop waiting for the lock
            raise
        except (psycopg.Error, OSError) as exc:
            log.warning("IDENTIFY gate unavailable (%s): shard %d waits %.1fs on its own", exc, shard_id, self.interval)
            await asyncio.sleep(self.interval)

    async def _hold(self, bucket: int, admitted: asyncio.Future[None]) -> None:
        """Take the bucket's lock, let the IDENTIFY through, release the lock ``interval`` seconds later."""
        try:
            async with self._turns[bucket], self._connections, self._db.session() as conn:
                await _locked_for(conn, bucket, self.interval, admitted)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not admitted.done():
                admitted.set_exception(exc)
            else:
                log.warning("IDENTIFY gate: releasing bucket %d failed: %s", bucket, exc)

    async def close(self) -> None:
        """Stop waiting and holding; a lock still held goes with its connection."""
        for hold in list(self._holds):
            hold.cancel()
        for hold in list(self._holds):
            with contextlib.suppress(asyncio.CancelledError):
                await hold


async def _locked_for(
    conn: psycopg.AsyncConnection[Any], bucket: int, interval: float, admitted: asyncio.Future[None]
) -> None:
    """Hold the bucket's advisory lock on ``conn`` from admission until ``interval`` seconds later.

    On any way out but the clean unlock (a cancel mid-wait, a failed statement) the connection is closed instead:
    a pool connection must never go back still holding a session lock, and the server drops it with the session.
    """
    released = False
    try:
        await conn.execute("SELECT pg_advisory_lock(%s, %s)", (IDENTIFY_LOCK_NAMESPACE, bucket))
        if not admitted.done():
            admitted.set_result(None)
        await asyncio.sleep(interval)
        await conn.execute("SELECT pg_advisory_unlock(%s, %s)", (IDENTIFY_LOCK_NAMESPACE, bucket))
        released = True
    finally:
        if not released:
            await conn.close()
