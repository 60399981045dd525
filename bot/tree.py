"""The command tree's error handler and the one safe way to tell a member something went wrong."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import RateLimitedError, UserFacingError

log = logging.getLogger(__name__)

ItemT = TypeVar("ItemT")

GENERIC_FAILURE = "Something went wrong on our side and it has been logged. Please try again in a moment."


async def defer_reply(interaction: discord.Interaction, *, ephemeral: bool) -> None:
    """Acknowledge now ("thinking…") and remember whether the answer will be private, for error replies."""
    interaction.extras["ephemeral_defer"] = ephemeral
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)


def mark_delivered(interaction: discord.Interaction) -> None:
    """Note that the deferred response now shows a result, so an error must not delete it."""
    interaction.extras["delivered"] = True


async def safe_reply(interaction: discord.Interaction, message: str, *, file: discord.File | None = None) -> None:
    """Send an ephemeral message (and a file) whether or not the interaction was already answered or deferred.

    A response still "thinking…" never stays so: a private one shows the message, a public one is deleted
    and the message follows privately (Discord gives the first follow-up the deferral's visibility).
    """
    none = discord.AllowedMentions.none()
    files = [file] if file is not None else []
    try:
        if interaction.response.is_done():
            thinking = interaction.response.type is discord.InteractionResponseType.deferred_channel_message
            if thinking and not interaction.extras.get("delivered"):
                if interaction.extras.get("ephemeral_defer"):
                    await interaction.edit_original_response(content=message, attachments=files, allowed_mentions=none)
                    return
                try:
                    await interaction.delete_original_response()
                except discord.HTTPException:
                    log.debug("Could not delete the deferred response", exc_info=True)
            await interaction.followup.send(message, files=files, ephemeral=True, allowed_mentions=none)
        else:
            await interaction.response.send_message(message, files=files, ephemeral=True, allowed_mentions=none)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id, exc_info=True)


def describe_error(error: BaseException) -> str | None:
    """The member-facing text for an error, or None when it is unexpected (then it is logged)."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or error
    if isinstance(error, RateLimitedError):
        return f"{error} You can try again <t:{int(error.retry_at)}:R>."
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again <t:{int(time.time() + error.retry_after) + 1}:R>."
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {', '.join(p.replace('_', ' ') for p in error.missing_permissions)} permission."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I need the {missing} permission here. Ask a server admin to grant it."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in direct messages."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


def from_a_person(interaction: discord.Interaction) -> bool:
    """Whether a person (not a bot) acted: bots' interactions are ignored (SPEC §6).

    Discord delivers none from bots today; the check keeps that rule true if it ever does.
    """
    return not interaction.user.bot


class SoundOffTree(app_commands.CommandTree["discord.Client"]):
    """Routes every app-command failure to one ephemeral answer; the unexpected ones are logged in full."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return from_a_person(interaction)

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        message = describe_error(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            options = interaction.data.get("options") if interaction.data else None
            log.error("Command %s failed (options %s)", command, options, exc_info=error)
            message = GENERIC_FAILURE
        await safe_reply(interaction, message)


def routes_errors(
    callback: Callable[[ItemT, Any], Coroutine[Any, Any, None]],
) -> Callable[[ItemT, discord.Interaction[Any]], Coroutine[Any, Any, None]]:
    """Route a DynamicItem callback's errors like the tree's: discord.py 2.7 logs and drops them otherwise.

    The callback may take ``Interaction[SoundOffBot]``; what it returns has the signature discord.py's items
    declare (any client), which a narrower override would break.
    """

    @functools.wraps(callback)
    async def guarded(item: ItemT, interaction: discord.Interaction[Any]) -> None:
        try:
            await callback(item, interaction)
        except Exception as error:
            await on_component_error(interaction, error)

    return guarded


async def on_component_error(interaction: discord.Interaction, error: Exception) -> None:
    """The same routing for buttons and modals (views and DynamicItems call this from ``on_error``)."""
    message = describe_error(error)
    if message is None:
        custom_id = interaction.data.get("custom_id") if interaction.data else None
        log.error("Component %s failed", custom_id, exc_info=error)
        message = GENERIC_FAILURE
    await safe_reply(interaction, message)
