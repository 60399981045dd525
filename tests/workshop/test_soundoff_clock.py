"""The sound-off clock through its port: a recording board stands in for Discord (real database, real renders)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from bot.database_target import DatabaseTarget
from bot.db.soundoffs import Soundoff
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from bot.songwriting.versions.soundoff import Results
from bot.workshop.soundoff_clock import Posted, SoundoffClock
from bot.workshop.soundoffs import Ballot
from bot.workshop.workshop import Workshop
from tests.standin.polling import eventually
from tests.workshop.test_soundoffs import MEMBER, OWNER, _song


@dataclass
class RecordingBoard:
    """The Board port as a list of what was shown; ``channel_gone`` makes results undeliverable."""

    ballots: list[Ballot] = field(default_factory=list)
    results: list[tuple[int, Results]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    channel_gone: bool = False
    failing: bool = False

    async def post_ballot(self, ballot: Ballot) -> Posted:
        self.ballots.append(ballot)
        return Posted(9000 + len(self.ballots), "https://discord.test/ballot")

    async def post_results(self, soundoff: Soundoff, results: Results, chart: bytes) -> Posted | None:
        assert chart.startswith(b"\x89PNG")
        if self.failing:
            raise ConnectionError("Discord is unreachable")
        if self.channel_gone:
            return None
        self.results.append((soundoff.id, results))
        return Posted(8000 + len(self.results), "https://discord.test/results")

    async def show_count(self, soundoff: Soundoff, title: str, votes: int) -> None:
        self.counts.append(votes)


async def _opened(services: Services) -> tuple[Workshop, RecordingBoard, Soundoff]:
    workshop, board = Workshop(services), RecordingBoard()
    workshop.clock.attach(board)
    started = await workshop.soundoffs.start(
        await _song(services), OWNER, channel_id=2, versions=None, hours=None, blind=None
    )
    posted = await workshop.clock.open(started)
    assert posted.message_id == 9001
    return workshop, board, started.soundoff


async def test_open_posts_the_ballot_with_previews_and_records_its_message(services: Services) -> None:
    """A new sound-off's options reach the board with their excerpts; the message is stored for later edits."""
    workshop, board, soundoff = await _opened(services)
    (ballot,) = board.ballots
    assert sorted(o.option.version for o in ballot.options) == [1, 2]
    assert {o.lyrics for o in ballot.options} == {"[Verse 1]\nthe ai wrote this", "[Verse 1]\nben wrote this"}
    assert (await workshop.soundoffs.get(soundoff.id)).message_id == 9001


async def test_close_announces_once(services: Services) -> None:
    """Closing twice (a moderator and the deadline racing) posts the results once."""
    workshop, board, soundoff = await _opened(services)
    await workshop.clock.close(soundoff.id, closed_by=OWNER.user_id)
    await workshop.clock.close(soundoff.id, closed_by=None)
    assert [sid for sid, _ in board.results] == [soundoff.id]
    assert (await workshop.soundoffs.get(soundoff.id)).results_message_id == 8001


async def test_two_bot_processes_on_one_database_announce_once(
    services: Services, database_target: DatabaseTarget, render_pool: RenderPool
) -> None:
    """Every bot process runs a clock: when two close the same deadline at once, one of them posts the results."""
    workshop, board, soundoff = await _opened(services)
    settings = Settings(_env_file=None, SOUNDOFF_DATABASE=database_target)  # type: ignore[call-arg]
    other = await Services.open(settings, pool=render_pool)
    try:
        other_workshop, other_board = Workshop(other), RecordingBoard()
        other_workshop.clock.attach(other_board)
        await asyncio.gather(
            workshop.clock.close(soundoff.id, closed_by=None), other_workshop.clock.close(soundoff.id, closed_by=None)
        )
        assert [sid for sid, _ in board.results + other_board.results] == [soundoff.id]
    finally:
        await other.db.close()


async def test_two_bot_processes_starting_after_a_stop_announce_once(
    services: Services, database_target: DatabaseTarget, render_pool: RenderPool
) -> None:
    """Results a stop left unposted are posted once, however many bot processes start and find them."""
    workshop, board, soundoff = await _opened(services)
    await services.soundoffs.close(soundoff.id, None)  # closed, then every bot stopped before announcing
    settings = Settings(_env_file=None, SOUNDOFF_DATABASE=database_target)  # type: ignore[call-arg]
    other = await Services.open(settings, pool=render_pool)
    other_workshop, other_board = Workshop(other), RecordingBoard()
    other_workshop.clock.attach(other_board)
    runners = [asyncio.create_task(w.clock.run()) for w in (workshop, other_workshop)]
    try:
        await eventually(lambda: board.results or other_board.results, within=10)
        await asyncio.sleep(0.5)  # time enough for a second post, were there one
    finally:
        for runner in runners:
            runner.cancel()
        for runner in runners:
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        await other.db.close()
    assert [sid for sid, _ in board.results + other_board.results] == [soundoff.id]


