"""The container's health check: a readable database and a fresh gateway heartbeat, written by the real bot."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from bot.app import SoundOffBot
from bot.database_target import PostgresUrl
from bot.health import STALE_SECONDS, check, heartbeat_path, write_heartbeat
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from tests.standin.fixtures import StartClient
from tests.standin.polling import eventually


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "soundoff.db"
    path.parent.mkdir()
    sqlite3.connect(path).close()
    return path


def _beat(database: Path, *, age: float) -> Path:
    path = heartbeat_path(database)
    assert path is not None
    write_heartbeat(path, latency=0.042, guilds=1, now=time.time() - age)
    return path


def test_a_fresh_heartbeat_is_healthy(database: Path) -> None:
    """A readable database and a beat within the limit: healthy, with the age and latency shown."""
    _beat(database, age=5)
    report = check(database)
    assert report.healthy, report.line
    assert "latency 42 ms" in report.line


def test_a_stale_heartbeat_is_unhealthy(database: Path) -> None:
    """A bot whose loop or gateway stopped beating for longer than the limit is unhealthy."""
    _beat(database, age=STALE_SECONDS + 1)
    report = check(database)
    assert not report.healthy
    assert "heartbeat was" in report.line


def test_no_heartbeat_is_unhealthy(database: Path) -> None:
    """A bot that never connected (or stopped cleanly) has no heartbeat file."""
    assert not check(database).healthy


def test_a_missing_database_is_unhealthy_and_not_created(tmp_path: Path) -> None:
    """The check reads; it never creates a database where the volume should be."""
    missing = tmp_path / "nowhere" / "soundoff.db"
    report = check(missing)
    assert not report.healthy
    assert not missing.parent.exists()


def test_a_file_that_is_not_a_database_is_unhealthy(database: Path) -> None:
    """Garbage where the database should be is reported, not a traceback."""
    database.write_bytes(b"not a database, just text" * 100)
    _beat(database, age=0)
    report = check(database)
    assert not report.healthy
    assert "cannot read the database" in report.line


def test_health_command_exit_codes(database: Path) -> None:
    """``soundoff health`` exits 1 with one line when unhealthy and 0 when healthy (Docker's convention)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "OPENAI_", "SOUNDOFF_"))}
    env["SOUNDOFF_DATABASE"] = str(database)

    def run() -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "bot", "health"]
        return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=database.parent, timeout=60)

    sick = run()
    assert (sick.returncode, len(sick.stderr.splitlines())) == (1, 1)
    _beat(database, age=0)
    well = run()
    assert well.returncode == 0, well.stderr
    assert well.stdout.startswith("healthy:")


async def test_the_connected_bot_beats_and_a_clean_stop_removes_the_beat(
    start_client: StartClient, tmp_path: Path, render_pool: RenderPool
) -> None:
    """The real bot, connected to the stand-in's gateway, writes the heartbeat at once; closing removes it."""
    database = tmp_path / "bot.db"
    settings = Settings(_env_file=None, SOUNDOFF_DATABASE=str(database), SOUNDOFF_GUILD_READY_TIMEOUT=0.05)  # type: ignore[call-arg]
    services = await Services.open(settings, pool=render_pool)
    beat = heartbeat_path(database)
    assert beat is not None
    try:
        bot = await start_client(SoundOffBot(services))
        await eventually(beat.exists, within=5)
        record = json.loads(beat.read_text())
        assert record["pid"] == os.getpid()
        assert check(database).healthy
        await bot.close()
        assert not beat.exists()
    finally:
        await services.close()


def test_a_postgresql_bot_beats_in_its_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scale-out mode has no file beside its database URL: the beat and the check meet in the container's temp dir."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    url = PostgresUrl("postgresql://bot:secret@db.internal/soundoff")
    assert not check(url).healthy
    path = heartbeat_path(url)
    assert path is not None
    assert path.parent == tmp_path
    write_heartbeat(path, latency=0.01, guilds=3)
    report = check(url)
    assert report.healthy, report.line
    assert "secret" not in report.line
