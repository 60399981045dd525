"""A wire-level local Discord for end-to-end tests of the bot: REST + gateway served on 127.0.0.1.

discord.py talks to it unmodified (only ``bot.discord_endpoints.apply_endpoints`` points it here); tests
drive members' actions and assert on what crossed the wire.
"""

from .fixtures import LogGuard
from .interactions import DeadlineMiss, InteractionHandle, OpenedModal, Response
from .limits import DiscordError
from .mentions import Ping
from .server import StandIn
from .wire import RecordedRequest
from .world import Channel, Guild, Member, Perm, Role, Scene, StoredAttachment, StoredMessage, Upload, User, World

__all__ = [
    "Channel",
    "DeadlineMiss",
    "DiscordError",
    "Guild",
    "InteractionHandle",
    "LogGuard",
    "Member",
    "OpenedModal",
    "Perm",
    "Ping",
    "RecordedRequest",
    "Response",
    "Role",
    "Scene",
    "StandIn",
    "StoredAttachment",
    "StoredMessage",
    "Upload",
    "User",
    "World",
]
