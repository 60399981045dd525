"""Interaction rules beyond the happy path: ephemeral deferrals, the token's lifetime, hidden commands,
selects, deferred updates and user context menus."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.standin import StandIn
from tests.standin.polling import eventually
from tests.standin_test.probe import Probe


async def test_ephemeral_deferral_makes_the_first_followup_ephemeral(standin: StandIn, probe: Probe) -> None:
    """After ``defer(ephemeral=True)`` the first follow-up fills the hidden message, whatever its own flags."""

    @probe.tree.command(description="d")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        await interaction.followup.send("only you can see this")

    await probe.sync_to(standin)
    handle = await standin.slash("secret")
    message = await handle.followup()
    assert message.ephemeral
    assert standin.messages(standin.scene.general) == []
    assert all(e["t"] != "MESSAGE_CREATE" for e in standin.gateway.sent)


async def test_followups_stop_working_after_fifteen_minutes(standin: StandIn, probe: Probe) -> None:
    """The interaction token expires 15 minutes after the interaction (401, code 50027)."""
    later = asyncio.Event()

    @probe.tree.command(description="d")
    async def patient(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("working on it")
        await later.wait()
        try:
            await interaction.followup.send("done")
        except discord.HTTPException as error:
            probe.caught.append(error)

    await probe.sync_to(standin)
    await (await standin.slash("patient")).response()
    standin.world.clock.advance(15 * 60 + 1)
    later.set()
    error = await eventually(lambda: probe.caught[0] if probe.caught else None)
    assert error.status == 401
    assert error.code == 50027


async def test_followup_before_acknowledging_is_an_unknown_webhook(standin: StandIn, probe: Probe) -> None:
    """The interaction webhook does not exist until the interaction is acknowledged (10015)."""

    @probe.tree.command(description="d")
    async def hasty(interaction: discord.Interaction) -> None:
        try:
            await interaction.followup.send("too soon")
        except discord.NotFound as error:
            probe.caught.append(error)
        await interaction.response.send_message("now")

    await probe.sync_to(standin)
    await (await standin.slash("hasty")).message()
    assert [e.code for e in probe.caught] == [10015]


async def test_commands_hidden_by_default_permissions_cannot_be_invoked(standin: StandIn, probe: Probe) -> None:
    """A member without the command's default permissions cannot see it; a moderator can use it."""

    @probe.tree.command(description="d")
    @discord.app_commands.default_permissions(manage_guild=True)
    async def configure(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("configured")

    await probe.sync_to(standin)
    with pytest.raises(PermissionError):
        await standin.slash("configure")
    handle = await standin.slash("configure", member=standin.scene.moderator)
    assert (await handle.message()).content == "configured"


class Pick(discord.ui.View):
    """A string select whose choice is answered with a deferred update, then an edit of the message."""

    @discord.ui.select(custom_id="pick:key", options=[discord.SelectOption(label=k) for k in ("C", "G", "D")])
    async def key(self, interaction: discord.Interaction, select: discord.ui.Select[Pick]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content=f"key: {select.values[0]}", view=None)


async def test_select_then_deferred_update_edits_the_message(standin: StandIn, probe: Probe) -> None:
    """A select's values reach the view; a type-6 deferral makes ``@original`` the component's message."""

    @probe.tree.command(description="d")
    async def key(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pick a key", view=Pick())

    await probe.sync_to(standin)
    message = await (await standin.slash("key")).message()
    chosen = await standin.select(message, ["G"])
    assert (await chosen.response()).type == 6
    assert (await chosen.edit())["content"] == "key: G"
    assert message.content == "key: G"
    assert message.components == []
    assert message.edited_at is not None


async def test_user_context_menu_resolves_the_member(standin: StandIn, probe: Probe) -> None:
    """A user command receives the target as a guild member."""

    @probe.tree.context_menu(name="Credit")
    async def credit(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"credited {member.display_name}")

    await probe.sync_to(standin)
    handle = await standin.user_command("Credit", standin.scene.moderator)
    assert (await handle.message()).content == "credited Maya"
