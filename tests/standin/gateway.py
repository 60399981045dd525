"""The gateway websocket: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay, intents, shards.

A session that IDENTIFYs with ``shard: [id, count]`` gets only its shard's servers, as Discord routes them:
a server's events on shard ``(guild_id >> 22) % count``, events without a server on shard 0.

With ``identify_interval`` set, IDENTIFYs obey Discord's session-start limit: one per rate-limit bucket
(``shard_id % max_concurrency``, the application's ``max_concurrency``) per that many seconds, across every
connection; one too early is answered with op 9 INVALID_SESSION (not resumable) and kept in ``identifies``.

Frames are plain TEXT JSON even when the client asks for transport compression; discord.py accepts them.
Tests can drop the connection, send RECONNECT or invalidate the session, then wait for the client to recover.
With ``latency.gateway`` set, dispatched events wait in an ordered queue and each goes out that many seconds
after it was dispatched; the caller (a REST handler, a member's action) does not wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from .latency import Latency
from .payloads import guild_create_payload, member_payload, user_payload
from .world import Json, World

log = logging.getLogger(__name__)
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
MESSAGE_CONTENT = 1 << 15
HEARTBEAT_INTERVAL_MS = 41250
EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "THREAD_CREATE": GUILDS,
    "THREAD_UPDATE": GUILDS,
    "THREAD_DELETE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "MESSAGE_CREATE": GUILD_MESSAGES,
    "MESSAGE_UPDATE": GUILD_MESSAGES,
    "MESSAGE_DELETE": GUILD_MESSAGES,
    "MESSAGE_REACTION_ADD": GUILD_MESSAGE_REACTIONS,
    "MESSAGE_REACTION_REMOVE": GUILD_MESSAGE_REACTIONS,
}
CONTENT_FIELDS = ("content", "embeds", "attachments", "components", "poll")


@dataclass(frozen=True)
class Connection:
    """One websocket the client opened: which URL (``/gateway`` or the resume URL) and query it used."""

    path: str
    query: dict[str, str]
    kind: str = "pending"


@dataclass(frozen=True)
class Identify:
    """One IDENTIFY the gateway read: when (the stand-in's monotonic clock), for which shard and bucket, and
    whether it was refused for coming too soon after the previous session start in its bucket."""

    at: float
    shard: tuple[int, int]
    bucket: int
    refused: bool = False


@dataclass(eq=False)
class Session:
    """A gateway session: survives disconnects and replays what the client missed on RESUME."""

    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)
    """(shard id, shard count) from IDENTIFY; (0, 1) for an unsharded client."""
    seq: int = 0
    backlog: list[tuple[int, str]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session's shard carries the server's events (events with no server go to shard 0)."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)


class Gateway:
    """Serves the gateway for one application and fans test-side events out to connected sessions."""

    def __init__(self, world: World, latency: Latency | None = None) -> None:
        self.world = world
        self.latency = latency or Latency()
        self.base_ws_url = "ws://127.0.0.1"
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.identified = 0
        self.identify_interval = 0.0
        """Seconds a bucket stays taken after a session starts (Discord: 5); 0, the default, enforces nothing."""
        self.identifies: list[Identify] = []
        self.resumed = 0
        self.sent: list[Json] = []
        self._changed = asyncio.Condition()
        self._sockets: set[web.WebSocketResponse] = set()
        self._delayed: deque[tuple[float, str, Json]] = deque()
        self._pump: asyncio.Task[None] | None = None

    @property
    def resume_url(self) -> str:
        return f"{self.base_ws_url}/gateway-resume"

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Run one websocket connection until either side closes it."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        index = len(self.connections)
        self.connections.append(Connection(request.path, dict(request.query)))
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(message.data)
                op, data = frame.get("op"), frame.get("d")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    self.connections[index] = Connection(request.path, dict(request.query), "identify")
                    await self._identify(ws, data)
                elif op == 6:
                    self.connections[index] = Connection(request.path, dict(request.query), "resume")
                    await self._resume(ws, data)
                elif op == 8:
                    await self._member_chunk(data)
        finally:
            self._sockets.discard(ws)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: Json) -> None:
        app = self.world.application
        if data.get("token") != app.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        disallowed = (
            (intents & MESSAGE_CONTENT and not app.message_content_intent)
            or (intents & GUILD_MEMBERS and not app.members_intent)
            or (intents & GUILD_PRESENCES and not app.presence_intent)
        )
        if disallowed:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = data.get("shard") or [0, 1]
        count = int(shard[1])
        if not 0 <= int(shard[0]) < count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return
        if not await self._session_start_allowed(ws, (int(shard[0]), count)):
            return
        session = Session(id=secrets.token_hex(16), intents=intents, shard=(int(shard[0]), count), ws=ws)
        self.sessions[session.id] = session
        owned = [g for g in self.world.guilds.values() if session.owns(g.id)]
        ready = {
            "v": 10,
            "user": user_payload(app.bot) | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in owned],
            "session_id": session.id,
            "session_type": "normal",
            "shard": list(session.shard),
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(app.id), "flags": self.application_flags()},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
        }
        async with session.lock:
            await self._deliver(session, "READY", ready)
            if intents & GUILDS:
                for guild in owned:
                    await self._deliver(session, "GUILD_CREATE", guild_create_payload(self.world, guild))
        self.identified += 1
        await self._notify()

    async def _session_start_allowed(self, ws: web.WebSocketResponse, shard: tuple[int, int]) -> bool:
        """Record the IDENTIFY; refuse it with op 9 when its bucket started a session under ``identify_interval``
        ago (a refused IDENTIFY starts nothing, so the bucket's clock keeps the last session that did start)."""
        bucket = shard[0] % max(1, self.world.application.max_concurrency)
        now = self.world.clock.monotonic()
        last = next((i.at for i in reversed(self.identifies) if i.bucket == bucket and not i.refused), None)
        since = now - last if last is not None else None
        refused = self.identify_interval > 0 and since is not None and since < self.identify_interval
        self.identifies.append(Identify(now, shard, bucket, refused))
        if refused:
            log.info(
                "stand-in gateway: IDENTIFY of shard %s refused, bucket %d started %.3fs ago", shard, bucket, since
            )
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            await self._notify()
        return not refused

    @property
    def identify_refusals(self) -> int:
        """IDENTIFYs answered with op 9 for breaking the session-start spacing."""
        return sum(1 for i in self.identifies if i.refused)

    def application_flags(self) -> int:
        """The application's gateway-intent flags, from which privileged intents are switched on."""
        app = self.world.application
        return (
            (1 << 12 if app.presence_intent else 0)
            | (1 << 14 if app.members_intent else 0)
            | (1 << 18 if app.message_content_intent else 0)
        )

    async def _resume(self, ws: web.WebSocketResponse, data: Json) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.world.application.token:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        async with session.lock:
            session.ws = ws
            seen = int(data.get("seq") or 0)
            for seq, frame in session.backlog:
                if seq > seen:
                    await ws.send_str(frame)
            await self._deliver(session, "RESUMED", {})
        self.resumed += 1
        await self._notify()

    async def _member_chunk(self, data: Json) -> None:
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        chunk = {
            "guild_id": str(guild.id),
            "members": [member_payload(m) for m in guild.members.values()],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def _deliver(self, session: Session, event: str, data: Json) -> None:
        session.seq += 1
        frame = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
        session.backlog.append((session.seq, frame))
        self.sent.append({"t": event, "s": session.seq, "d": data})
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_str(frame)

    async def dispatch(self, event: str, data: Json) -> None:
        """Send an event to every session whose intents cover it (queued for replay while disconnected); with
        ``latency.gateway`` set, queue it to go out that much later, after every event dispatched before it."""
        delay = self.latency.gateway
        if delay <= 0 and not self._delayed:
            await self._fan_out(event, data)
            return
        loop = asyncio.get_running_loop()
        self._delayed.append((loop.time() + max(delay, 0.0), event, data))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._drain(), name="standin-gateway-latency")

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._delayed:
            due, event, data = self._delayed[0]
            await asyncio.sleep(max(0.0, due - loop.time()))
            self._delayed.popleft()
            try:
                await self._fan_out(event, data)
            except ConnectionError:  # the client left mid-send; the event is in the backlog RESUME replays
                log.warning("stand-in gateway: %s not delivered, the connection closed", event)

    @property
    def in_flight(self) -> int:
        """Events dispatched but held back by ``latency.gateway``."""
        return len(self._delayed)

    async def _fan_out(self, event: str, data: Json) -> None:
        guild_id = data.get("guild_id") or (data.get("id") if event.startswith("GUILD_") else None)
        for session in list(self.sessions.values()):
            needed = EVENT_INTENTS.get(event, 0)
            if needed and not session.intents & needed:
                continue
            if not session.owns(int(guild_id) if guild_id is not None else None):
                continue
            async with session.lock:
                await self._deliver(session, event, self._visible(session, event, data))

    def _visible(self, session: Session, event: str, data: Json) -> Json:
        """Without the message-content intent, strip content unless the bot wrote it or was mentioned."""
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or session.intents & MESSAGE_CONTENT:
            return data
        bot_id = str(self.world.application.bot.id)
        mentioned = any(u.get("id") == bot_id for u in data.get("mentions", []))
        if data.get("author", {}).get("id") == bot_id or mentioned or "guild_id" not in data:
            return data
        return {k: ([] if isinstance(v, list) else "") if k in CONTENT_FIELDS else v for k, v in data.items()}

    @property
    def connected(self) -> bool:
        return any(s.ws is not None and not s.ws.closed for s in self.sessions.values())

    async def drop(self, code: int = 4000) -> None:
        """Close every live connection with ``code`` (4000 = unknown error: the client resumes)."""
        for session in self.sessions.values():
            if session.ws is not None:
                ws, session.ws = session.ws, None
                await ws.close(code=code, message=b"stand-in dropped the connection")

    async def force_reconnect(self, *, op: bool = False, within: float = 5.0) -> None:
        """Drop the connection (or send op 7 RECONNECT) and wait until the client has RESUMEd."""
        before = self.resumed
        if op:
            for session in self.sessions.values():
                if session.ws is not None:
                    await session.ws.send_str(json.dumps({"op": 7, "d": None}))
        else:
            await self.drop()
        await self.wait_for(lambda: self.resumed > before, within, "the client to RESUME")

    async def wait_resumed(self, count: int = 1, *, within: float = 5.0) -> None:
        """Wait until the client has RESUMEd ``count`` times in all."""
        await self.wait_for(lambda: self.resumed >= count, within, f"RESUME number {count}")

    async def invalidate_session(self, *, within: float = 8.0) -> None:
        """Send op 9 (not resumable), forget the session and wait for a fresh IDENTIFY.

        discord.py's ``Client.before_identify_hook`` waits 5 s before every IDENTIFY after the first; a test
        client that overrides the hook re-identifies at once.
        """
        before = self.identified
        for session_id, session in list(self.sessions.items()):
            del self.sessions[session_id]
            if session.ws is not None:
                await session.ws.send_str(json.dumps({"op": 9, "d": False}))
        await self.wait_for(lambda: self.identified > before, within, "the client to IDENTIFY again")

    async def wait_for(self, predicate: Callable[[], bool], within: float, what: str) -> None:
        """Wait until ``predicate`` holds, failing the test with ``what`` after ``within`` seconds."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), within)
            except TimeoutError:
                raise AssertionError(f"gave up after {within}s waiting for {what}") from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def close(self) -> None:
        """Drop delayed events and shut every socket down (the stand-in is stopping)."""
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        self._delayed.clear()
        for ws in list(self._sockets):
            await ws.close(code=1001)
