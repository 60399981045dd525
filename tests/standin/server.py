"""The stand-in: a local Discord (REST + gateway on 127.0.0.1) for one bot, and a member's side of it.

Start it in the test's event loop, point discord.py at ``api_base_url``/``gateway_url`` and drive the bot the
way members would: slash commands, clicks, modals, context menus and messages. Each call dispatches the real
gateway event and returns what a test asserts on.

``latency`` slows the CDN, REST and gateway on request and ``downloads`` shows when each attachment was
fetched; ``modal_left_open`` stands for a modal a member kept open while the bot restarted, so its submit
reaches a bot that never opened it.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from aiohttp import web

from . import messages
from .commands import CHAT_INPUT, MESSAGE_COMMAND, USER_COMMAND
from .core import Core
from .errors import DiscordError
from .gateway import Gateway
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    MODAL_SUBMIT,
    DeadlineMiss,
    InteractionHandle,
    InteractionLog,
    InteractionRecord,
    OpenedModal,
)
from .invocations import Resolved, chat_input_data, context_menu_data, interaction_envelope, modal_submit_data
from .latency import Download, Latency
from .limits_components import check_modal
from .mentions import Ping
from .payloads import message_payload
from .routes_app import AppRoutes
from .routes_channels import ChannelRoutes
from .routes_interactions import InteractionRoutes
from .wire import RateLimiter, RecordedRequest, recording_middleware
from .world import IS_VOICE_MESSAGE, Channel, Json, Member, Perm, Role, Scene, StoredMessage, Upload, World, build_scene

CHAT_INPUT_MESSAGE, CONTEXT_MENU_MESSAGE = 20, 23
SELECT_TYPES = (3, 5, 6, 7, 8)


class StandIn:
    """A local Discord for one bot, with the default ``scene`` already built into its ``world``."""

    def __init__(self, *, bot_name: str = "Sound Off", token: str = "standin-bot-token") -> None:
        self.world = World(bot_name=bot_name, token=token)
        self.scene: Scene = build_scene(self.world)
        self.core = Core(self.world)
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        self.rate_limits = RateLimiter()
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def gateway(self) -> Gateway:
        return self.core.gateway

    @property
    def interactions(self) -> InteractionLog:
        return self.core.log

    @property
    def pings(self) -> list[Ping]:
        """Every notification the bot's messages caused (worst case: as if it had Mention Everyone)."""
        return self.core.pings

    @property
    def deadline_misses(self) -> list[DeadlineMiss]:
        return self.core.log.misses

    @property
    def latency(self) -> Latency:
        """The CDN, REST and gateway delays (all zero until a test sets them); see ``latency``'s docstring."""
        return self.core.latency

    @property
    def downloads(self) -> list[Download]:
        """Attachment downloads from the stand-in's CDN, in the order they finished."""
        return self.core.downloads

    @property
    def token(self) -> str:
        return self.world.application.token

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> StandIn:
        """Serve on a free port of 127.0.0.1 in the running event loop."""
        app = web.Application(
            client_max_size=64 * 1024 * 1024,
            middlewares=[
                recording_middleware(
                    requests=self.requests,
                    limiter=self.rate_limits,
                    token=lambda: self.world.application.token,
                    now=self.world.clock.monotonic,
                    latency=self.core.latency,
                )
            ],
        )
        app.add_routes(AppRoutes(self.core).routes())
        app.add_routes(ChannelRoutes(self.core).routes())
        app.add_routes(InteractionRoutes(self.core).routes())
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self._unknown_route)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.world.cdn_base = self.base_url
        self.gateway.base_ws_url = f"ws://127.0.0.1:{self.port}"
        return self

    async def stop(self) -> None:
        """Close sockets and stop serving."""
        self.core.log.stop()
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    async def _unknown_route(self, request: web.Request) -> web.Response:
        self.unknown_routes.append(f"{request.method} {request.path}")
        raise DiscordError(404, 0, "404: Not Found")

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """Recorded requests for a route template, e.g. ``"POST /channels/{channel_id}/messages"``."""
        return [r for r in self.requests if r.route == route]

    def problems(self) -> list[str]:
        """What a test should fail on: interactions members would see fail and calls to routes Discord lacks."""
        return self.core.log.failures() + [f"unknown route called: {r}" for r in self.unknown_routes]

    # --- reading what the bot left behind -------------------------------------------------------------

    def messages(self, channel: Channel, *, include_ephemeral: bool = False) -> list[StoredMessage]:
        """Live messages of a channel or thread, oldest first."""
        return [m for m in channel.messages.values() if not m.deleted and (include_ephemeral or not m.ephemeral)]

    def files(self, message: StoredMessage) -> dict[str, bytes]:
        """A message's attachments as ``{filename: bytes}``."""
        return {a.filename: a.data for a in message.attachments}

    def thread_of(self, message: StoredMessage) -> Channel:
        """The thread started from a message."""
        thread = self.world.channel(message.thread_id or 0)
        if thread is None:
            raise LookupError(f"message {message.id} has no thread")
        return thread

    # --- a member's side ------------------------------------------------------------------------------

    async def _interact(
        self,
        *,
        kind: int,
        label: str,
        data: Json,
        member: Member,
        channel: Channel,
        source: StoredMessage | None = None,
        message_type: int = 0,
    ) -> InteractionHandle:
        if not self.gateway.sessions:
            raise RuntimeError("no bot has identified with the stand-in's gateway")
        if member.guild_id != channel.guild_id:
            raise ValueError(f"{member.user.name} is not a member of the guild of #{channel.name}")
        record = InteractionRecord(
            id=self.world.snowflakes.next(),
            token=secrets.token_hex(32),
            type=kind,
            label=label,
            member=member,
            channel=channel,
            created_at=self.world.clock.monotonic(),
            source_message_id=source.id if source else None,
            message_type=message_type,
        )
        self.core.log.open(record)
        envelope = interaction_envelope(
            self.world,
            interaction_id=record.id,
            token=record.token,
            kind=kind,
            data=data,
            member=member,
            channel=channel,
            message=source,
        )
        await self.gateway.dispatch("INTERACTION_CREATE", envelope)
        return InteractionHandle(record, self.core.log)

    def _command(self, name: str, kind: int, member: Member, channel: Channel) -> Json:
        command = self.core.commands.find(name, kind, channel.guild_id)
        self.core.commands.check_visible(command, member)
        needed = Perm.VIEW_CHANNEL | Perm.USE_APPLICATION_COMMANDS
        if self.world.channel_permissions(channel, member) & needed != needed:
            raise PermissionError(f"{member.user.name} cannot use application commands in #{channel.name}")
        return command

    async def slash(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        member: Member | None = None,
        channel: Channel | None = None,
    ) -> InteractionHandle:
        """Invoke ``/name [group] [sub]`` with typed options (``Upload`` for attachments, world objects for
        users, roles and channels), checked against the synced command as Discord's client does."""
        member, channel = member or self.scene.member, channel or self.scene.general
        name, *path = command.split()
        schema = self._command(name, CHAT_INPUT, member, channel)
        data = chat_input_data(self.world, schema, path, options or {}, member)
        return await self._interact(
            kind=APPLICATION_COMMAND,
            label=f"/{command}",
            data=data,
            member=member,
            channel=channel,
            message_type=CHAT_INPUT_MESSAGE,
        )

    async def autocomplete(
        self,
        command: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        member: Member | None = None,
        channel: Channel | None = None,
    ) -> InteractionHandle:
        """Ask for autocomplete choices while ``focused`` holds what the member has typed so far."""
        member, channel = member or self.scene.member, channel or self.scene.general
        name, *path = command.split()
        schema = self._command(name, CHAT_INPUT, member, channel)
        data = chat_input_data(self.world, schema, path, options, member, focused=focused)
        return await self._interact(
            kind=AUTOCOMPLETE, label=f"/{command} autocomplete {focused}", data=data, member=member, channel=channel
        )

    async def message_command(
        self, name: str, target: StoredMessage, *, member: Member | None = None
    ) -> InteractionHandle:
        """Run a message context-menu command on ``target``."""
        member = member or self.scene.member
        channel = self._channel_of(target)
        schema = self._command(name, MESSAGE_COMMAND, member, channel)
        return await self._interact(
            kind=APPLICATION_COMMAND,
            label=f"message command {name!r}",
            data=context_menu_data(self.world, schema, target, member),
            member=member,
            channel=channel,
            message_type=CONTEXT_MENU_MESSAGE,
        )

    async def user_command(
        self, name: str, target: Member, *, member: Member | None = None, channel: Channel | None = None
    ) -> InteractionHandle:
        """Run a user context-menu command on ``target``."""
        member, channel = member or self.scene.member, channel or self.scene.general
        schema = self._command(name, USER_COMMAND, member, channel)
        return await self._interact(
            kind=APPLICATION_COMMAND,
            label=f"user command {name!r}",
            data=context_menu_data(self.world, schema, target, member),
            member=member,
            channel=channel,
            message_type=CONTEXT_MENU_MESSAGE,
        )

    def _channel_of(self, message: StoredMessage) -> Channel:
        channel = self.world.channel(message.channel_id)
        if channel is None:
            raise LookupError(f"message {message.id} is in no known channel")
        return channel

    def _component(
        self, message: StoredMessage, kinds: Sequence[int], label: str | None, custom_id: str | None
    ) -> Json:
        for component in message.interactive():
            if component.get("type") not in kinds:
                continue
            if (custom_id is None or component.get("custom_id") == custom_id) and (
                label is None or component.get("label") == label
            ):
                if component.get("disabled"):
                    raise ValueError(f"component {label or custom_id!r} is disabled")
                return component
        shown = [(c.get("label"), c.get("custom_id")) for c in message.interactive()]
        raise LookupError(f"no component label={label!r} custom_id={custom_id!r} on the message; it has {shown}")

    async def click(
        self,
        message: StoredMessage,
        *,
        label: str | None = None,
        custom_id: str | None = None,
        member: Member | None = None,
    ) -> InteractionHandle:
        """Click a button found by its label or custom id."""
        button = self._component(message, (2,), label, custom_id)
        if button.get("style") == 5 or "custom_id" not in button:
            raise ValueError("link and premium buttons open in the client; they send no interaction")
        return await self._interact(
            kind=COMPONENT,
            label=f"button {button.get('label') or button['custom_id']!r}",
            data={"custom_id": button["custom_id"], "component_type": 2},
            member=member or self.scene.member,
            channel=self._channel_of(message),
            source=message,
        )

    async def select(
        self,
        message: StoredMessage,
        values: Sequence[str | Member | Role | Channel],
        *,
        custom_id: str | None = None,
        member: Member | None = None,
    ) -> InteractionHandle:
        """Choose values in a select menu (strings for string selects; members, roles or channels otherwise)."""
        member = member or self.scene.member
        menu = self._component(message, SELECT_TYPES, None, custom_id)
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"select {menu['custom_id']!r} takes {low}..{high} values, not {len(values)}")
        resolved = Resolved(self.world, member)
        chosen = [self._select_value(menu, value, resolved) for value in values]
        data: Json = {"custom_id": menu["custom_id"], "component_type": menu["type"], "values": chosen}
        if resolved.data:
            data["resolved"] = resolved.data
        return await self._interact(
            kind=COMPONENT,
            label=f"select {menu['custom_id']!r}",
            data=data,
            member=member,
            channel=self._channel_of(message),
            source=message,
        )

    @staticmethod
    def _select_value(menu: Json, value: str | Member | Role | Channel, resolved: Resolved) -> str:
        if isinstance(value, str):
            options = [o["value"] for o in menu.get("options") or []]
            if menu["type"] != 3 or value not in options:
                raise ValueError(f"{value!r} is not an option of select {menu['custom_id']!r}: {options}")
            return value
        if isinstance(value, Member):
            return resolved.user(value)
        if isinstance(value, Role):
            return resolved.role(value)
        return resolved.channel(value)

    async def submit_modal(
        self,
        modal: OpenedModal,
        values: Mapping[str, Any] | None = None,
        *,
        files: Mapping[str, Sequence[Upload]] | None = None,
        member: Member | None = None,
    ) -> InteractionHandle:
        """Submit a modal (one the bot opened, before a restart too, or ``modal_left_open``): text by input custom
        id (prefilled values kept), files for uploads. Goes to whichever bot is connected now."""
        member = member or modal.member
        source = modal.channel.messages.get(modal.source_message_id or 0)
        data = modal_submit_data(self.world, modal.as_json(), values or {}, files or {}, member)
        return await self._interact(
            kind=MODAL_SUBMIT,
            label=f"modal {modal.custom_id!r}",
            data=data,
            member=member,
            channel=modal.channel,
            source=source,
        )

    def modal_left_open(
        self,
        custom_id: str,
        components: Sequence[Json],
        *,
        title: str = "Modal",
        member: Member | None = None,
        channel: Channel | None = None,
        source: StoredMessage | None = None,
    ) -> OpenedModal:
        """A modal a member still has open that no running bot opened (e.g. one shown before a restart), to pass to
        ``submit_modal``: Discord sends its MODAL_SUBMIT to whichever bot is connected, with this ``custom_id``.

        ``components`` are the modal's layout as a bot sends it (``labelled_text_input``, ``labelled_file_upload``),
        checked as Discord checks a modal, so a test cannot submit something Discord could never have shown;
        ``source`` is the message whose button opened it, if any.
        """
        modal = {"custom_id": custom_id, "title": title, "components": list(components)}
        problems = check_modal(modal, prefix="")
        if problems:
            raise ValueError(f"Discord would not have shown this modal: {problems}")
        channel = channel or (self._channel_of(source) if source else self.scene.general)
        return OpenedModal(
            custom_id=custom_id,
            title=title,
            components=list(components),
            member=member or self.scene.member,
            channel=channel,
            source_message_id=source.id if source else None,
        )

    async def post(
        self,
        channel: Channel,
        content: str = "",
        *,
        author: Member | None = None,
        reply_to: StoredMessage | None = None,
        attachments: Sequence[Upload] = (),
    ) -> StoredMessage:
        """A member posts in a channel or thread (optionally replying, optionally with files)."""
        author = author or self.scene.member
        send = Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        if self.world.channel_permissions(channel, author) & (Perm.VIEW_CHANNEL | send) != Perm.VIEW_CHANNEL | send:
            raise PermissionError(f"{author.user.name} cannot post in #{channel.name}")
        body: Json = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(reply_to.id)}
        stored = [self.world.store_upload(u) for u in attachments]
        message, _ = messages.create(self.world, channel, author.user, body, attachments=stored)
        if any(a.duration_secs is not None for a in stored):
            if content or len(stored) != 1:
                raise ValueError("a voice message is one recording and no text")
            message.flags |= IS_VOICE_MESSAGE
        if channel.is_thread:
            channel.thread_member_ids.add(author.id)
        await self.core.unarchive_on_post(channel)
        await self.gateway.dispatch("MESSAGE_CREATE", message_payload(self.world, message))
        return message
