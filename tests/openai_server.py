"""A real local OpenAI-compatible HTTP server for tests: scripted replies in, recorded requests out.

The ``openai_server`` fixture starts it on 127.0.0.1 at a random port. A test scripts what the next requests
get (``server.script(Reply.json(...), Reply.status(429, retry_after="0.05"), ...)``), points the real
``openai`` client at ``server.base_url`` and then asserts on ``server.requests``. A request with nothing
scripted gets a 500 that names the problem, so an unexpected call shows up in the test.

``server.behave_like(name)`` makes it answer as one of the real servers in :data:`PROFILES` does (measured on
llama-cpp-python 0.3.36 and llama.cpp's ``llama-server``; the others from their documentation): which
``response_format`` types it takes, the status and error body it sends for the others (without using up a
scripted reply), how it cuts a reply at ``max_tokens`` (or at its context size when none is sent) with
``finish_reason: "length"``, and how fast it generates. :data:`JUNK` holds the replies small local models
really gave; ``Reply.looping`` and ``Reply.trickle`` the runaway and the slow stream.
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
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from aiohttp import web

_DATA = re.compile(r"<data>\n(.*?)\n</data>", re.DOTALL)
CHARS_PER_TOKEN = 4
"""The double's tokenizer: every four characters of content are one token."""


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
    trickle: float = 0.0
    """Seconds over which the body is sent in small pieces after the headers (a slow stream)."""
    body: object | None = None
    """An exact error body, for servers whose errors are not OpenAI-shaped."""

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
    def failing(cls, status: int, retry_after: str | None = None, error: str = "scripted failure") -> Reply:
        """An HTTP error, optionally with a Retry-After header."""
        return cls(status=status, headers={"Retry-After": retry_after} if retry_after else {}, error=error)

    @classmethod
    def slow(cls, seconds: float, then: Reply | None = None) -> Reply:
        """A reply held back for ``seconds`` (beyond a client's timeout, it never arrives)."""
        return replace(then or cls.json({}), delay=seconds)

    @classmethod
    def trickling(cls, seconds: float, then: Reply | None = None) -> Reply:
        """Headers at once, then the body a few bytes at a time over ``seconds``: httpx's read timeout never fires."""
        return replace(then or cls.json({}), trickle=seconds)

    @classmethod
    def looping(cls, line: str = "And the night goes on and on", label: str = "Verse 1") -> Reply:
        """A small model stuck inside ``lines``: the same line forever, never closing the JSON."""
        head = json.dumps({"title": "Night", "sections": [{"label": label, "lines": []}]})[:-4]
        return cls(content=head + ", ".join([json.dumps(line)] * 2000))


@dataclass(frozen=True)
class Profile:
    """How one real OpenAI-compatible server behaves towards a client."""

    name: str
    formats: frozenset[str]
    """The ``response_format`` types it accepts (a request without one is always accepted)."""
    rejection: int
    """The HTTP status it answers an unsupported ``response_format`` with."""
    context: int = 4096
    """Tokens it generates at most when the request sends no ``max_tokens`` (the context size)."""
    tokens_per_second: float | None = None
    """Generation speed; None answers at once."""

    def error_body(self, kind: str) -> object:
        """Its error body for an unsupported ``response_format`` type, in its own shape."""
        if self.name == "llama-cpp-python":
            detail = (
                "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
                "'msg': \"Input should be 'text' or 'json_object'\", 'input': '" + kind + "', "
                "'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \"llama_cpp/server/app.py\", line 376"
            )
            return {"error": {"message": detail, "type": "internal_server_error", "param": None, "code": None}}
        if self.name == "lm-studio":
            return {"error": "'response_format.type' must be 'json_schema' or 'text'"}
        message = f"response_format type '{kind}' is not supported"
        if self.name == "vllm":
            return {"object": "error", "message": message, "type": "BadRequestError", "param": None, "code": 400}
        if self.name == "llama-server":
            return {"error": {"code": 400, "message": message, "type": "invalid_request_error"}}
        return {
            "error": {"message": message, "type": "invalid_request_error", "param": "response_format", "code": None}
        }


_ALL = frozenset({"text", "json_object", "json_schema"})
PROFILES: dict[str, Profile] = {
    "openai": Profile("openai", _ALL, 400, context=16384),
    "ollama": Profile("ollama", _ALL, 400),
    "vllm": Profile("vllm", _ALL, 400),
    "llama-server": Profile("llama-server", _ALL, 400),
    "llama-cpp-python": Profile("llama-cpp-python", frozenset({"text", "json_object"}), 500, context=3544),
    "lm-studio": Profile("lm-studio", frozenset({"text", "json_schema"}), 400),
    "lenient": Profile("lenient", _ALL, 400, context=1_000_000),
}
"""The servers the writer must work with; "lenient" is the double's old accept-anything behaviour."""

JUNK: dict[str, object] = {
    "letters": {"title": "Night Drive", "sections": [{"label": "Verse 1", "lines": ["a", "b", "a", "b"]}]},
    "prose_line": {"title": "Night Drive", "sections": [{"label": "Verse 1", "lines": ["We drove and " * 75]}]},
    "repair_title": {
        "title": "Your Song Does Not Yet Meet the Brief",
        "sections": [{"label": "Verse 1", "lines": ["We drive into the night", "The road is burning bright"]}],
    },
    "odd_labels": {"title": "Night Drive", "sections": [{"label": "You absolute idiot", "lines": []}]},
    "label_lines": {"title": "Night Drive", "sections": [{"label": "Chorus:", "lines": ["Chorus:", "[Verse 1]"]}]},
    "blank_lines": {"label": "Chorus", "lines": [""]},
    "blank_song": {"title": "", "sections": [{"label": "Verse 1", "lines": ["", " "]}]},
}
"""Replies small local models gave the old writer (issue 13), to hold the quality floor to."""


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

    @property
    def format(self) -> str:
        """The ``response_format`` type asked for ("none" when the request sends none)."""
        response_format = self.body.get("response_format")
        return str(response_format.get("type")) if isinstance(response_format, dict) else "none"


