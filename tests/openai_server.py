"""A real local OpenAI-compatible HTTP server for tests: scripted replies in, recorded requests out.

The ``openai_server`` fixture starts it on 127.0.0.1 at a random port. A test scripts what the next requests
get (``server.script(Reply.json(...), Reply.status(429, retry_after="0.05"), ...)``), points the real
``openai`` client at ``server.base_url`` and then asserts on ``server.requests``. A request with nothing
scripted gets a 500 that names the problem, so an unexpected call shows up in the test.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

_DATA = re.compile(r"<data>\n(.*?)\n</data>", re.DOTALL)


@dataclass(frozen=True)
class Reply:
    """What the server answers to one chat-completions request."""

    status: int = 200
    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    error: str = "scripted failure"
    delay: float = 0.0

    @classmethod
    def json(cls, payload: object, **kwargs: Any) -> Reply:
        """A normal completion whose content is the payload as JSON."""
        return cls(content=json.dumps(payload), **kwargs)

    @classmethod
    def text(cls, content: str, finish_reason: str = "stop") -> Reply:
        """A completion with this exact content (malformed JSON, prose, code fences, an empty string)."""
        return cls(content=content, finish_reason=finish_reason)

    @classmethod
    def refused(cls, why: str = "I can't help with that.") -> Reply:
        """A completion the model refused."""
        return cls(content=None, refusal=why)

    @classmethod
    def failing(cls, status: int, retry_after: str | None = None) -> Reply:
        """An HTTP error, optionally with a Retry-After header."""
        return cls(status=status, headers={"Retry-After": retry_after} if retry_after else {})

    @classmethod
    def slow(cls, seconds: float, then: Reply | None = None) -> Reply:
        """A reply held back for ``seconds`` (beyond a client's timeout, it never arrives)."""
        base = then or cls.json({})
        return cls(base.status, base.content, base.refusal, base.finish_reason, base.headers, base.error, seconds)


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def user_text(self) -> str:
        """The last user message."""
        return next(str(m["content"]) for m in reversed(self.messages) if m["role"] == "user")

    @property
    def data(self) -> Any:
        """The JSON between the ``<data>`` delimiters of the last user message."""
        match = _DATA.search(self.user_text)
        assert match is not None, "no <data> block in the user message"
        return json.loads(match.group(1))


class OpenAIServer:
    """POST /v1/chat/completions with scriptable behaviour; every request is recorded."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Seen] = []
        self.base_url = ""
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._held: set[asyncio.Task[object]] = set()

    def script(self, *replies: Reply) -> None:
        """Queue the replies for the next requests, in order."""
        self.replies.extend(replies)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{port}/v1"

    async def stop(self) -> None:
        """Stop serving; replies still held back are dropped rather than waited for."""
        for task in self._held:
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(Seen(request.path, dict(request.headers), body, time.monotonic()))
        reply = self.replies.popleft() if self.replies else Reply(status=500, error="no reply was scripted")
        if reply.delay:
            task = asyncio.current_task()
            assert task is not None
            self._held.add(task)
            try:
                await asyncio.sleep(reply.delay)
            finally:
                self._held.discard(task)
        if reply.status != 200:
            error = {"error": {"message": reply.error, "type": "server_error", "code": str(reply.status)}}
            return _json(error, reply.status, reply.headers)
        message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
        completion = {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "test-model"),
            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        return _json(completion, 200, reply.headers)


def _json(payload: object, status: int, headers: dict[str, str]) -> web.Response:
    return web.Response(text=json.dumps(payload), status=status, headers=headers, content_type="application/json")


@pytest.fixture
async def openai_server() -> AsyncIterator[OpenAIServer]:
    """A running local OpenAI-compatible server, stopped after the test."""
    server = OpenAIServer()
    await server.start()
    yield server
    await server.stop()
