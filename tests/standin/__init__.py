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

Timing and lifetimes, as on the real service: ``latency.cdn`` / ``latency.rest`` / ``latency.routes`` /
``latency.gateway`` delay attachment downloads, REST requests and gateway events (``downloads`` records each
download); a callback later than 3 s after dispatch is ``10062``; ``handle.expire_token()`` ages one
interaction past 15 minutes (``50027`` on follow-ups); a modal opened before a bot restart, or one built with
``modal_left_open``, is submitted to the new bot with ``submit_modal``::

    standin.latency.cdn = 3.5
    handle = await standin.slash("checksum", {"file": Upload("demo.mid", data)})
    assert (await handle.response(within=5)).type == 5       # acknowledged before downloading

    modal = standin.modal_left_open("revise:7:3", [labelled_text_input("Lyrics", "lyrics")], title="Revise")
    handle = await standin.submit_modal(modal, {"lyrics": "a new line"})
"""

from .errors import DiscordError
from .fixtures import LogGuard
from .interactions import (
    DeadlineMiss,
    InteractionHandle,
    OpenedModal,
    Response,
    labelled_file_upload,
    labelled_text_input,
)
from .latency import Download, Latency
from .mentions import Ping
from .server import StandIn
from .wire import RecordedRequest
from .world import Channel, Guild, Member, Perm, Role, Scene, StoredAttachment, StoredMessage, Upload, User, World

__all__ = [
    "Channel",
    "DeadlineMiss",
    "DiscordError",
    "Download",
    "Guild",
    "InteractionHandle",
    "Latency",
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
    "labelled_file_upload",
    "labelled_text_input",
]
