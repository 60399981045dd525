"""The job queue bot processes hand work to and workers take it from: procrastinate on the bot's PostgreSQL.

A job is at-least-once: a worker killed mid-job has it retried by another, so every job's effect is idempotent
(a draft is found by its request id, a sound-off closes once). Deferring needs only the task's name, so bot
processes never import the worker's Discord-side code.
"""

from __future__ import annotations

import datetime
from typing import Any

import procrastinate
from pydantic import TypeAdapter

from bot.database_target import PostgresUrl
from bot.db.connection import Transaction
from bot.db.postgres import PostgresTransaction
from bot.jobs import schema
from bot.settings import QUEUE_POOL
from bot.workshop.requests import DraftRequest

DRAFT_TASK = "soundoff.draft"
CLOSE_TASK = "soundoff.close_soundoff"
DRAFTS_QUEUE = "drafts"
DEADLINES_QUEUE = "deadlines"
MAINTENANCE_QUEUE = "maintenance"
_REQUEST = TypeAdapter(DraftRequest)


def build_app(url: PostgresUrl) -> procrastinate.App:
    """A procrastinate app on the bot's database; jobs are deleted once done (a draft's job holds its token)."""
    connector = procrastinate.PsycopgConnector(conninfo=url.conninfo, min_size=1, max_size=QUEUE_POOL)
    return procrastinate.App(connector=connector, worker_defaults={"delete_jobs": "successful"})


def request_args(request: DraftRequest) -> dict[str, Any]:
    return {"request": _REQUEST.dump_python(request, mode="json")}


def request_from(args: dict[str, Any]) -> DraftRequest:
    return _REQUEST.validate_python(args)


class JobQueue:
    """What a bot process defers; opened with the database in scale-out mode (``SOUNDOFF_RENDER_QUEUE``)."""

    def __init__(self, app: procrastinate.App) -> None:
        self.app = app

    @classmethod
    async def open(cls, url: PostgresUrl) -> JobQueue:
        await schema.upgrade(url)
        app = build_app(url)
        await app.open_async()
        return cls(app)

    async def close(self) -> None:
        await self.app.close_async()

    async def draft(self, request: DraftRequest, *, within: Transaction | None = None) -> int:
        """Queue a draft (``within`` a transaction of the bot's database, committed with it); a second deferral of
        the same request while the first waits is refused by its lock."""
        task = self.app.configure_task(
            DRAFT_TASK,
            queue=DRAFTS_QUEUE,
            queueing_lock=f"draft-{request.request_id}",
            allow_unknown=True,
            connection=within.connection if isinstance(within, PostgresTransaction) else None,
        )
        return await task.defer_async(**request_args(request))

    async def close_at(self, soundoff_id: int, ends_at: float) -> int | None:
        """Queue a sound-off's closing at its deadline (once: a second deferral finds the lock taken)."""
        task = self.app.configure_task(
            CLOSE_TASK,
            queue=DEADLINES_QUEUE,
            queueing_lock=f"close-{soundoff_id}",
            schedule_at=datetime.datetime.fromtimestamp(ends_at, datetime.UTC),
            allow_unknown=True,
        )
        try:
            return await task.defer_async(soundoff_id=soundoff_id)
        except procrastinate.exceptions.AlreadyEnqueued:
            return None
