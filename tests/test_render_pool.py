"""The render pool survives a worker dying and never hangs a member on a stuck render."""

from __future__ import annotations

import os
import time

import pytest

from bot.errors import UserFacingError
from bot.render_pool import RenderPool


def _die() -> int:
    os._exit(1)


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


async def test_dead_worker_is_replaced_and_the_pool_keeps_working() -> None:
    """A worker that dies mid-call breaks the executor; the pool replaces it and the next call works."""
    pool = RenderPool(1)
    try:
        with pytest.raises(UserFacingError, match="crashed"):
            await pool.run(_die)
        assert await pool.run(abs, -3) == 3
    finally:
        pool.shutdown()


async def test_stuck_render_times_out_with_a_clear_message() -> None:
    """A call past the timeout gives the member a clear message instead of waiting forever."""
    pool = RenderPool(1)
    try:
        await pool.run(abs, 1)  # the worker is up and warm
        pool.timeout = 0.5
        with pytest.raises(UserFacingError, match="too long"):
            await pool.run(_sleep, 3.0)
    finally:
        pool.shutdown()
