"""The stand-in's world: guilds, channels, threads, roles, members and the messages stored in them.

Tests build the world before the bot connects; the REST routes and the gateway read and change it. Objects
here are mutable state (a message gets edited, a thread archived), so they are plain dataclasses compared by
identity; the values that cross into tests (uploads, pings, recorded requests) are frozen elsewhere.
"""

from __future__ import annotations

import datetime as dt
import enum
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
TEXT_CHANNEL = 0
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (PUBLIC_THREAD, PRIVATE_THREAD)
EPHEMERAL = 1 << 6
LOADING = 1 << 7
IS_VOICE_MESSAGE = 1 << 13
"""Message flag 8192: a voice message (one OGG Opus recording with its duration and waveform)."""
COMPONENTS_V2 = 1 << 15


class Perm(enum.IntFlag):
    """Discord permission bits the stand-in checks, written out here so a wrong bit in discord.py cannot hide."""

    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    SEND_POLLS = 1 << 49


ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_DEFAULT = (
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.SEND_POLLS
)
MODERATOR_DEFAULT = Perm.MANAGE_MESSAGES | Perm.MANAGE_GUILD | Perm.MANAGE_THREADS | Perm.MENTION_EVERYONE
BOT_DEFAULT = EVERYONE_DEFAULT | Perm.MANAGE_THREADS


class Clock:
    """Monotonic and wall time with an offset, so tests can jump past Discord's 15-minute follow-up window."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        """Seconds on the stand-in's monotonic clock."""
        return time.monotonic() + self.offset

    def now(self) -> dt.datetime:
        """The stand-in's current UTC time."""
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.offset)

    def advance(self, seconds: float) -> None:
        """Move the stand-in's clocks forward without sleeping."""
        self.offset += seconds


class Snowflakes:
    """Time-ordered unique ids shaped like Discord's, so discord.py's ``created_at`` reads sensible times."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last = 0

    def next(self, *, shard: tuple[int, int] | None = None) -> int:
        """A fresh snowflake, strictly greater than every earlier one; with ``shard=(id, count)``, one whose
        server Discord would route to that shard (its millisecond part is moved on a few ms to fit)."""
        ms = int(self._clock.now().timestamp() * 1000) - DISCORD_EPOCH_MS
        candidate = max(ms << 22, self._last + 1)
        if shard is not None:
            shard_id, count = shard
            ms_part = candidate >> 22
            if ms_part % count != shard_id:
                candidate = (ms_part + (shard_id - ms_part) % count) << 22
        self._last = candidate
        return candidate


@dataclass(eq=False)
class User:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    mentionable: bool = False
    position: int = 0
    managed: bool = False


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    roles: list[int]
    joined_at: dt.datetime
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id


@dataclass(eq=False)
class Overwrite:
    """A channel permission overwrite for a role (kind 0) or a member (kind 1)."""

    target_id: int
    kind: int
    allow: int = 0
    deny: int = 0


@dataclass(frozen=True)
class Upload:
    """A file a test member attaches: to a message, a slash-command option or a modal's file upload."""

    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    duration_secs: float | None = None
    """Set on a voice message's recording (with ``waveform``): the post gets Discord's IS_VOICE_MESSAGE flag."""
    waveform: str | None = None


@dataclass(eq=False)
class StoredAttachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    ephemeral: bool = False
    duration_secs: float | None = None
    waveform: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(eq=False)