class OpenAIServer:
    """POST /v1/chat/completions with scriptable behaviour; every request is recorded."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Seen] = []
        self.statuses: list[int] = []
        """The HTTP status of each answer, in the order of ``requests``."""
        self.profile = PROFILES["lenient"]
        self.base_url = ""
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._held: set[asyncio.Task[object]] = set()

    def script(self, *replies: Reply) -> None:
        """Queue the replies for the next requests, in order."""
        self.replies.extend(replies)

    def behave_like(self, name: str, **changes: Any) -> OpenAIServer:
        """Answer as the named server in :data:`PROFILES` does (``tokens_per_second=…`` and such may be changed)."""
        self.profile = replace(PROFILES[name], **changes)
        return self

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

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        seen = Seen(request.path, dict(request.headers), body, time.monotonic())
        self.requests.append(seen)
        problem = request_problem(body, strict_schemas=self.profile.name == "openai")
        if problem is not None:  # every server refuses a malformed request before it generates anything
            self.statuses.append(400)
            error = {"message": problem, "type": "invalid_request_error", "param": None, "code": None}
            return _json({"error": error}, 400, {})
        kind = seen.format
        if kind != "none" and kind not in self.profile.formats:
            self.statuses.append(self.profile.rejection)
            return _json(self.profile.error_body(kind), self.profile.rejection, {})
        reply = self.replies.popleft() if self.replies else Reply(status=500, error="no reply was scripted")
        reply = self._generate(reply, body)
        self.statuses.append(reply.status)
        if reply.delay:
            await self._hold(reply.delay)
        if reply.status != 200:
            error = reply.body or {"error": {"message": reply.error, "type": "server_error", "code": str(reply.status)}}
            return _json(error, reply.status, reply.headers)
        message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
        tokens = len(reply.content or "") // CHARS_PER_TOKEN + 1
        completion = {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "test-model"),
            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}],
            "usage": {"prompt_tokens": 1, "completion_tokens": tokens, "total_tokens": tokens + 1},
        }
        if reply.trickle:
            return await self._trickle(request, json.dumps(completion).encode(), reply.trickle)
        return _json(completion, 200, reply.headers)

    def _generate(self, reply: Reply, body: dict[str, Any]) -> Reply:
        """Cut the content where the server would stop generating, and take as long as generating it would."""
        if reply.status != 200 or reply.content is None:
            return reply
        limit = body.get("max_tokens") or body.get("max_completion_tokens") or self.profile.context
        limit = min(int(limit), self.profile.context)
        content, finish = reply.content, reply.finish_reason
        if len(content) > limit * CHARS_PER_TOKEN:
            content, finish = content[: limit * CHARS_PER_TOKEN], "length"
        delay = reply.delay
        if self.profile.tokens_per_second:
            delay += len(content) / CHARS_PER_TOKEN / self.profile.tokens_per_second
        return replace(reply, content=content, finish_reason=finish, delay=delay)

    async def _hold(self, seconds: float) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._held.add(task)
        try:
            await asyncio.sleep(seconds)
        finally:
            self._held.discard(task)

    async def _trickle(self, request: web.Request, data: bytes, seconds: float) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        response.content_length = len(data)
        await response.prepare(request)
        pieces = max(1, len(data) // 8)
        for start in range(0, len(data), 8):
            await response.write(data[start : start + 8])
            await self._hold(seconds / pieces)
        await response.write_eof()
        return response


ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})


def request_problem(body: object, *, strict_schemas: bool) -> str | None:
    """What a real chat-completions server refuses (400) in a request, or None.

    Every server wants a model and a non-empty list of role/content messages, and a positive ``max_tokens``.
    OpenAI's strict structured outputs also refuse a schema in which an object does not set
    ``additionalProperties: false`` or does not require every one of its properties.
    """
    if not isinstance(body, dict) or not isinstance(body.get("model"), str) or not body["model"]:
        return "Missing required parameter: 'model'."
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "Missing required parameter: 'messages'."
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES or "content" not in message:
            return f"Invalid value for 'messages[{index}]': each message needs a role and content."
    limit = body.get("max_tokens", body.get("max_completion_tokens"))
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        return "Invalid 'max_tokens': integer below minimum value 1."
    response_format = body.get("response_format")
    if strict_schemas and isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema") or {}
        if spec.get("strict"):
            return _strict_schema_problem(spec.get("schema"), "schema")
    return None


def _strict_schema_problem(schema: object, where: str) -> str | None:
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "object":
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return f"Invalid schema for response_format: In context={where}, 'additionalProperties' must be false."
        if sorted(schema.get("required") or []) != sorted(properties):
            return f"Invalid schema for response_format: In context={where}, 'required' must list every property."
        for name, child in properties.items():
            if problem := _strict_schema_problem(child, f"{where}.{name}"):
                return problem
    if schema.get("type") == "array":
        return _strict_schema_problem(schema.get("items"), f"{where}.items")
    return None


def _json(payload: object, status: int, headers: dict[str, str]) -> web.Response:
    return web.Response(text=json.dumps(payload), status=status, headers=headers, content_type="application/json")


@pytest.fixture
async def openai_server() -> AsyncIterator[OpenAIServer]:
    """A running local OpenAI-compatible server, stopped after the test."""
    server = OpenAIServer()
    await server.start()
    yield server
    await server.stop()
