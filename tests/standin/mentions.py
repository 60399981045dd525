"""Which mentions in a message would notify someone, given its ``allowed_mentions``.

Discord pings everything written in the content when ``allowed_mentions`` is absent. The stand-in takes the
worst case: it counts a mention as a ping even when the bot lacks Mention Everyone or the role is not
mentionable, because a deployment where the bot has that permission would ping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Problem
from .world import Json

USER_MENTION = re.compile(r"<@!?(\d{15,20})>")
ROLE_MENTION = re.compile(r"<@&(\d{15,20})>")


@dataclass(frozen=True)
class Ping:
    """One notification a message would cause: ``kind`` is everyone, here, user, role or replied_user."""

    message_id: int
    channel_id: int
    kind: str
    target_id: int | None = None


@dataclass(frozen=True)
class Mentions:
    """What the message's ``mentions``, ``mention_roles`` and ``mention_everyone`` carry, and its pings."""

    user_ids: tuple[int, ...]
    role_ids: tuple[int, ...]
    everyone: bool
    pings: tuple[Ping, ...]


def check_allowed_mentions(allowed: Json | None, *, prefix: str = "allowed_mentions") -> list[Problem]:
    """Discord rejects ``parse: ["users"]`` together with a ``users`` list (and likewise for roles)."""
    if not allowed:
        return []
    problems = []
    for kind in ("users", "roles"):
        if kind in (allowed.get("parse") or []) and allowed.get(kind):
            problems.append(
                Problem(
                    f"{prefix}.parse",
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
            )
    return problems


def resolve_mentions(
    *,
    message_id: int,
    channel_id: int,
    content: str,
    allowed: Json | None,
    replied_user_id: int | None = None,
    author_id: int | None = None,
) -> Mentions:
    """Work out mentions and pings the way Discord does for a newly sent message."""
    if allowed is None:
        parse = {"users", "roles", "everyone"}
        allowed_users: set[int] = set()
        allowed_roles: set[int] = set()
        replied = True
    else:
        parse = set(allowed.get("parse") or [])
        allowed_users = {int(u) for u in allowed.get("users") or []}
        allowed_roles = {int(r) for r in allowed.get("roles") or []}
        replied = bool(allowed.get("replied_user", False))
    written_users = list(dict.fromkeys(int(u) for u in USER_MENTION.findall(content)))
    written_roles = list(dict.fromkeys(int(r) for r in ROLE_MENTION.findall(content)))
    users = [u for u in written_users if "users" in parse or u in allowed_users]
    roles = [r for r in written_roles if "roles" in parse or r in allowed_roles]
    pings = [Ping(message_id, channel_id, "user", u) for u in users]
    pings += [Ping(message_id, channel_id, "role", r) for r in roles]
    everyone = "everyone" in parse and "@everyone" in content
    if everyone:
        pings.append(Ping(message_id, channel_id, "everyone"))
    if "everyone" in parse and "@here" in content:
        pings.append(Ping(message_id, channel_id, "here"))
    if replied and replied_user_id is not None and replied_user_id != author_id:
        pings.append(Ping(message_id, channel_id, "replied_user", replied_user_id))
        if replied_user_id not in users:
            users.append(replied_user_id)
    return Mentions(user_ids=tuple(users), role_ids=tuple(roles), everyone=everyone, pings=tuple(pings))