class StoredMessage:
    """A message as the stand-in holds it; edits change it in place and ``deleted`` marks a deletion."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    created_at: dt.datetime
    content: str = ""
    embeds: list[Json] = field(default_factory=list)
    components: list[Json] = field(default_factory=list)
    attachments: list[StoredAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    message_reference: Json | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: Json | None = None
    mention_user_ids: list[int] = field(default_factory=list)
    mention_role_ids: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    reactions: dict[str, set[int]] = field(default_factory=dict)
    thread_id: int | None = None
    edited_at: dt.datetime | None = None
    deleted: bool = False
    nonce: str | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def interactive(self) -> Iterator[Json]:
        """Every interactive component on the message, depth first (rows, sections, containers)."""
        yield from _walk_components(self.components)


def _walk_components(components: Iterable[Json]) -> Iterator[Json]:
    for component in components:
        if "custom_id" in component or component.get("type") == 2:
            yield component
        yield from _walk_components(component.get("components", ()))
        if isinstance(component.get("accessory"), dict):
            yield from _walk_components([component["accessory"]])


@dataclass(eq=False)
class Channel:
    """A text channel or a thread (``parent_id`` set); messages are kept in creation order."""

    id: int
    guild_id: int
    name: str
    type: int = TEXT_CHANNEL
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    archive_timestamp: dt.datetime | None = None
    thread_member_ids: set[int] = field(default_factory=set)
    messages: dict[int, StoredMessage] = field(default_factory=dict)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    locale: str = "en-US"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]


@dataclass(eq=False)
class Application:
    """The bot under test: its application, bot user, token and which privileged intents are switched on."""

    id: int
    name: str
    bot: User
    token: str
    owner: User
    message_content_intent: bool = True
    members_intent: bool = True
    presence_intent: bool = False
    shards: int = 1
    """What ``/gateway/bot`` recommends (a client given a shard count never asks)."""
    max_concurrency: int = 1
    """IDENTIFYs allowed per 5 s bucket, reported by ``/gateway/bot``."""


class World:
    """Everything the stand-in knows; builder methods return the new object for the test to keep."""

    def __init__(self, *, bot_name: str = "Sound Off", token: str = "standin-bot-token") -> None:
        self.clock = Clock()
        self.snowflakes = Snowflakes(self.clock)
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.attachments: dict[int, StoredAttachment] = {}
        self.nonces: dict[tuple[int, str], StoredMessage] = {}
        """The message each (author id, nonce) created, for ``enforce_nonce``."""
        self.cdn_base = "http://127.0.0.1"
        owner = self.add_user("app-owner")
        bot = self.add_user(bot_name, bot=True)
        self.application = Application(id=self.snowflakes.next(), name=bot_name, bot=bot, token=token, owner=owner)

    def add_user(self, name: str, *, bot: bool = False) -> User:
        """Create a Discord user (not yet a member of any guild)."""
        user = User(id=self.snowflakes.next(), name=name, bot=bot, global_name=name.title())
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner: User | None = None, shard: tuple[int, int] | None = None) -> Guild:
        """Create a guild with its @everyone role (id = guild id), its owner and the bot as members; ``shard``
        (id, count) picks an id that Discord routes to that shard."""
        owner = owner or self.add_user(f"{name}-owner")
        guild = Guild(id=self.snowflakes.next(shard=shard), name=name, owner_id=owner.id)
        guild.roles[guild.id] = Role(id=guild.id, guild_id=guild.id, name="@everyone", permissions=EVERYONE_DEFAULT)
        self.guilds[guild.id] = guild
        bot_role = self.add_role(guild, self.application.name, permissions=BOT_DEFAULT, managed=True)
        self.add_member(guild, owner)
        self.add_member(guild, self.application.bot, roles=[bot_role])
        return guild

    def add_role(
        self, guild: Guild, name: str, *, permissions: int = 0, mentionable: bool = False, managed: bool = False
    ) -> Role:
        """Create a role in a guild."""
        role = Role(
            id=self.snowflakes.next(),
            guild_id=guild.id,
            name=name,
            permissions=int(permissions),
            mentionable=mentionable,
            position=len(guild.roles),
            managed=managed,
        )
        guild.roles[role.id] = role
        return role

    def add_member(self, guild: Guild, user: User | str, *, roles: Iterable[Role] = (), bot: bool = False) -> Member:
        """Make a user (or a new user with this name) a member of a guild."""
        if isinstance(user, str):
            user = self.add_user(user, bot=bot)
        member = Member(user=user, guild_id=guild.id, roles=[r.id for r in roles], joined_at=self.clock.now())
        guild.members[user.id] = member
        return member

    def add_text_channel(self, guild: Guild, name: str, *, topic: str | None = None) -> Channel:
        """Create a text channel."""
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        channel = Channel(id=self.snowflakes.next(), guild_id=guild.id, name=name, position=position, topic=topic)
        guild.channels[channel.id] = channel
        return channel

    def add_thread(
        self, parent: Channel, name: str, *, owner: User, thread_id: int | None = None, private: bool = False
    ) -> Channel:
        """Create a thread under a text channel (``thread_id`` = the starter message id when there is one)."""
        thread = Channel(
            id=thread_id or self.snowflakes.next(),
            guild_id=parent.guild_id,
            name=name,
            type=PRIVATE_THREAD if private else PUBLIC_THREAD,
            parent_id=parent.id,
            owner_id=owner.id,
            archive_timestamp=self.clock.now(),
            thread_member_ids={owner.id},
        )
        self.guilds[parent.guild_id].channels[thread.id] = thread
        return thread

    def store_attachment(
        self,
        filename: str,
        data: bytes,
        *,
        content_type: str | None = None,
        description: str | None = None,
        ephemeral: bool = False,
        duration_secs: float | None = None,
        waveform: str | None = None,
    ) -> StoredAttachment:
        """Keep uploaded bytes under a fresh id so they can be served back from the stand-in's URL."""
        attachment = StoredAttachment(
            id=self.snowflakes.next(),
            filename=filename,
            data=data,
            content_type=content_type,
            description=description,
            ephemeral=ephemeral,
            duration_secs=duration_secs,
            waveform=waveform,
        )
        self.attachments[attachment.id] = attachment
        return attachment

    def store_upload(self, upload: Upload, *, ephemeral: bool = False) -> StoredAttachment:
        """Keep a member's upload like Discord's CDN would."""
        return self.store_attachment(
            upload.filename,
            upload.data,
            content_type=upload.content_type,
            description=upload.description,
            ephemeral=ephemeral,
            duration_secs=upload.duration_secs,
            waveform=upload.waveform,
        )

    def attachment_url(self, attachment: StoredAttachment) -> str:
        """The absolute URL the client downloads an attachment from."""
        return f"{self.cdn_base}/attachments/{attachment.id}/{attachment.filename}"

    def channel(self, channel_id: int) -> Channel | None:
        """Find a channel or thread in any guild."""
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

    def guild_of(self, channel: Channel) -> Guild:
        return self.guilds[channel.guild_id]

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.application.bot.id]

    def base_permissions(self, guild: Guild, member: Member) -> int:
        """Guild-level permissions: owner and Administrator get everything, else the union of role grants."""
        if member.id == guild.owner_id:
            return ALL_PERMISSIONS
        permissions = guild.everyone.permissions
        for role_id in member.roles:
            permissions |= guild.roles[role_id].permissions
        return ALL_PERMISSIONS if permissions & Perm.ADMINISTRATOR else permissions

    def channel_permissions(self, channel: Channel, member: Member) -> int:
        """Permissions in a channel, applying overwrites in Discord's order (threads use their parent's)."""
        guild = self.guild_of(channel)
        permissions = self.base_permissions(guild, member)
        if permissions & Perm.ADMINISTRATOR or member.id == guild.owner_id:
            return ALL_PERMISSIONS
        source = guild.channels[channel.parent_id] if channel.parent_id else channel
        overwrites = {(o.kind, o.target_id): o for o in source.overwrites}
        everyone = overwrites.get((0, guild.id))
        if everyone:
            permissions = (permissions & ~everyone.deny) | everyone.allow
        role_allow = role_deny = 0
        for role_id in member.roles:
            overwrite = overwrites.get((0, role_id))
            if overwrite:
                role_allow |= overwrite.allow
                role_deny |= overwrite.deny
        permissions = (permissions & ~role_deny) | role_allow
        own = overwrites.get((1, member.id))
        if own:
            permissions = (permissions & ~own.deny) | own.allow
        return permissions


