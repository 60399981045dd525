"""A wire-level local Discord for end-to-end tests of the bot: REST + gateway served on 127.0.0.1.

discord.py talks to it unmodified (only ``bot.discord_endpoints.apply_endpoints`` points it here); tests
drive members' actions and assert on what crossed the wire. With ``pytest_plugins =
["tests.standin.fixtures"]`` in ``tests/conftest.py``::

    async def test_hello(standin: StandIn, start_client: StartClient) -> None:
        bot = await start_client(MyBot(guild_ready_timeout=0.05))
        await bot.tree.sync(guild=discord.Object(standin.scene.guild.id))
        handle = await standin.slash("cowrite lyrics", {"theme": "rain"}, member=standin.scene.member)
        assert (await handle.response()).type == 5          # deferred in time
        message = await handle.message(within=10)           # the filled original
        assert standin.files(message)["song.mid"][:4] == b"MThd"
        assert standin.pings == []                          # nothing would notify anyone

Members act with ``slash``, ``autocomplete``, ``click``, ``select``, ``submit_modal``, ``message_command``,
``user_command`` and ``post``; ``InteractionHandle`` awaits ``response``, ``message``, ``followup``,
``edit``, ``modal`` and ``choices``. ``requests`` / ``requests_to`` hold the wire record, ``gateway`` can
``drop``, ``force_reconnect`` or ``invalidate_session``, ``rate_limits`` injects 429s and
``world.clock.advance`` jumps past Discord's 15-minute token lifetime.
"""

from .errors import DiscordError
from .fixtures import LogGuard
from .interactions import DeadlineMiss, InteractionHandle, OpenedModal, Response
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
