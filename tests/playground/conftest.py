"""Fixtures for the playground: its app on a fresh SQLite file (its embedded default), served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.playground.app import build_app
from bot.playground.context import PLAYGROUND, Playground
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from bot.workshop.workshop import Workshop


@pytest.fixture
async def playground_services(tmp_path: Path, render_pool: RenderPool) -> AsyncIterator[Services]:
    """The resources on a fresh SQLite file, the offline writer, the shared render pool and no cooldown."""
    settings = Settings(  # type: ignore[call-arg]  # pydantic-settings' init-only keyword
        _env_file=None, SOUNDOFF_DATABASE=str(tmp_path / "playground.db"), SOUNDOFF_COOLDOWN_SECONDS=0
    )
    opened = await Services.open(settings, pool=render_pool)
    yield opened
    await opened.close()


@pytest.fixture
async def client(playground_services: Services) -> AsyncIterator[TestClient[object, object]]:
    """An HTTP client for the playground app, served by aiohttp on 127.0.0.1."""
    app = build_app(Workshop(playground_services))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


def playground(client: TestClient[object, object]) -> Playground:
    """The playground behind a test client (its workshop, board and caches)."""
    return client.app[PLAYGROUND]  # type: ignore[index]  # the test client's app is the playground's