@dataclass(frozen=True)
class Scene:
    """The default world most tests need: one co-writing server with a moderator, a member and another bot,
    plus a second server the member is not in."""

    world: World
    guild: Guild
    general: Channel
    cowriting: Channel
    moderator_role: Role
    owner: Member
    moderator: Member
    member: Member
    other_bot: Member
    guild2: Guild
    guild2_channel: Channel
    outsider: Member


def build_scene(world: World) -> Scene:
    """Populate a world with the default scene."""
    owner_user = world.add_user("olivia")
    guild = world.add_guild("Sound Off Test", owner=owner_user)
    general = world.add_text_channel(guild, "general")
    cowriting = world.add_text_channel(guild, "co-writing", topic="Write songs together")
    moderator_role = world.add_role(guild, "Moderator", permissions=MODERATOR_DEFAULT, mentionable=True)
    guild2 = world.add_guild("Second Server")
    return Scene(
        world=world,
        guild=guild,
        general=general,
        cowriting=cowriting,
        moderator_role=moderator_role,
        owner=guild.members[owner_user.id],
        moderator=world.add_member(guild, "maya", roles=[moderator_role]),
        member=world.add_member(guild, "sam"),
        other_bot=world.add_member(guild, "otherbot", bot=True),
        guild2=guild2,
        guild2_channel=world.add_text_channel(guild2, "lounge"),
        outsider=world.add_member(guild2, "olu"),
    )
