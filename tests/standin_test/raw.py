"""Plain HTTP to the stand-in, bypassing discord.py, so a test can send a payload the library would never build
and read Discord's error body (with its inner ``errors`` codes, which ``HTTPException.text`` drops)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.standin import InteractionHandle, StandIn


@dataclass(frozen=True)
class Answer:
    """The stand-in's status and parsed JSON body (``None`` for an empty one)."""

    status: int
    body: Any

    @property
    def code(self) -> int | None:
        """Discord's top-level error ``code``."""
        return self.body.get("code") if isinstance(self.body, dict) else None

    def errors_at(self, path: str) -> list[str]:
        """The inner error codes at a dotted ``errors`` path (``""`` for request-level errors)."""
        node: Any = self.body.get("errors", {}) if isinstance(self.body, dict) else {}
        for part in (p for p in path.split(".") if p):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return [e["code"] for e in node.get("_errors", [])] if isinstance(node, dict) else []


async def call(standin: StandIn, method: str, path: str, body: Any = None) -> Answer:
    """``method`` ``/api/v10{path}`` with the bot's token and a JSON body."""
    headers = {"Authorization": f"Bot {standin.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{standin.api_base_url}{path}", json=body, headers=headers) as response,
    ):
        raw = await response.read()
        return Answer(response.status, await response.json() if raw else None)


async def respond(standin: StandIn, handle: InteractionHandle, kind: int, data: Any) -> Answer:
    """Answer an interaction's callback directly, as the bot would."""
    path = f"/interactions/{handle.record.id}/{handle.record.token}/callback"
    return await call(standin, "POST", path, {"type": kind, "data": data})


async def followup(standin: StandIn, handle: InteractionHandle, body: Any) -> Answer:
    """Send a follow-up on the interaction's webhook."""
    return await call(standin, "POST", f"/webhooks/{standin.world.application.id}/{handle.record.token}?wait=1", body)
