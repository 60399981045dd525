"""``/help``: what the bot does and how to co-write with it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

HELP_TEXT = """\
**Sound Off co-writes songs with this server.** The AI writes a first sketch; people make it art.

**Start**
`/cowrite lyrics theme:…` an AI lyric draft (form, rhyme scheme, syllables optional)
`/cowrite melody` a melody sketch for the song's latest lyrics (MIDI, score, audio preview)
`/cowrite song theme:…` lyrics and melody in one go
Each draft gets a thread: that is where the song is written.

**Revise** (every version is kept, with its author)
`/revise` or the **Revise** button opens the latest lyrics to edit; attach an .abc/.mid/.musicxml melody too
A lyric revision keeps the song's tune: changed lines are re-set to your words · **New melody** for another tune
Right-click a message in the thread → Apps → **Submit as revision** (credits the message's author)
`/history` the revision tree · `/diff a:v1 b:v3` what changed · `/credits` who wrote what · `/export` a zip
`/notes` or the **Notes** button: line notes on a version (the AI points at lines, never writes them)
**Remix** under an AI draft: change its brief and get a new draft beside it
`/privacy llm:False` keeps the lyrics you write away from the LLM, on every server

**Sound-offs**
`/soundoff start` a (blind) vote: the AI draft against the human edits
`/soundoff results` · `/soundoff end` · `/soundoff stats`: does the human touch win here?

The AI is disclosed on everything it writes and is never listed as an author.
"""


class Help(commands.Cog):
    @app_commands.command(name="help", description="What Sound Off does and how to co-write with it")
    async def help(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Sound Off", description=HELP_TEXT, colour=discord.Colour.blurple())
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Help())
