"""The sound-off clock: opens votes, closes them at their deadlines (once, whatever restarts in between),
announces results and keeps the vote count shown up to date — through a narrow port to the chat.

Deadlines live in the database, so a restart loses none; the clock only decides *when*. What a message looks
like and how it reaches Discord is the ``Board``'s business: the sound-off cog implements it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.db.soundoffs import Soundoff
from bot.shutdown import Shutdown
from bot.songwriting.render.chart import bar_chart_png
from bot.songwriting.versions.soundoff import Results
from bot.workshop.soundoffs import Ballot, Soundoffs, Started

if TYPE_CHECKING:
    from bot.jobs.queue import JobQueue

log = logging.getLogger(__name__)

COUNT_REFRESH_SECONDS = 3.0
MAX_SLEEP = 300.0
"""The longest the clock sleeps between sweeps: a new sound-off and a shutdown both wake it sooner."""


@dataclass(frozen=True, slots=True)
class Posted:
    """A message the board posted: its id (stored) and its link (shown to the member)."""

    message_id: int
    url: str


class Board(Protocol):
    """Where sound-offs are shown: posting, closing and counting, in the sound-off's channel."""

    async def post_ballot(self, ballot: Ballot) -> Posted:
        """Post a new sound-off's options with one vote button each."""
        ...

    async def post_results(self, soundoff: Soundoff, results: Results, chart: bytes) -> Posted | None:
        """Close the vote message and post the results under it; None when the channel is gone."""
        ...

    async def show_count(self, soundoff: Soundoff, title: str, votes: int) -> None:
        """Show the number of votes (never the tallies) on the open vote message."""
        ...


class SoundoffClock:
    """Runs the deadlines of every sound-off: in each bot process (started with the sound-off cog), or, with a job
    queue (scale-out mode), in the workers, as one queued job per deadline plus a sweep that catches any missed.
    """

    def __init__(
        self, soundoffs: Soundoffs, *, jobs: JobQueue | None = None, refresh_seconds: float = COUNT_REFRESH_SECONDS
    ) -> None:
        self._soundoffs = soundoffs
        self._jobs = jobs
        self._board: Board | None = None
        self._wake = asyncio.Event()
        self._shutdown = Shutdown()
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        self._refresh_seconds = refresh_seconds

    def attach(self, board: Board) -> None:
        self._board = board

    @property
    def board(self) -> Board:
        if self._board is None:
            raise RuntimeError("the sound-off clock has no board: the sound-off cog is not loaded")
        return self._board

    @property
    def runs_deadlines(self) -> bool:
        """Whether this process closes sound-offs at their deadlines (without a job queue, every bot process does)."""
        return self._jobs is None

    async def open(self, started: Started) -> Posted:
        """Post a sound-off that was just started and watch its deadline (here, or as a queued job)."""
        posted = await self.board.post_ballot(await self._soundoffs.ballot(started))
        await self._soundoffs.record_message(started.soundoff, posted.message_id)
        if self._jobs is not None:
            await self._jobs.close_at(started.soundoff.id, started.soundoff.ends_at)
        self._wake.set()
        return posted

    async def close_due(self, soundoff_id: int) -> float | None:
        """Close a sound-off whose deadline job ran: once, never early; the seconds still to wait if it came early."""
        soundoff = await self._soundoffs.get(soundoff_id)
        early = soundoff.ends_at - time.time()
        if soundoff.is_open and early > 0:
            return early
        await self.close(soundoff_id, closed_by=None)
        return None

    async def close(self, soundoff_id: int, closed_by: int | None) -> None:
        """Close once, then announce (the announcement is retried at start if the bot stops in between)."""
        await self._soundoffs.close(soundoff_id, closed_by)
        soundoff = await self._soundoffs.get(soundoff_id)
        if soundoff.results_message_id is None:
            await self._announce(soundoff)

    async def run(self) -> None:
        """Announce what a stop left unannounced, then close sound-offs as their deadlines pass, until ``stop``."""
        await self.announce_pending()
        while self._shutdown.running:
            self._wake.clear()
            next_at = await self.sweep()
            sleep = MAX_SLEEP if next_at is None else min(MAX_SLEEP, next_at - time.time())
            await self._shutdown.sleep(sleep, wake=self._wake)

    async def stop(self) -> None:
        """End ``run`` and the vote-count refreshes at their next step (at once if they are asleep)."""
        self._shutdown.set()
        self._wake.set()
        refreshes = list(self._refreshing.values())
        if refreshes:
            await asyncio.wait(refreshes)

    async def announce_pending(self) -> None:
        """Post the results a stop left unposted."""
        for pending in await self._soundoffs.unannounced():
            await self._guarded(self._announce(pending))

    async def sweep(self) -> float | None:
        """Close every sound-off past its deadline; the next deadline after those, if any."""
        due, next_at = await self._soundoffs.due()
        for soundoff in due:
            await self._guarded(self.close(soundoff.id, closed_by=None))
        return next_at

    def count_changed(self, soundoff: Soundoff) -> None:
        """A vote came in: refresh the count shown, at most every few seconds, until it matches the stored one."""
        if soundoff.id in self._refreshing or not self._shutdown.running:
            return
        self._refreshing[soundoff.id] = asyncio.get_running_loop().create_task(
            self._refresh(soundoff.id), name=f"soundoff-count-{soundoff.id}"
        )

    async def _refresh(self, soundoff_id: int) -> None:
        shown = -1
        try:
            # until the count shown is the count stored (a vote during an edit isn't lost), or the bot stops
            while await self._shutdown.sleep(self._refresh_seconds):
                current = await self._soundoffs.get(soundoff_id)
                votes = await self._soundoffs.vote_count(current)
                if not current.is_open or votes == shown:
                    return
                await self.board.show_count(current, await self._soundoffs.title(current), votes)
                shown = votes
        except Exception:
            log.exception("Refreshing the vote count of sound-off %s failed", soundoff_id)
        finally:
            del self._refreshing[soundoff_id]

    async def _announce(self, soundoff: Soundoff) -> None:
        if not await self._soundoffs.claim_announcement(soundoff):
            return  # another bot process on this database is posting them, or has
        try:
            results = await self._soundoffs.results(soundoff)
            chart = bar_chart_png(
                [r.option.label for r in results.options],
                [r.votes for r in results.options],
                results.winner,
                "Sound-off results",
            )
            posted = await self.board.post_results(soundoff, results, chart)
        except BaseException:
            await self._soundoffs.release_announcement(soundoff)
            raise
        if posted is None:
            log.warning("Sound-off %s: its channel is gone; results not posted", soundoff.id)
        await self._soundoffs.record_results(soundoff, posted.message_id if posted else None)

    @staticmethod
    async def _guarded(work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Closing or announcing a sound-off failed")
