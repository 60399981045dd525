"""The latency knobs: a slow CDN, slow REST (everywhere or per route) and a slow gateway, and how each meets the
3-second acknowledgement deadline."""

from __future__ import annotations

import time

import discord

from tests.standin import StandIn, Upload
from tests.standin.polling import eventually
from tests.standin_test.probe import Probe

CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
SEND = "POST /channels/{channel_id}/messages"


def _general(probe: Probe, standin: StandIn) -> discord.TextChannel:
    channel = probe.get_channel(standin.scene.general.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_slow_cdn_delays_downloads_but_not_a_deferral(standin: StandIn, probe: Probe) -> None:
    """With ``latency.cdn`` a download takes that long; deferring first keeps the acknowledgement prompt."""

    @probe.tree.command(description="d")
    async def checksum(interaction: discord.Interaction, file: discord.Attachment) -> None:
        await interaction.response.defer()
        await interaction.followup.send(f"{len(await file.read())} bytes")

    await probe.sync_to(standin)
    standin.latency.cdn = 0.5
    handle = await standin.slash("checksum", {"file": Upload("demo.mid", b"MThd")})
    response = await handle.response()
    assert response.at - handle.record.created_at < 0.5
    assert (await handle.followup(within=3)).content == "4 bytes"
    [download] = standin.downloads
    assert download.filename == "demo.mid"
    assert download.finished_at - download.started_at >= 0.5
    assert download.started_at > response.at


async def test_downloading_before_acknowledging_misses_the_deadline(standin: StandIn, probe: Probe) -> None:
    """A handler that reads a member's file before answering is late when the CDN is slower than the deadline."""

    @probe.tree.command(description="d")
    async def greedy(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        try:
            await interaction.response.send_message(f"{len(data)} bytes")
        except discord.NotFound as error:
            probe.caught.append(error)

    await probe.sync_to(standin)
    standin.interactions.ack_deadline = 0.2
    standin.latency.cdn = 0.4
    handle = await standin.slash("greedy", {"file": Upload("demo.mid", b"MThd")})
    handle.allow_no_answer()
    error = await eventually(lambda: probe.caught[0] if probe.caught else None)
    assert error.code == 10062
    assert [m.kind for m in standin.deadline_misses if m.kind == "late"] == ["late"]


async def test_slow_rest_everywhere_and_on_one_route(standin: StandIn, probe: Probe) -> None:
    """``latency.rest`` slows every request; ``latency.routes`` adds to one route only."""
    channel = _general(probe, standin)
    standin.latency.rest = 0.1
    standin.latency.routes[SEND] = 0.3
    began = time.monotonic()
    sent = await channel.send("slow")
    assert time.monotonic() - began >= 0.4
    began = time.monotonic()
    await channel.fetch_message(sent.id)
    assert 0.1 <= time.monotonic() - began < 0.4


async def test_a_slow_callback_route_can_miss_the_deadline(standin: StandIn, probe: Probe) -> None:
    """REST latency is spent before the stand-in handles the request, so a slow callback arrives late."""

    @probe.tree.command(description="d")
    async def prompt(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("at once")
        except discord.NotFound as error:
            probe.caught.append(error)

    await probe.sync_to(standin)
    standin.interactions.ack_deadline = 0.2
    standin.latency.routes[CALLBACK] = 0.3
    handle = await standin.slash("prompt")
    handle.allow_no_answer()
    error = await eventually(lambda: probe.caught[0] if probe.caught else None)
    assert (error.status, error.code) == (404, 10062)


async def test_slow_gateway_delivers_late_and_in_order(standin: StandIn, probe: Probe) -> None:
    """``latency.gateway`` holds events back without holding up the action that caused them, keeping their order."""
    standin.latency.gateway = 0.3
    began = time.monotonic()
    posted = [await standin.post(standin.scene.general, line) for line in ("one", "two", "three")]
    sent = await _general(probe, standin).send("echo")
    assert time.monotonic() - began < 0.3
    assert standin.gateway.in_flight == 4
    seen = await eventually(lambda: probe.seen if len(probe.seen) == 4 else None)
    assert time.monotonic() - began >= 0.3
    assert [m.id for m in seen] == [m.id for m in posted] + [sent.id]


async def test_gateway_latency_counts_against_the_deadline(standin: StandIn, probe: Probe) -> None:
    """The deadline starts when the stand-in dispatches: a gateway slower than the deadline makes any answer late."""

    @probe.tree.command(description="d")
    async def quick(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("at once")
        except discord.NotFound as error:
            probe.caught.append(error)

    await probe.sync_to(standin)
    standin.interactions.ack_deadline = 0.2
    standin.latency.gateway = 0.3
    handle = await standin.slash("quick")
    handle.allow_no_answer()
    error = await eventually(lambda: probe.caught[0] if probe.caught else None)
    assert error.code == 10062
