"""Who is acting, as plain values the cogs build from Discord members."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """A member acting in a server. ``is_moderator`` means Manage Messages (or more) where they act."""

    guild_id: int
    user_id: int
    name: str
    is_moderator: bool = False
    is_bot: bool = False
