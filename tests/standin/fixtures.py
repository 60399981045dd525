"""Pytest plugin: a running stand-in with discord.py pointed at it, a client starter and a log guard.

Enable with ``pytest_plugins = ["tests.standin.fixtures"]`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Protocol, TypeVar

import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_endpoints import apply_endpoints

from .server import StandIn

ClientT = TypeVar("ClientT", bound=discord.Client)


class StartClient(Protocol):
    """The ``start_client`` fixture's signature: returns the same client, logged in and ready."""

    async def __call__(self, client: ClientT, *, within: float = 5.0, token: str | None = None) -> ClientT: ...


SLOW_READY_SECONDS = 1.0


class LogGuard(logging.Handler):
    """Collects ERROR records of watched loggers; discord.py logs and swallows handler exceptions."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._allowed: list[str] = []
        self._watched: list[logging.Logger] = []
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def watch(self, name: str) -> None:
        """Also fail on ERRORs of this logger (e.g. the bot's own ``bot`` or ``cogs``)."""
        logger = logging.getLogger(name)
        logger.addHandler(self)
        self._watched.append(logger)

    def allow(self, fragment: str) -> None:
        """Expect ERROR records whose message contains ``fragment``."""
        self._allowed.append(fragment)

    def unexpected(self) -> list[str]:
        """Formatted ERROR records (with tracebacks) no ``allow`` covers."""
        return [self.format(r) for r in self.records if not any(f in r.getMessage() for f in self._allowed)]

    def detach(self) -> None:
        for logger in self._watched:
            logger.removeHandler(self)


@pytest.fixture
def discord_log_guard() -> Iterator[LogGuard]:
    """Fail the test when the ``discord`` logger recorded an ERROR the test did not ``allow``."""
    guard = LogGuard()
    guard.watch("discord")
    yield guard
    guard.detach()
    errors = guard.unexpected()
    if errors:
        pytest.fail("discord logged errors:\n" + "\n\n".join(errors), pytrace=False)


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A running stand-in with discord.py's REST base and gateway pointed at it (restored afterwards).

    The test fails at teardown on an interaction left unacknowledged (late or never) or a call to a route
    Discord lacks; use ``handle.allow_no_answer()`` or clear ``standin.unknown_routes`` when a test provokes
    them on purpose.

    Every stand-in starts instant and ageless; a test opts into Discord's timing with ``standin.latency``
    (``cdn``, ``rest``, ``routes``, ``gateway``), ``handle.expire_token()`` and ``standin.modal_left_open``.
    """
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    server = StandIn()
    await server.start()
    apply_endpoints(server.api_base_url, server.gateway_url)
    try:
        yield server
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
        await server.stop()
    problems = server.problems()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
async def start_client(standin: StandIn, discord_log_guard: LogGuard) -> AsyncIterator[StartClient]:
    """``await start_client(client)`` logs a client in against the stand-in and returns once it is ready.

    Build the client with ``guild_ready_timeout=0.05``: discord.py otherwise waits 2 s before ``on_ready``.
    Every started client is closed at teardown.
    """
    started: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(client: ClientT, *, within: float = 5.0, token: str | None = None) -> ClientT:
        began = time.monotonic()
        task = asyncio.create_task(client.start(token or standin.token), name=f"standin-client-{len(started)}")
        started.append((client, task))
        while not client.is_ready():
            if task.done():
                started.remove((client, task))
                task.result()
                raise AssertionError("the client stopped before it was ready")
            if time.monotonic() - began > within:
                raise AssertionError(f"the client was not ready after {within}s")
            await asyncio.sleep(0.01)
        if time.monotonic() - began > SLOW_READY_SECONDS:
            warnings.warn("client took over 1 s to get ready: pass guild_ready_timeout=0.05", stacklevel=2)
        return client

    yield start
    for client, task in reversed(started):
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task
