"""The playground's web application: routes, static files, middlewares and the sound-off clock's lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from importlib.resources import files
from pathlib import Path

from aiohttp import web

from bot.playground import api_songs, api_soundoffs
from bot.playground.context import PLAYGROUND, Playground
from bot.playground.guard import add_security_headers, errors, same_machine
from bot.workshop.workshop import Workshop

log = logging.getLogger(__name__)

STATIC = Path(str(files("bot.playground") / "static"))


def build_app(workshop: Workshop, *, loopback_only: bool = True) -> web.Application:
    """The playground on ``workshop``; ``loopback_only`` refuses requests addressed to any other host name."""
    app = web.Application(middlewares=[same_machine(loopback_only), errors])
    app[PLAYGROUND] = Playground.around(workshop)
    app.router.add_get("/", index)
    app.router.add_get("/api/events", app[PLAYGROUND].feed.stream)
    app.add_routes(api_songs.routes)
    app.add_routes(api_soundoffs.routes)
    app.router.add_static("/static/", STATIC, append_version=False)
    app.on_response_prepare.append(add_security_headers)
    app.on_shutdown.append(_end_streams)
    app.cleanup_ctx.append(_clock)
    return app


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def _end_streams(app: web.Application) -> None:
    app[PLAYGROUND].feed.close()


async def _clock(app: web.Application) -> AsyncIterator[None]:
    """Run the workshop's sound-off clock while the app serves: deadlines close, results are announced."""
    playground = app[PLAYGROUND]
    task = asyncio.create_task(playground.workshop.clock.run(), name="playground-soundoff-clock")
    task.add_done_callback(_log_crash)
    yield
    await playground.early_ends.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _log_crash(task: asyncio.Task[None]) -> None:
    """The clock handles each sound-off's errors itself; should it stop all the same, say so."""
    if not task.cancelled() and task.exception() is not None:
        log.error("The sound-off clock stopped; deadlines will not close", exc_info=task.exception())
