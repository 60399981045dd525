"""Lifetimes: Discord's 3-second acknowledgement deadline, one interaction's token outliving its 15 minutes, and
a modal submitted to a bot that never opened it (after a restart)."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from tests.standin import StandIn, Upload, labelled_file_upload, labelled_text_input
from tests.standin.fixtures import StartClient
from tests.standin.polling import eventually
from tests.standin_test.probe import Probe


class Reviser(Probe):
    """A bot that answers ``revise:`` modal submits by custom id alone, as a restarted bot must."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})  # the raw payload: a restarted bot has no Modal object
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith("revise:"):
            return
        texts: list[str] = []
        files: list[str] = []
        for label in data.get("components", []):
            inner = label.get("component", {})
            if inner.get("type") == 4:
                texts.append(inner.get("value"))
            elif inner.get("type") == 19:
                attachments = data.get("resolved", {}).get("attachments", {})
                files += [attachments[i]["filename"] for i in inner.get("values", [])]
        await interaction.response.send_message(f"{custom_id}: {texts} {files}")


class Revise(discord.ui.Modal, title="Revise"):
    """The modal the first bot opens and forgets when it stops."""

    lyrics: discord.ui.Label[Revise] = discord.ui.Label(
        text="Lyrics", component=discord.ui.TextInput(custom_id="lyrics", default="old line")
    )

    def __init__(self) -> None:
        super().__init__(custom_id="revise:song-7:v3")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("the first bot answered")


async def test_a_callback_after_three_seconds_is_an_unknown_interaction(standin: StandIn, probe: Probe) -> None:
    """Discord's own deadline: an answer more than 3 s after dispatch is 404 ``10062`` and a recorded miss."""
    assert standin.interactions.ack_deadline == 3.0
    release = asyncio.Event()

    @probe.tree.command(description="d")
    async def dawdle(interaction: discord.Interaction) -> None:
        await release.wait()
        try:
            await interaction.response.send_message("finally")
        except discord.NotFound as error:
            probe.caught.append(error)

    await probe.sync_to(standin)
    late = await standin.slash("dawdle")
    late.allow_no_answer()
    standin.world.clock.advance(3.1)
    release.set()
    error = await eventually(lambda: probe.caught[0] if probe.caught else None)
    assert (error.status, error.code) == (404, 10062)
    assert late.record.refusals == [{"message": "Unknown interaction", "code": 10062}]
    assert [m.kind for m in standin.deadline_misses if m.interaction_id == late.id and m.kind == "late"] == ["late"]


async def test_a_callback_within_three_seconds_is_accepted(standin: StandIn, probe: Probe) -> None:
    """2.9 s after dispatch the answer still counts."""
    release = asyncio.Event()

    @probe.tree.command(description="d")
    async def ponder(interaction: discord.Interaction) -> None:
        await release.wait()
        await interaction.response.send_message("just in time")

    await probe.sync_to(standin)
    handle = await standin.slash("ponder")
    standin.world.clock.advance(2.9)
    release.set()
    assert (await handle.message()).content == "just in time"


async def test_an_expired_token_refuses_followups_and_edits(standin: StandIn, probe: Probe) -> None:
    """``expire_token`` ages one interaction past 15 minutes: follow-ups and edits are 401 ``50027``; others live."""
    release = asyncio.Event()

    @probe.tree.command(description="d")
    async def marathon(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await release.wait()
        for call in (interaction.followup.send("done"), interaction.edit_original_response(content="done")):
            try:
                await call
            except discord.HTTPException as error:
                probe.caught.append(error)

    await probe.sync_to(standin)
    handle = await standin.slash("marathon")
    await handle.response()
    handle.expire_token()
    release.set()
    errors = await eventually(lambda: probe.caught if len(probe.caught) == 2 else None)
    assert [(e.status, e.code) for e in errors] == [(401, 50027), (401, 50027)]
    assert handle.record.refusals == [{"message": "Invalid Webhook Token", "code": 50027}] * 2
    release.clear()
    fresh = await standin.slash("marathon")
    await fresh.response()
    release.set()
    assert (await fresh.followup()).content == "done"


async def test_a_modal_opened_before_a_restart_reaches_the_new_bot(standin: StandIn, start_client: StartClient) -> None:
    """The member keeps the first bot's modal open across a restart; the submit goes to the new bot."""
    first = await start_client(Probe())

    @first.tree.command(description="d")
    async def revise(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Revise())

    await first.sync_to(standin)
    modal = await (await standin.slash("revise")).modal()
    await first.close()
    await start_client(Reviser())
    submitted = await standin.submit_modal(modal, {"lyrics": "a new line"})
    assert (await submitted.message()).content == "revise:song-7:v3: ['a new line'] []"


async def test_a_modal_left_open_needs_no_bot_to_have_opened_it(standin: StandIn, start_client: StartClient) -> None:
    """``modal_left_open`` builds the member's modal by custom id; its files arrive resolved like any upload."""
    await start_client(Reviser())
    song = await standin.post(standin.scene.general, "a song")
    modal = standin.modal_left_open(
        "revise:song-9:v1",
        [labelled_text_input("Lyrics", "lyrics", value="old"), labelled_file_upload("Melody", "melody")],
        title="Revise",
        source=song,
    )
    files = {"melody": [Upload("tune.abc", b"X:1\nK:C\nCDEF|")]}
    submitted = await standin.submit_modal(modal, {"lyrics": "new"}, files=files)
    assert (await submitted.message()).content == "revise:song-9:v1: ['new'] ['tune.abc']"
    assert submitted.record.source_message_id == song.id


async def test_a_modal_left_open_must_be_one_discord_could_show(standin: StandIn) -> None:
    """A File Upload outside its Label cannot be forged into a modal."""
    with pytest.raises(ValueError, match="UNION_TYPE_CHOICES"):
        standin.modal_left_open("revise:1", [{"type": 19, "custom_id": "melody"}])
