"""``/settings show`` and ``/settings set``: per-server settings (Manage Server)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Interaction, SoundOffBot
from bot.songwriting.words.text import escape_markdown
from bot.workshop.records import GuildSettings


def describe(settings: GuildSettings, *, cooldown: int, quota: int, model: str, llm: bool) -> str:
    channel = f"<#{settings.cowrite_channel_id}>" if settings.cowrite_channel_id else "any channel"
    lines = [
        "**Sound Off settings for this server**",
        f"Co-writing channel: {channel}",
        f"Cooldown per member: {settings.cooldown_seconds if settings.cooldown_seconds is not None else cooldown} s",
        f"Daily generation quota: {settings.daily_quota if settings.daily_quota is not None else quota}",
        f"Sound-offs blind by default: {'yes' if settings.blind_default else 'no'}",
        f"Sound-off length: {settings.poll_hours} h",
        f"Thread replies become revisions: {'on' if settings.message_revisions else 'off'}",
        f"LLM model: {escape_markdown(settings.llm_model or model) if llm else 'offline writer (no LLM configured)'}",
        f"Members' lyrics may go to the LLM (section rewrites, notes): {'yes' if settings.llm_member_text else 'no'}",
    ]
    return "\n".join(lines)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SettingsCog(commands.GroupCog, group_name="settings", group_description="Sound Off settings for this server"):
    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot
        super().__init__()

    async def _show(self, interaction: Interaction, settings: GuildSettings, prefix: str = "") -> None:
        process = self.bot.workshop.settings.defaults
        text = describe(
            settings,
            cooldown=process.cooldown_seconds,
            quota=process.daily_quota,
            model=process.openai_model,
            llm=process.llm_configured,
        )
        await interaction.response.send_message(prefix + text, ephemeral=True)

    @app_commands.command(name="show", description="Show this server's Sound Off settings")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def show(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        await self._show(interaction, await self.bot.workshop.settings.get(interaction.guild_id))

    @app_commands.command(name="set", description="Change this server's Sound Off settings")
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(
        cowrite_channel="Where /cowrite may start songs",
        cooldown_seconds="Seconds a member waits between generations",
        daily_quota="Generations per server per UTC day",
        blind_default="Whether sound-offs are blind unless said otherwise",
        poll_hours="Default sound-off length in hours",
        message_revisions="Turn plain thread replies into revisions (needs the Message Content intent)",
        llm_model="The LLM model name on the configured server",
        llm_member_text="Let the LLM read members' lyrics for section rewrites and notes (members can opt out)",
    )
    async def set(
        self,
        interaction: Interaction,
        cowrite_channel: discord.TextChannel | None = None,
        cooldown_seconds: app_commands.Range[int, 0, 86_400] | None = None,
        daily_quota: app_commands.Range[int, 0, 100_000] | None = None,
        blind_default: bool | None = None,
        poll_hours: app_commands.Range[int, 1, 336] | None = None,
        message_revisions: bool | None = None,
        llm_model: app_commands.Range[str, 1, 80] | None = None,
        llm_member_text: bool | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        changes: dict[str, object] = {
            name: value
            for name, value in {
                "cowrite_channel_id": cowrite_channel.id if cowrite_channel else None,
                "cooldown_seconds": cooldown_seconds,
                "daily_quota": daily_quota,
                "blind_default": blind_default,
                "poll_hours": poll_hours,
                "message_revisions": message_revisions,
                "llm_model": llm_model,
                "llm_member_text": llm_member_text,
            }.items()
            if value is not None
        }
        updated = await self.bot.workshop.settings.update(interaction.guild_id, **changes)
        prefix = "Saved.\n" if changes else "Nothing to change; current settings:\n"
        if message_revisions and not self.bot.intents.message_content:
            prefix += (
                "⚠ Thread replies need the Message Content intent: enable it in the developer portal and restart "
                "the bot.\n"
            )
        await self._show(interaction, updated, prefix)


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(SettingsCog(bot))
