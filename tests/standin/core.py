"""The state the REST routes share: world, gateway, interactions, commands, latency knobs, CDN downloads and the
pings the bot caused."""

from __future__ import annotations

from .commands import CommandStore
from .errors import DiscordError, missing_permissions, unknown
from .gateway import Gateway
from .interactions import InteractionLog
from .latency import Download, Latency
from .mentions import Mentions, Ping
from .payloads import channel_payload, message_payload
from .world import Channel, Perm, StoredMessage, World


class Core:
    """One stand-in's shared state and the events that follow a change to a message."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.latency = Latency()
        self.downloads: list[Download] = []
        self.gateway = Gateway(world, self.latency)
        self.log = InteractionLog(world)
        self.commands = CommandStore(world)
        self.pings: list[Ping] = []

    def channel(self, channel_id: int) -> Channel:
        """A channel or thread, or Discord's 10003."""
        channel = self.world.channel(channel_id)
        if channel is None:
            raise unknown("Channel", 10003)
        return channel

    def message(self, channel: Channel, message_id: int) -> StoredMessage:
        """A live message in the channel, or Discord's 10008."""
        message = channel.messages.get(message_id)
        if message is None or message.deleted:
            raise unknown("Message", 10008)
        return message

    def require(self, channel: Channel, permissions: int) -> None:
        """Raise Discord's 50013 unless the bot has every permission in ``permissions`` in this channel."""
        guild = self.world.guild_of(channel)
        have = self.world.channel_permissions(channel, self.world.bot_member(guild))
        if (have & permissions) != permissions:
            raise missing_permissions()

    def require_send(self, channel: Channel, *, files: bool = False) -> None:
        """Permissions to post in a channel or thread; a locked archived thread refuses everyone."""
        send = Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        self.require(channel, Perm.VIEW_CHANNEL | send | (Perm.ATTACH_FILES if files else 0))
        if channel.is_thread and channel.locked:
            self.require(channel, Perm.MANAGE_THREADS)
        if channel.is_thread and channel.archived and channel.locked:
            raise DiscordError(400, 50083, "Thread is archived")

    async def announce_new(self, message: StoredMessage, mentions: Mentions) -> None:
        """Record the pings and dispatch MESSAGE_CREATE (ephemeral messages reach only their member)."""
        self.pings.extend(mentions.pings)
        if not message.ephemeral:
            await self.gateway.dispatch("MESSAGE_CREATE", message_payload(self.world, message))
        await self.log.changed()

    async def announce_edit(self, message: StoredMessage, mentions: Mentions | None) -> None:
        """Record pings of a filled deferral and dispatch MESSAGE_UPDATE."""
        if mentions is not None:
            self.pings.extend(mentions.pings)
        if not message.ephemeral:
            await self.gateway.dispatch("MESSAGE_UPDATE", message_payload(self.world, message))
        await self.log.changed()

    async def announce_delete(self, message: StoredMessage) -> None:
        message.deleted = True
        if not message.ephemeral:
            event = {"id": str(message.id), "channel_id": str(message.channel_id), "guild_id": str(message.guild_id)}
            await self.gateway.dispatch("MESSAGE_DELETE", event)
        await self.log.changed()

    async def unarchive_on_post(self, channel: Channel) -> None:
        """Posting in an archived (unlocked) thread reopens it, as on Discord."""
        if channel.is_thread and channel.archived and not channel.locked:
            channel.archived = False
            await self.thread_update(channel)

    async def thread_update(self, channel: Channel) -> None:
        """Tell the client a thread changed (archived, locked, renamed)."""
        await self.gateway.dispatch("THREAD_UPDATE", channel_payload(channel))
