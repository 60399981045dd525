"""The sound-off clock's Board port for the browser: where ballots, counts and results are "posted".

The clock (bot/workshop/soundoff_clock.py) decides when a sound-off opens, closes and is announced, exactly as
for Discord; this board keeps what Discord would hold in its messages (the previews posted with a ballot, the
results chart) and tells open pages through the feed. The page reads the sound-off itself from the workshop.
"""

from __future__ import annotations

import time

from bot.playground.feed import Event, Feed
from bot.songwriting.versions.soundoff import Results
from bot.workshop.records import Soundoff
from bot.workshop.soundoff_clock import Posted
from bot.workshop.soundoffs import Ballot

ID_TIME_SHIFT = 8
"""Message ids carry the time they were posted (milliseconds, shifted), as Discord's snowflakes do: increasing,
unique across restarts of the playground, and the channel orders its posts by them."""


def posted_at(message_id: int | None) -> float | None:
    """When the board posted a message, from its id."""
    return None if message_id is None else (message_id >> ID_TIME_SHIFT) / 1000


class PlaygroundBoard:
    def __init__(self, feed: Feed) -> None:
        self._feed = feed
        self._previews: dict[tuple[int, str], bytes] = {}
        self._charts: dict[int, bytes] = {}
        self._last_id = 0

    async def post_ballot(self, ballot: Ballot) -> Posted:
        """Keep the options' audio previews (rendered by the workshop for the ballot) and tell the pages."""
        soundoff = ballot.soundoff
        for shown in ballot.options:
            if shown.preview is not None:
                self._previews[(soundoff.id, shown.option.label)] = shown.preview
        self._feed.publish(Event("soundoff-opened", soundoff.song_id, soundoff.id, 0))
        return Posted(self._next_id(), f"/#soundoff-{soundoff.id}")

    async def post_results(self, soundoff: Soundoff, results: Results, chart: bytes) -> Posted | None:
        self._charts[soundoff.id] = chart
        self._feed.publish(Event("soundoff-closed", soundoff.song_id, soundoff.id, results.total))
        return Posted(self._next_id(), f"/#results-{soundoff.id}")

    async def show_count(self, soundoff: Soundoff, title: str, votes: int) -> None:
        self._feed.publish(Event("soundoff-count", soundoff.song_id, soundoff.id, votes))

    def _next_id(self) -> int:
        """An id carrying this moment, after every id given before (two posts in one millisecond stay distinct)."""
        self._last_id = max(self._last_id + 1, int(time.time() * 1000) << ID_TIME_SHIFT)
        return self._last_id

    def preview(self, soundoff_id: int, label: str) -> bytes | None:
        """The audio posted with an option, if this playground posted the ballot (else the caller renders it)."""
        return self._previews.get((soundoff_id, label))

    def chart(self, soundoff_id: int) -> bytes | None:
        return self._charts.get(soundoff_id)
