"""Polling for client-side state the stand-in cannot observe (what the bot cached or received)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(probe: Callable[[], T | None], within: float = 2.0) -> T:
    """Poll ``probe`` every 10 ms until it returns something other than ``None``/``False``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = probe()
        if value is not None and value is not False:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.01)
