"""What the crash bench tracks: each member action, what the wire showed of it, and small readers of the wire."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from tests.standin import Channel, InteractionHandle, Member, StoredMessage

WORDS = "rain night bus home light river road heart fire sea sky morning gold stone window song".split()
VERSION_TITLE = re.compile(r" · v(\d+)$")


@dataclass
class Op:
    """One thing a member did, with what the wire shows of it; ``marker`` is unique to the text it sent."""

    kind: str
    member: Member
    round: int
    marker: str
    song_id: int = 0
    label: str = ""
    author: Member | None = None
    posted: StoredMessage | None = None
    replied_number: int | None = None
    handles: list[InteractionHandle] = field(default_factory=list)
    submitted: bool = False
    error: str = ""


@dataclass(frozen=True)
class Outcome:
    """``acked`` (with the version number or vote label shown), ``refused`` (with the text) or ``cut off``."""

    state: str
    value: str = ""


@dataclass
class Song:
    id: int
    draft: StoredMessage
    thread: Channel


@dataclass
class Poll:
    id: int
    message: StoredMessage
    expired_round: int | None = None


def random_line(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 6)))


def version_number(message: StoredMessage) -> int | None:
    """The version number a bot's version message shows in its title."""
    found = VERSION_TITLE.search(str(message.embeds[0].get("title", ""))) if message.embeds else None
    return int(found[1]) if found and message.author.bot else None


def bot_replies(channel: Channel, message: StoredMessage) -> list[StoredMessage]:
    """The bot's messages in ``channel`` that reply to ``message``."""
    return [
        m
        for m in channel.messages.values()
        if not m.deleted and m.author.bot and (m.message_reference or {}).get("message_id") == str(message.id)
    ]


def shown_answer(handle: InteractionHandle) -> str | None:
    """What the member finally reads: the original once it has text, else a follow-up; None while nothing shows."""
    original = handle.original
    if original is not None and not original.loading and (original.content or original.embeds):
        return original.content or "(embed)"
    return next((m.content for m in handle.followups), None)
