"""The buttons under every version message, as persistent custom ids: ``soundoff:draft:<action>:<song>:<version>``.

This module only builds the buttons. Each action is handled by a ``DynamicItem`` in the cog that owns it
(Add melody, New melody, Regenerate and Delete in cowrite, Remix in remix, Revise in revisions, Notes in notes,
Start sound-off in soundoff), registered in that cog's load hook, so the buttons keep working after a restart.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.tree import from_a_person

DynamicButton = discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]]
"""The base of every persistent button class."""

PREFIX = "soundoff:draft"
ACTIONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "melody": ("Add melody", discord.ButtonStyle.primary),
    "newmelody": ("New melody", discord.ButtonStyle.secondary),
    "regen": ("Regenerate", discord.ButtonStyle.secondary),
    "revise": ("Revise", discord.ButtonStyle.success),
    "notes": ("Notes", discord.ButtonStyle.secondary),
    "remix": ("Remix", discord.ButtonStyle.secondary),
    "soundoff": ("Start sound-off", discord.ButtonStyle.secondary),
    "delete": ("Delete", discord.ButtonStyle.danger),
}


def custom_id(action: str, song_id: int, version: int) -> str:
    return f"{PREFIX}:{action}:{song_id}:{version}"


def template(action: str) -> str:
    """The DynamicItem template (a regex) for one action."""
    return rf"{PREFIX}:{action}:(?P<song>[0-9]{{1,20}}):(?P<version>[0-9]{{1,9}})"


def button(action: str, song_id: int, version: int, *, disabled: bool = False) -> discord.ui.Button[discord.ui.View]:
    label, style = ACTIONS[action]
    return discord.ui.Button(label=label, style=style, custom_id=custom_id(action, song_id, version), disabled=disabled)


def draft_view(
    song_id: int,
    version: int,
    *,
    has_lyrics: bool = True,
    has_melody: bool = False,
    disabled: bool = False,
    human: bool = False,
) -> discord.ui.View:
    """The row of buttons under a version message: Notes under a member's version (``human``), Remix under the AI's;
    Add melody under words without music, New melody (a new tune in the song's frame) under words with one.

    The view is stopped before it is returned: discord.py then does not keep it in memory, and clicks reach
    the registered DynamicItems only (a stored view would also dispatch its no-op buttons).
    """
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        if action in ("melody", "newmelody") and (not has_lyrics or has_melody != (action == "newmelody")):
            continue
        if action == "notes" and not (human and has_lyrics):
            continue
        if action == "remix" and (human or not has_lyrics):
            continue
        view.add_item(button(action, song_id, version, disabled=disabled))
    view.stop()
    return view


class DraftAction(DynamicButton, template=template("[a-z]+")):
    """Base of the draft buttons: the song and version live in the custom id; subclasses set ``action``,
    their own ``template`` and the callback."""

    action = ""

    def __init__(self, song_id: int, version: int) -> None:
        super().__init__(button(self.action, song_id, version))
        self.song_id = song_id
        self.version = version

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DraftAction:
        return cls(int(match["song"]), int(match["version"]))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return from_a_person(interaction)
