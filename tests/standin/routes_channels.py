"""REST routes for channels, messages, threads, reactions, typing, guild lookups and attachment downloads."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from aiohttp import web

from . import messages
from .core import Core
from .errors import DiscordError, bad_length, raise_problems, unknown
from .latency import Download
from .limits import check_thread
from .payloads import channel_payload, guild_create_payload, member_payload, message_payload
from .wire import body_of, files_of, json_response, no_content, snowflake
from .world import TEXT_CHANNEL, Channel, Json, Perm

API = "/api/v10"


class ChannelRoutes:
    """Handlers for everything under ``/channels`` and ``/guilds`` the bot uses in normal flows."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.world = core.world

    def routes(self) -> list[web.RouteDef]:
        c, m = f"{API}/channels/{{channel_id}}", f"{API}/channels/{{channel_id}}/messages/{{message_id}}"
        return [
            web.post(f"{c}/messages", self.create_message),
            web.get(f"{c}/messages", self.list_messages),
            web.get(m, self.get_message),
            web.patch(m, self.edit_message),
            web.delete(m, self.delete_message),
            web.post(f"{m}/threads", self.thread_from_message),
            web.put(f"{m}/reactions/{{emoji}}/@me", self.add_reaction),
            web.delete(f"{m}/reactions/{{emoji}}/@me", self.remove_reaction),
            web.post(f"{c}/threads", self.thread_without_message),
            web.put(f"{c}/thread-members/@me", self.join_thread),
            web.delete(f"{c}/thread-members/@me", self.leave_thread),
            web.post(f"{c}/typing", self.typing),
            web.get(c, self.get_channel),
            web.patch(c, self.edit_channel),
            web.delete(c, self.delete_channel),
            web.get(f"{API}/guilds/{{guild_id}}", self.get_guild),
            web.get(f"{API}/guilds/{{guild_id}}/channels", self.guild_channels),
            web.get(f"{API}/guilds/{{guild_id}}/members/{{user_id}}", self.get_member),
            web.get("/attachments/{attachment_id}/{filename}", self.download),
        ]

    def _channel(self, request: web.Request) -> Channel:
        return self.core.channel(snowflake(request, "channel_id"))

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        files = files_of(request)
        self.core.require_send(channel, files=bool(files))
        author, body = self.world.application.bot, body_of(request)
        earlier = messages.created_with_nonce(self.world, author, body)
        if earlier is not None:
            return json_response(message_payload(self.world, earlier))
        message, mentions = messages.create(self.world, channel, author, body, files)
        await self.core.unarchive_on_post(channel)
        await self.core.announce_new(message, mentions)
        return json_response(message_payload(self.world, message))

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self.core.require(channel, Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY)
        limit = min(int(request.query.get("limit", 50)), 100)
        before = int(request.query.get("before", 0)) or None
        after = int(request.query.get("after", 0)) or None
        found = [
            m
            for m in channel.messages.values()
            if not m.deleted
            and not m.ephemeral
            and (before is None or m.id < before)
            and (after is None or m.id > after)
        ]
        page = found[:limit] if after is not None else found[-limit:]
        return json_response([message_payload(self.world, m) for m in reversed(page)])

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self.core.require(channel, Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY)
        message = self.core.message(channel, snowflake(request, "message_id"))
        return json_response(message_payload(self.world, message))

    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self.core.message(channel, snowflake(request, "message_id"))
        if message.author.id != self.world.application.bot.id or message.webhook_id is not None:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        mentions = messages.edit(self.world, message, body_of(request), files_of(request))
        await self.core.announce_edit(message, mentions)
        return json_response(message_payload(self.world, message))

    async def delete_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self.core.message(channel, snowflake(request, "message_id"))
        if message.author.id != self.world.application.bot.id:
            self.core.require(channel, Perm.MANAGE_MESSAGES)
        await self.core.announce_delete(message)
        return no_content()

    async def thread_from_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self.core.message(channel, snowflake(request, "message_id"))
        if channel.type != TEXT_CHANNEL:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        self.core.require(channel, Perm.VIEW_CHANNEL | Perm.CREATE_PUBLIC_THREADS)
        if message.thread_id is not None:
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        body = body_of(request)
        thread = self._new_thread(channel, body, thread_id=message.id, private=False)
        message.thread_id = thread.id
        await self.core.gateway.dispatch("THREAD_CREATE", channel_payload(thread) | {"newly_created": True})
        return json_response(channel_payload(thread))

    async def thread_without_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body = body_of(request)
        private = int(body.get("type", 12)) == 12
        create = Perm.CREATE_PRIVATE_THREADS if private else Perm.CREATE_PUBLIC_THREADS
        self.core.require(channel, Perm.VIEW_CHANNEL | create)
        thread = self._new_thread(channel, body, thread_id=None, private=private)
        await self.core.gateway.dispatch("THREAD_CREATE", channel_payload(thread) | {"newly_created": True})
        return json_response(channel_payload(thread))

    def _new_thread(self, channel: Channel, body: Json, *, thread_id: int | None, private: bool) -> Channel:
        name = str(body.get("name") or "")
        problems = [bad_length("name", 1, 100)] if not 1 <= len(name) <= 100 else []
        raise_problems(problems + check_thread(body))
        thread = self.world.add_thread(
            channel, name, owner=self.world.application.bot, thread_id=thread_id, private=private
        )
        duration = body.get("auto_archive_duration")
        if isinstance(duration, int):
            thread.auto_archive_duration = duration
        return thread

    async def join_thread(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        channel.thread_member_ids.add(self.world.application.bot.id)
        return no_content()

    async def leave_thread(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        channel.thread_member_ids.discard(self.world.application.bot.id)
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        return await self._react(request, add=True)

    async def remove_reaction(self, request: web.Request) -> web.Response:
        return await self._react(request, add=False)

    async def _react(self, request: web.Request, *, add: bool) -> web.Response:
        channel = self._channel(request)
        message = self.core.message(channel, snowflake(request, "message_id"))
        emoji = unquote(request.match_info["emoji"])
        users = message.reactions.setdefault(emoji, set())
        bot_id = self.world.application.bot.id
        if add:
            self.core.require(channel, Perm.READ_MESSAGE_HISTORY | (0 if users else Perm.ADD_REACTIONS))
            users.add(bot_id)
        else:
            users.discard(bot_id)
        event = {
            "user_id": str(bot_id),
            "channel_id": str(channel.id),
            "message_id": str(message.id),
            "guild_id": str(channel.guild_id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
        }
        await self.core.gateway.dispatch("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", event)
        return no_content()

    async def typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(channel_payload(self._channel(request)))

    async def edit_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body = body_of(request)
        if not channel.is_thread:
            self.core.require(channel, Perm.MANAGE_CHANNELS)
            channel.name = str(body.get("name", channel.name))
            channel.topic = body.get("topic", channel.topic)
            await self.core.gateway.dispatch("CHANNEL_UPDATE", channel_payload(channel))
            return json_response(channel_payload(channel))
        owner = channel.owner_id == self.world.application.bot.id
        if "locked" in body or not owner:
            self.core.require(channel, Perm.MANAGE_THREADS)
        raise_problems(check_thread(body))
        for key in ("archived", "locked"):
            if key in body:
                setattr(channel, key, bool(body[key]))
        if "archived" in body:
            channel.archive_timestamp = self.world.clock.now()
        if "name" in body:
            channel.name = str(body["name"])
        if isinstance(body.get("auto_archive_duration"), int):
            channel.auto_archive_duration = int(body["auto_archive_duration"])
        await self.core.thread_update(channel)
        return json_response(channel_payload(channel))

    async def delete_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self.core.require(channel, Perm.MANAGE_THREADS if channel.is_thread else Perm.MANAGE_CHANNELS)
        del self.world.guild_of(channel).channels[channel.id]
        event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
        await self.core.gateway.dispatch(event, channel_payload(channel))
        return json_response(channel_payload(channel))

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(snowflake(request, "guild_id"))
        if guild is None:
            raise unknown("Guild", 10004)
        return json_response(guild_create_payload(self.world, guild))

    async def guild_channels(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(snowflake(request, "guild_id"))
        if guild is None:
            raise unknown("Guild", 10004)
        return json_response([channel_payload(c) for c in guild.channels.values() if not c.is_thread])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(snowflake(request, "guild_id"))
        if guild is None:
            raise unknown("Guild", 10004)
        member = guild.members.get(snowflake(request, "user_id"))
        if member is None:
            raise unknown("Member", 10007)
        return json_response(member_payload(member))

    async def download(self, request: web.Request) -> web.Response:
        """Serve stored attachment bytes like Discord's CDN, ``latency.cdn`` seconds late; record the download."""
        started = self.world.clock.monotonic()
        if self.core.latency.cdn > 0:
            await asyncio.sleep(self.core.latency.cdn)
        attachment = self.world.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None or attachment.filename != request.match_info["filename"]:
            return web.Response(status=404, text="asset not found")
        finished = self.world.clock.monotonic()
        self.core.downloads.append(Download(attachment.id, attachment.filename, started, finished))
        content_type = attachment.content_type or "application/octet-stream"
        return web.Response(body=attachment.data, headers={"Content-Type": content_type})