async def test_a_failed_post_is_retried_at_once(services: Services) -> None:
    """Results whose post failed are not held by the failed attempt's claim: the next attempt posts them."""
    workshop, board, soundoff = await _opened(services)
    board.failing = True
    with contextlib.suppress(ConnectionError):
        await workshop.clock.close(soundoff.id, closed_by=None)
    board.failing = False
    (pending,) = await workshop.soundoffs.unannounced()
    await workshop.clock.close(pending.id, closed_by=None)
    assert [sid for sid, _ in board.results] == [soundoff.id]


async def test_a_gone_channel_is_recorded_and_not_retried(services: Services) -> None:
    """Results that have nowhere to go are marked so a restart does not try them again."""
    workshop, board, soundoff = await _opened(services)
    board.channel_gone = True
    await workshop.clock.close(soundoff.id, closed_by=None)
    assert await workshop.soundoffs.unannounced() == []
    assert board.results == []


async def test_the_clock_closes_due_sound_offs_and_announces_what_a_stop_left(services: Services) -> None:
    """run() posts results a stop left unposted, then closes a sound-off whose deadline passed."""
    workshop, board, soundoff = await _opened(services)
    await services.soundoffs.close(soundoff.id, None)  # closed, then the bot stopped before announcing
    second = await workshop.soundoffs.start(
        await _song(services), OWNER, channel_id=2, versions=None, hours=None, blind=None
    )
    await workshop.clock.open(second)
    await services.db.execute("UPDATE soundoffs SET ends_at = 0 WHERE id = ?", (second.soundoff.id,))
    runner = asyncio.create_task(workshop.clock.run())
    try:
        await eventually(lambda: len(board.results) == 2, within=10)
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    assert [sid for sid, _ in board.results] == [soundoff.id, second.soundoff.id]


async def test_the_count_shown_catches_up_with_votes(services: Services) -> None:
    """Votes arriving during a refresh are not lost: the board ends on the stored count."""
    workshop, board, soundoff = await _opened(services)
    clock = SoundoffClock(workshop.soundoffs, refresh_seconds=0.05)
    clock.attach(board)
    await workshop.soundoffs.vote(soundoff.id, MEMBER, "A")
    clock.count_changed(soundoff)
    await workshop.soundoffs.vote(soundoff.id, OWNER, "B")
    clock.count_changed(soundoff)
    await eventually(lambda: board.counts and board.counts[-1] == 2, within=5)


async def test_stop_ends_the_clock_and_its_count_refreshes_at_once(services: Services) -> None:
    """A shutdown does not wait out the clock's sleep (up to five minutes) nor a refresh's: both wake on stop."""
    workshop, board, soundoff = await _opened(services)
    clock = SoundoffClock(workshop.soundoffs, refresh_seconds=60)
    clock.attach(board)
    runner = asyncio.create_task(clock.run())
    await workshop.soundoffs.vote(soundoff.id, MEMBER, "A")
    clock.count_changed(soundoff)
    await asyncio.sleep(0.2)  # both asleep: no deadline within five minutes, the refresh a minute away
    assert not runner.done()
    await asyncio.wait_for(clock.stop(), 1)
    await asyncio.wait_for(runner, 1)
    assert board.counts == []


@dataclass
class SwallowingBoard(RecordingBoard):
    """Posts results through ``asyncio.wait_for``, as psycopg_pool hands out connections: on Python 3.11 a
    cancellation arriving in the same loop turn as the reply is swallowed, and ``wait_for`` returns the reply."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    reply: asyncio.Future[Posted] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    async def post_results(self, soundoff: Soundoff, results: Results, chart: bytes) -> Posted | None:
        self.reached.set()
        return await asyncio.wait_for(self.reply, 10)


async def test_a_cancellation_a_library_swallowed_still_stops_the_clock(services: Services) -> None:
    """The hang that was: cancelled as a library's wait finished, the clock went back to a five-minute sleep."""
    workshop = Workshop(services)
    started = await workshop.soundoffs.start(
        await _song(services), OWNER, channel_id=2, versions=None, hours=None, blind=None
    )
    await services.soundoffs.close(started.soundoff.id, None)  # unannounced: run() posts it first
    board = SwallowingBoard()
    workshop.clock.attach(board)
    runner = asyncio.create_task(workshop.clock.run())
    await asyncio.wait_for(board.reached.wait(), 5)
    board.reply.set_result(Posted(8001, "https://discord.test/results"))
    runner.cancel()  # the same loop turn as the reply
    done, _ = await asyncio.wait([runner], timeout=1)
    assert done == {runner}
    assert runner.cancelled()
