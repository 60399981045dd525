"""The REST side of the stand-in: rate limits, unknown routes, permissions, authorship and reply pings."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.standin import Perm, StandIn, Upload
from tests.standin.fixtures import StartClient
from tests.standin.polling import eventually
from tests.standin.world import Overwrite
from tests.standin_test.probe import Probe


def _text_channel(probe: Probe, channel_id: int) -> discord.TextChannel:
    channel = probe.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_rate_limited_route_is_retried_after_a_429(standin: StandIn, probe: Probe) -> None:
    """A Discord-style 429 on a route makes discord.py wait ``retry_after`` and send again."""
    standin.rate_limits.limit("POST /channels/{channel_id}/messages", retry_after=0.05)
    await _text_channel(probe, standin.scene.general.id).send("after the wait")
    sends = standin.requests_to("POST /channels/{channel_id}/messages")
    assert [r.status for r in sends] == [429, 200]
    assert [m.content for m in standin.messages(standin.scene.general)] == ["after the wait"]


async def test_unknown_route_is_a_json_404_and_recorded(standin: StandIn, probe: Probe) -> None:
    """A route the stand-in lacks answers JSON 404 (discord.NotFound) and is listed for the test to see."""
    with pytest.raises(discord.NotFound):
        await probe.fetch_skus()
    assert standin.unknown_routes == [f"GET /api/v10/applications/{standin.world.application.id}/skus"]
    standin.unknown_routes.clear()


async def test_posting_where_the_bot_is_denied_is_forbidden(standin: StandIn, probe: Probe) -> None:
    """A channel overwrite denying Send Messages to the bot makes sending a 403 with code 50013."""
    bot_id = standin.world.application.bot.id
    standin.scene.cowriting.overwrites.append(Overwrite(bot_id, kind=1, deny=Perm.SEND_MESSAGES))
    with pytest.raises(discord.Forbidden) as refused:
        await _text_channel(probe, standin.scene.cowriting.id).send("hello")
    assert refused.value.code == 50013
    assert standin.requests[-1].error_code == 50013


async def test_editing_a_members_message_is_refused(standin: StandIn, probe: Probe) -> None:
    """The bot may not edit what a member wrote (50005)."""
    posted = await standin.post(standin.scene.general, "my line")
    message = await _text_channel(probe, standin.scene.general.id).fetch_message(posted.id)
    with pytest.raises(discord.Forbidden) as refused:
        await message.edit(content="your line")
    assert refused.value.code == 50005


async def test_deleting_a_members_message_needs_manage_messages(standin: StandIn, probe: Probe) -> None:
    """Deleting another's message is refused without Manage Messages and allowed with it."""
    posted = await standin.post(standin.scene.general, "spam")
    message = await _text_channel(probe, standin.scene.general.id).fetch_message(posted.id)
    with pytest.raises(discord.Forbidden):
        await message.delete()
    bot_member = standin.scene.guild.members[standin.world.application.bot.id]
    bot_member.roles.append(standin.scene.moderator_role.id)
    await message.delete()
    assert posted.deleted


async def test_reply_with_default_mentions_pings_the_author(standin: StandIn, probe: Probe) -> None:
    """``Message.reply`` without allowed mentions pings the replied-to member; ``mention_author=False`` does not."""
    posted = await standin.post(standin.scene.general, "what rhymes with orange?")
    message = await _text_channel(probe, standin.scene.general.id).fetch_message(posted.id)
    await message.reply("nothing")
    await message.reply("still nothing", mention_author=False)
    assert [(p.kind, p.target_id) for p in standin.pings] == [("replied_user", standin.scene.member.id)]


async def test_bot_messages_come_back_as_gateway_events(standin: StandIn, probe: Probe) -> None:
    """What the bot posts is dispatched back to it as MESSAGE_CREATE, as on Discord."""
    sent = await _text_channel(probe, standin.scene.general.id).send("echo")
    echoed = await eventually(lambda: next((m for m in probe.seen if m.id == sent.id), None))
    assert echoed.author == probe.user


async def test_member_attachment_is_downloaded_from_the_standin(standin: StandIn, start_client: StartClient) -> None:
    """A member's file in a message reaches ``on_message`` and ``Attachment.read()`` fetches its bytes."""
    probe = await start_client(Probe(intents=discord.Intents.default() | discord.Intents(message_content=True)))
    posted = await standin.post(standin.scene.general, "my demo", attachments=[Upload("demo.abc", b"X:1\nK:C\nCDEF|")])
    seen = await eventually(lambda: next((m for m in probe.seen if m.id == posted.id), None))
    assert [a.filename for a in seen.attachments] == ["demo.abc"]
    assert await seen.attachments[0].read() == b"X:1\nK:C\nCDEF|"


async def test_thread_archive_and_lock_follow_discords_rules(standin: StandIn, probe: Probe) -> None:
    """Posting reopens an archived thread; once it is also locked, posting fails with 50083."""
    thread = await _text_channel(probe, standin.scene.general.id).create_thread(
        name="chorus ideas", type=discord.ChannelType.public_thread
    )
    stored = standin.world.channel(thread.id)
    assert stored is not None
    await thread.edit(archived=True)
    await thread.send("reopened")
    assert not stored.archived
    await thread.edit(archived=True, locked=True)
    with pytest.raises(discord.HTTPException) as refused:
        await thread.send("let me in")
    assert refused.value.code == 50083


async def test_a_share_of_requests_can_be_rate_limited(standin: StandIn, probe: Probe) -> None:
    """With a share of requests answered 429 (seeded), every send still lands after its retries."""
    standin.rate_limits.limit_share(0.5, seed=3, retry_after=0.01)
    channel = _text_channel(probe, standin.scene.general.id)
    for line in ("one", "two", "three"):
        await channel.send(line)
    statuses = [r.status for r in standin.requests_to("POST /channels/{channel_id}/messages")]
    assert statuses.count(200) == 3
    assert 429 in statuses


async def test_history_reactions_and_member_lookup(standin: StandIn, probe: Probe) -> None:
    """Channel history comes newest first, the bot's reaction is stored, and members can be fetched."""
    channel = _text_channel(probe, standin.scene.general.id)
    first = await standin.post(standin.scene.general, "verse")
    await standin.post(standin.scene.general, "chorus")
    history = [m.content async for m in channel.history(limit=10)]
    assert history == ["chorus", "verse"]
    await (await channel.fetch_message(first.id)).add_reaction("🎵")
    assert first.reactions == {"🎵": {standin.world.application.bot.id}}
    guild = probe.get_guild(standin.scene.guild.id)
    assert guild is not None
    member = await guild.fetch_member(standin.scene.moderator.id)
    assert [r.name for r in member.roles] == ["@everyone", "Moderator"]


async def test_the_global_limit_refuses_a_burst_and_counts_it(standin: StandIn, probe: Probe) -> None:
    """Past ``per_second`` requests in a second every route answers a global 429; discord.py holds all its requests
    for the ``retry_after`` (one refusal is enough to stop the burst) and resends."""
    standin.rate_limits.per_second = 5
    channel = _text_channel(probe, standin.scene.general.id)
    await asyncio.gather(*(channel.send(f"burst {i}") for i in range(8)))
    assert standin.rate_limits.global_refusals >= 1
    refused = [r for r in standin.requests_to("POST /channels/{channel_id}/messages") if r.status == 429]
    assert len(refused) == standin.rate_limits.global_refusals
    assert sorted(m.content for m in standin.messages(standin.scene.general)) == sorted(f"burst {i}" for i in range(8))
