"""The gateway side of the stand-in: intents, privileged intents, login, RESUME and session invalidation."""

from __future__ import annotations

import discord
import pytest

from tests.standin import StandIn
from tests.standin.fixtures import StartClient
from tests.standin.polling import eventually
from tests.standin_test.probe import Probe


async def test_content_is_hidden_without_the_message_content_intent(standin: StandIn, probe: Probe) -> None:
    """Without the intent a member's message arrives empty, unless it mentions the bot."""
    plain = await standin.post(standin.scene.general, "a secret chorus")
    mention = await standin.post(standin.scene.general, f"<@{standin.world.application.bot.id}> a chorus for you")
    seen = await eventually(lambda: {m.id: m.content for m in probe.seen} if len(probe.seen) == 2 else None)
    assert seen == {plain.id: "", mention.id: mention.content}


async def test_events_outside_the_intents_are_not_sent(standin: StandIn, start_client: StartClient) -> None:
    """A client without the guild-messages intent is sent no MESSAGE_CREATE."""
    intents = discord.Intents.default()
    intents.guild_messages = False
    await start_client(Probe(intents=intents))
    await standin.post(standin.scene.general, "hello?")
    assert [e["t"] for e in standin.gateway.sent if e["t"] == "MESSAGE_CREATE"] == []


async def test_privileged_intent_not_enabled_closes_with_4014(standin: StandIn, start_client: StartClient) -> None:
    """Asking for message content when the application lacks it fails the way Discord fails it."""
    standin.world.application.message_content_intent = False
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await start_client(Probe(intents=discord.Intents.default() | discord.Intents(message_content=True)))


async def test_wrong_token_fails_login(standin: StandIn, start_client: StartClient) -> None:
    """A token the stand-in does not know is a 401 and discord.py's LoginFailure."""
    with pytest.raises(discord.LoginFailure):
        await start_client(Probe(), token="not-the-token")
    assert [r.status for r in standin.requests] == [401]


async def test_reconnect_opcode_leads_to_resume(standin: StandIn, probe: Probe) -> None:
    """Op 7 RECONNECT makes the client RESUME its session rather than identify again."""
    await standin.gateway.force_reconnect(op=True)
    assert (standin.gateway.identified, standin.gateway.resumed) == (1, 1)


async def test_invalid_session_leads_to_a_fresh_identify(standin: StandIn, probe: Probe) -> None:
    """Op 9 (not resumable) makes the client IDENTIFY again, after which events flow on the new session."""
    await standin.gateway.invalidate_session()
    assert standin.gateway.identified == 2
    posted = await standin.post(standin.scene.general, "still there?")
    await eventually(lambda: any(m.id == posted.id for m in probe.seen))
