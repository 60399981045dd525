"""The pretend community: a few named members one person switches between to play a whole server.

There are no accounts: the playground is a local tool, and whoever holds the page may act as anyone. Each
member is a fixed Actor in one pretend server, so the workshop applies its rules (owner or moderator, one vote
per member, cooldowns) exactly as it does for Discord members.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserFacingError
from bot.workshop.actors import Actor

GUILD_ID = 1
"""The one pretend server; its id never leaves the playground's own database."""
CHANNEL_ID = 10
"""The co-writing channel every song starts in."""
THREAD_BASE = 1_000_000
"""Threads are numbered after their songs: a song's thread id is THREAD_BASE + its id."""


@dataclass(frozen=True, slots=True)
class Member:
    """A pretend member: ``key`` is what the page sends, ``colour`` its avatar's CSS class."""

    key: str
    user_id: int
    name: str
    colour: str
    is_moderator: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(guild_id=GUILD_ID, user_id=self.user_id, name=self.name, is_moderator=self.is_moderator)


MEMBERS = (
    Member("you", 101, "You", "blurple"),
    Member("ana", 102, "Ana", "green"),
    Member("ben", 103, "Ben", "yellow"),
    Member("cleo", 104, "Cleo", "pink", is_moderator=True),
)
_BY_KEY = {m.key: m for m in MEMBERS}
_BY_ID = {m.user_id: m for m in MEMBERS}


def member(key: object) -> Member:
    """The member the page acts as; anything else is refused, not guessed."""
    found = _BY_KEY.get(key) if isinstance(key, str) else None
    if found is None:
        raise UserFacingError("Pick a member from the list first.")
    return found


def name_of(user_id: int) -> str:
    """A member's name for display (an id from an older playground database shows as a number)."""
    found = _BY_ID.get(user_id)
    return found.name if found else f"member {user_id}"


def key_of(user_id: int) -> str | None:
    found = _BY_ID.get(user_id)
    return found.key if found else None


def thread_id(song_id: int) -> int:
    """The pretend thread a song's versions are posted in (recorded so the workshop finds the song by it)."""
    return THREAD_BASE + song_id
