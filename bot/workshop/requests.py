"""A draft handed to the job queue: everything a worker in another process needs to make it and answer it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.songwriting.words.brief import Brief
from bot.workshop.actors import Actor
from bot.workshop.drafts import MusicOptions

TOKEN_LIFETIME = 15 * 60.0
"""Discord accepts an interaction's follow-ups and edits for 15 minutes; after that a result goes to the channel."""


@dataclass(frozen=True, slots=True)
class Reply:
    """How to answer the member: the interaction's webhook (the application and its token) while it lives."""

    application_id: int
    token: str
    issued_at: float

    def expired(self, now: float | None = None, *, margin: float = 30.0) -> bool:
        """Past the token's life (less a margin for the answer's own trip): post in the channel instead."""
        return (time.time() if now is None else now) >= self.issued_at + TOKEN_LIFETIME - margin


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """A new song's AI draft: lyrics from ``brief`` (None: an instrumental), with a melody when ``music`` is set.

    ``request_id`` is the interaction's id: every run of the job finds the version the first run stored.
    """

    request_id: int
    actor: Actor
    channel_id: int
    brief: Brief | None
    music: MusicOptions | None
    reply: Reply
    in_thread: bool = False
    """Asked inside a thread: the draft is answered there and opens no thread of its own."""
