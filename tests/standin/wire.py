"""HTTP plumbing: parse what the client sent, delay it, record it, answer in Discord's exact format, inject 429s.

Every request is recorded with its route template (``POST /channels/{channel_id}/messages``) so tests can
assert on what crossed the wire without matching ids.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.typedefs import Middleware

from .errors import DiscordError
from .latency import Latency
from .world import Json

API_PREFIX = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOKENLESS_PREFIXES = ("/interactions/", "/webhooks/")
BODY: web.RequestKey[Any] = web.RequestKey("standin_body")
FILES: web.RequestKey[tuple[ReceivedFile, ...]] = web.RequestKey("standin_files")


@dataclass(frozen=True)
class ReceivedFile:
    """A file part of a multipart request: ``files[index]``."""

    index: int
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it crossed the wire and the stand-in's answer."""

    method: str
    path: str
    route: str
    query: dict[str, str]
    json: Any
    files: tuple[ReceivedFile, ...]
    status: int
    response: Any
    at: float

    @property
    def error_code(self) -> int | None:
        """Discord's error ``code`` when the stand-in refused the request."""
        if self.status >= 400 and isinstance(self.response, dict):
            code = self.response.get("code")
            return int(code) if code is not None else None
        return None


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response with ``Content-Type`` exactly ``application/json`` (discord.py compares it verbatim)."""
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


def error_response(error: DiscordError) -> web.Response:
    return json_response(error.body(), status=error.status)


async def read_body(request: web.Request) -> tuple[Any, tuple[ReceivedFile, ...]]:
    """The JSON body (or multipart ``payload_json``) and the uploaded ``files[n]`` parts."""
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[ReceivedFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            data = await part.read()
            if name == "payload_json":
                payload = json.loads(data)
            elif name.startswith("files[") and name.endswith("]"):
                content_type = part.headers.get("Content-Type")
                files.append(ReceivedFile(int(name[6:-1]), part.filename or name, content_type, bytes(data)))
        return payload, tuple(files)
    raw = await request.read()
    return (json.loads(raw) if raw else None), ()


@dataclass
class RateLimitRule:
    """Answer requests to ``route`` (or, with ``share``, that fraction of all requests) with a 429."""

    route: str | None
    remaining: int | None
    retry_after: float
    is_global: bool
    share: float = 0.0


@dataclass
class RateLimiter:
    """Discord-style 429s on demand, with the headers discord.py reads (``Via`` marks it as Discord's own).

    ``per_second`` sets Discord's global limit: every request of the bot counts, whatever its route, and each
    one past it inside a second is a global 429 (counted in ``global_refusals``). discord.py keeps its limiter
    per process, so two bot processes sharing a token exceed it together: the case a shared REST proxy is for.
    As on Discord, interaction endpoints (the callback and the interaction token's webhook, which carry no bot
    token) are not bound to it; REST proxies such as @discordjs/rest do not count callbacks either.
    """

    rules: list[RateLimitRule] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    per_second: int | None = None
    global_refusals: int = 0
    _window: list[float] = field(default_factory=list)

    def limit(
        self, route: str | None, *, times: int | None = 1, retry_after: float = 0.05, is_global: bool = False
    ) -> None:
        self.rules.append(RateLimitRule(route, times, retry_after, is_global))

    def limit_share(self, share: float, *, seed: int = 0, retry_after: float = 0.05) -> None:
        self.rng.seed(seed)
        self.rules.append(RateLimitRule(None, None, retry_after, False, share))

    def clear(self) -> None:
        self.rules.clear()
        self.per_second = None

    def check(self, route: str) -> web.Response | None:
        """A 429 response when a rule or the global limit fires for this route, else ``None``."""
        if self.per_second is not None and not _tokenless(route):
            now = time.monotonic()
            self._window = [at for at in self._window if now - at < 1.0]
            if len(self._window) >= self.per_second:
                self.global_refusals += 1
                wait = max(0.01, 1.0 - (now - self._window[0]))
                return self._too_many(route, RateLimitRule(None, None, round(wait, 3), True))
            self._window.append(now)
        for rule in self.rules:
            hit = rule.route == route if rule.route else (rule.share > 0 and self.rng.random() < rule.share)
            if not hit or rule.remaining == 0:
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
            return self._too_many(route, rule)
        return None

    @staticmethod
    def _too_many(route: str, rule: RateLimitRule) -> web.Response:
        body = {"message": "You are being rate limited.", "retry_after": rule.retry_after, "global": rule.is_global}
        headers = {
            "Retry-After": str(max(1, round(rule.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + rule.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
            "X-RateLimit-Bucket": f"standin-{abs(hash(route)) % 10**8}",
            "X-RateLimit-Scope": "global" if rule.is_global else "user",
            "Via": "1.1 google",
        }
        if rule.is_global:
            headers["X-RateLimit-Global"] = "true"
        return json_response(body, status=429, headers=headers)


def _tokenless(route: str) -> bool:
    """An interaction endpoint (or another request without the bot's token): outside the bot's global limit."""
    return route.partition(" ")[2].startswith(TOKENLESS_PREFIXES)


def route_of(request: web.Request) -> str:
    """``METHOD /template`` of the matched route, without the API prefix; the raw path when unmatched."""
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    if "{tail" in canonical:
        canonical = request.path
    return f"{request.method} {canonical.removeprefix(API_PREFIX)}"


def recording_middleware(
    *,
    requests: list[RecordedRequest],
    limiter: RateLimiter,
    token: Callable[[], str],
    now: Callable[[], float],
    latency: Latency,
) -> Middleware:
    """Parse, delay (``latency``), authenticate, rate-limit, run and record every REST request."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        route = route_of(request)
        body, files = await read_body(request)
        request[BODY], request[FILES] = body, files
        delay = latency.for_route(route)
        if delay > 0:
            await asyncio.sleep(delay)
        response: web.StreamResponse
        limited = limiter.check(route)
        if limited is not None:
            response = limited
        elif not _authorised(request, token()):
            response = json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        else:
            try:
                response = await handler(request)
            except DiscordError as error:
                response = error_response(error)
        answer = None
        if isinstance(response, web.Response) and isinstance(response.body, bytes) and response.body:
            answer = json.loads(response.body) if response.content_type == "application/json" else None
        requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path.removeprefix(API_PREFIX),
                route=route,
                query=dict(request.query),
                json=body,
                files=files,
                status=response.status,
                response=answer,
                at=now(),
            )
        )
        return response

    return middleware


def _authorised(request: web.Request, token: str) -> bool:
    path = request.path.removeprefix(API_PREFIX)
    if path.startswith(TOKENLESS_PREFIXES):
        return True
    return request.headers.get("Authorization") == f"Bot {token}"


def snowflake(request: web.Request, name: str) -> int:
    """A numeric path parameter; a non-number is Discord's 50035 on that field."""
    value = request.match_info[name]
    if not value.isdigit():
        raise DiscordError(
            400,
            50035,
            "Invalid Form Body",
            {name: {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": f'Value "{value}" is not snowflake.'}]}},
        )
    return int(value)


def body_of(request: web.Request) -> Json:
    """The parsed JSON object body (empty when there was none)."""
    body = request.get(BODY)
    return body if isinstance(body, dict) else {}


def files_of(request: web.Request) -> tuple[ReceivedFile, ...]:
    files: tuple[ReceivedFile, ...] = request.get(FILES, ())
    return files
