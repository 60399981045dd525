"""Check-and-count statements hold across processes: racing claims and votes from two processes, on each backend."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import AbstractContextManager

from bot.database_target import DatabaseTarget, PostgresUrl
from bot.db.connection import Database
from bot.db.migrate import open_migrated
from bot.db.soundoffs import SoundoffRepository
from bot.db.usage import UsageRepository
from tests.db.scenes import open_soundoff
from tests.processes import started_together

NOON = 1_764_072_000.0


def _where(target: DatabaseTarget) -> str:
    return target.conninfo if isinstance(target, PostgresUrl) else str(target)


def _racers(*commands: list[str]) -> AbstractContextManager[list[subprocess.Popen[str]]]:
    """Start each racer, wait until all are connected, and let them go at once."""
    return started_together([[sys.executable, "-m", "tests.db.racer", *command] for command in commands])


def _result(process: subprocess.Popen[str]) -> list[int]:
    assert process.stdout is not None
    result: list[int] = json.loads(process.stdout.readline())
    assert process.wait(timeout=60) == 0
    return result


async def _migrated(target: DatabaseTarget) -> Database:
    return await open_migrated(target)


async def test_two_processes_racing_one_members_quota_allow_exactly_the_quota(database_target: DatabaseTarget) -> None:
    """Two processes, 40 simultaneous claims each, for one member against a quota of 25: exactly 25 are allowed."""
    db = await _migrated(database_target)
    try:
        claim = ["claim", _where(database_target), "1", "10", "40", "25", "0", str(NOON)]
        with _racers(claim, claim) as processes:
            allowed = [sum(_result(p)) for p in processes]
        assert sum(allowed) == 25
        assert await UsageRepository(db).used_today(1, now=NOON) == 25
    finally:
        await db.close()


async def test_two_processes_racing_many_members_allow_exactly_the_servers_quota(
    database_target: DatabaseTarget,
) -> None:
    """Two processes claiming for 40 members of one server at once, quota 25: exactly 25, whoever they are."""
    db = await _migrated(database_target)
    try:
        claim = ["claim", _where(database_target), "1", "10", "40", "25", "0", str(NOON), "40"]
        with _racers(claim, claim) as processes:
            allowed = [sum(_result(p)) for p in processes]
        assert sum(allowed) == 25
        assert await UsageRepository(db).used_today(1, now=NOON) == 25
    finally:
        await db.close()


async def test_two_processes_racing_one_members_cooldown_allow_one(database_target: DatabaseTarget) -> None:
    """Twenty simultaneous claims from two processes inside one cooldown: one generation starts, and counts once."""
    db = await _migrated(database_target)
    try:
        claim = ["claim", _where(database_target), "1", "10", "10", "100", "60", str(NOON)]
        with _racers(claim, claim) as processes:
            allowed = [sum(_result(p)) for p in processes]
        assert sum(allowed) == 1
        assert await UsageRepository(db).used_today(1, now=NOON) == 1
    finally:
        await db.close()


async def test_a_close_from_another_process_never_misses_a_taken_vote(database_target: DatabaseTarget) -> None:
    """Votes pour in from another process while this one closes: the tallies read right after the close hold
    every vote that was taken, and no vote is taken after it."""
    db = await _migrated(database_target)
    try:
        soundoffs = SoundoffRepository(db)
        soundoff_id = await open_soundoff(db, lasting=60)
        with _racers(["vote", _where(database_target), str(soundoff_id), "1000", "400"]) as (voter,):
            assert voter.stdout is not None
            assert voter.stdout.readline().strip() == "voting"
            assert await soundoffs.close(soundoff_id, closed_by=None)
            announced = await soundoffs.tallies(soundoff_id)
            taken = _result(voter)
        assert 0 < len(taken) <= 400
        assert announced["A"] == len(taken)
        assert sorted(await soundoffs.votes(soundoff_id)) == sorted(taken)
    finally:
        await db.close()
