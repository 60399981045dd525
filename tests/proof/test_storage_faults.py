"""Storage faults on a real SQLite file (issue 29): a read-only, full, damaged or vanished database.

Every refused write is answered with the sentence "I can't save right now — …" (privately in Discord, a 503 in
the playground), the operator reads it in the log and from ``soundoff health``, and nothing acknowledged is lost:
what was saved before the fault is still there after it, and a vanished file is rescued rather than recreated.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from bot.database_target import PostgresUrl
from bot.db.connection import Database, DatabaseOpenError
from bot.db.migrate import open_migrated
from bot.db.sqlite_file import marker_path, rescued_copies
from bot.errors import StorageError
from bot.health import check, heartbeat_path, write_heartbeat
from bot.playground.app import build_app
from bot.playground.members import GUILD_ID
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from bot.songwriting.words.brief import Brief
from bot.workshop.actors import Actor
from bot.workshop.workshop import Workshop
from tests.postgres import PostgresServer
from tests.proof.conftest import Launch, new_song, quiet, recorded_song
from tests.standin import LogGuard, StandIn
from tests.standin.polling import eventually

ANA = Actor(guild_id=1, user_id=10, name="Ana")
WRITE = {"X-Soundoff-Playground": "1"}
LONG_VERSE = "\n".join(["[Verse 1]", *[f"the long line number {i} runs on past the harbour wall" for i in range(60)]])
"""A revision big enough to need new database pages (a full database refuses only writes that grow it)."""


async def make_read_only(db: Database, folder: Path) -> None:
    # Tests run as root, and root writes through chmod; query_only makes SQLite refuse every write on this
    # connection with the very error (SQLITE_READONLY) a read-only file, folder or mount gives.
    await db.fetch_one("PRAGMA query_only = ON")


async def make_full(db: Database, folder: Path) -> None:
    # The disk "fills" at the database's present size: any write that needs another page gets SQLITE_FULL,
    # as on a full disk (a real full file system would take the test machine's other files with it).
    pages = await db.fetch_one("PRAGMA page_count")
    assert pages is not None
    await db.fetch_one(f"PRAGMA max_page_count = {int(pages[0])}")


async def make_missing(db: Database, folder: Path) -> None:
    shutil.rmtree(folder)  # the whole data folder, database, WAL and all, while the process holds them open


FAULTS: dict[str, tuple[Callable[[Database, Path], Awaitable[None]], str]] = {
    "read-only": (make_read_only, "the database is read-only"),
    "full": (make_full, "the disk holding the database is full"),
    "missing": (make_missing, "the database file was deleted or replaced while I was running"),
}


def corrupt_table(path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` in a closed database file with junk (a damaged disk sector)."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    connection.close()
    with path.open("r+b") as stream:
        stream.seek((root - 1) * page_size)
        stream.write(os.urandom(page_size))


def present(*paths: Path) -> list[bool]:
    return [path.exists() for path in paths]


def remove(path: Path) -> None:
    path.unlink()


def settings_for(path: Path | PostgresUrl) -> Settings:
    return Settings(  # type: ignore[call-arg]  # pydantic-settings' init-only keyword
        _env_file=None, SOUNDOFF_DATABASE=str(path), SOUNDOFF_COOLDOWN_SECONDS=0, SOUNDOFF_DAILY_QUOTA=1000
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.db"


@pytest.fixture
def allow_storage_errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot.db")
    return caplog


async def _drafts(workshop: Workshop, count: int) -> list[int]:
    made = []
    for i in range(count):
        delivery = await workshop.drafts.lyrics(ANA, 2, Brief(f"harbour lights number {i}", seed=i + 1))
        made.append(delivery.song.id)
    return made


async def _revise(workshop: Workshop, song_id: int, text: str) -> int:
    song = await workshop.songs.by_id(ANA.guild_id, song_id)
    parent = await workshop.revisions.parent_for(song, None)
    delivery = await workshop.revisions.submit(song, ANA, text=text, upload=None, parent=parent)
    return delivery.version.number


# --- through the workshop ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_write_on_a_faulty_database_is_refused_in_a_sentence_and_nothing_saved_is_lost(
    fault: str, data: Path, render_pool: RenderPool, allow_storage_errors: pytest.LogCaptureFixture
) -> None:
    """Three drafts are saved; then the fault: a revision is refused with the member's sentence, the operator's
    log line and ``storage_fault`` name it, the saved drafts still read, and no version was added."""
    services = await Services.open(settings_for(data), pool=render_pool)
    workshop = Workshop(services)
    try:
        songs = await _drafts(workshop, 3)
        cause, reason = FAULTS[fault]
        await cause(services.db, data.parent)
        with pytest.raises(StorageError) as refused:
            await _revise(workshop, songs[0], LONG_VERSE)
        assert str(refused.value).startswith(f"I can't save right now — {reason}. Nothing was saved")
        with pytest.raises(StorageError):
            await _revise(workshop, songs[1], LONG_VERSE)
        assert reason in (services.db.storage_fault or "")
        logged = [r.getMessage() for r in allow_storage_errors.records if r.levelno == logging.ERROR]
        assert any(m.startswith("Storage fault: cannot write to") and reason in m for m in logged), logged
        for song_id in songs:  # reads keep working: the listing still shows every acknowledged draft
            assert [v.number for v in await services.songs.versions(song_id)] == [1]
        assert await services.songs.count(ANA.guild_id) == 3
    finally:
        await services.close()


@pytest.mark.parametrize("fault", ["read-only", "full"])
async def test_writes_resume_when_the_fault_passes(
    fault: str, data: Path, render_pool: RenderPool, allow_storage_errors: pytest.LogCaptureFixture
) -> None:
    """Permissions fixed or space freed: the next revision is saved and the fault is no longer reported."""
    services = await Services.open(settings_for(data), pool=render_pool)
    workshop = Workshop(services)
    try:
        (song,) = await _drafts(workshop, 1)
        await FAULTS[fault][0](services.db, data.parent)
        with pytest.raises(StorageError):
            await _revise(workshop, song, LONG_VERSE)
        await services.db.fetch_one("PRAGMA query_only = OFF")
        await services.db.fetch_one("PRAGMA max_page_count = 1073741823")
        assert await _revise(workshop, song, LONG_VERSE) == 2
        assert services.db.storage_fault is None
    finally:
        await services.close()


async def test_a_vanished_database_is_rescued_and_never_silently_recreated(
    data: Path, render_pool: RenderPool, allow_storage_errors: pytest.LogCaptureFixture
) -> None:
    """The data folder is deleted under the running process: the next write is refused (not acknowledged), the
    process copies out everything it still holds, and the next start refuses to begin empty, naming the copy;
    renamed into place, it holds all three acknowledged drafts."""
    services = await Services.open(settings_for(data), pool=render_pool)
    workshop = Workshop(services)
    try:
        songs = await _drafts(workshop, 3)
        await make_missing(services.db, data.parent)
        with pytest.raises(StorageError, match="deleted or replaced while I was running"):
            await _drafts(workshop, 1)
    finally:
        await services.close()
    (copy,) = rescued_copies(data)
    assert present(data, marker_path(data)) == [False, True]
    with pytest.raises(DatabaseOpenError) as refused:
        await Services.open(settings_for(data), pool=render_pool)
    assert f"the database {data} is missing" in str(refused.value)
    assert f"{copy} is the copy the bot saved" in str(refused.value)
    assert present(data) == [False]  # the refusal created nothing
    await asyncio.to_thread(copy.rename, data)
    reopened = await Services.open(settings_for(data), pool=render_pool)
    try:
        assert [await reopened.songs.get(s) is not None for s in songs] == [True] * 3
    finally:
        await reopened.close()


async def test_a_vanished_database_is_noticed_and_rescued_between_writes(
    data: Path, render_pool: RenderPool, allow_storage_errors: pytest.LogCaptureFixture
) -> None:
    """The heartbeat's storage check notices the deleted folder without waiting for a write, and rescues what
    the process holds; the fault it reports is the one ``soundoff health`` shows."""
    services = await Services.open(settings_for(data), pool=render_pool)
    try:
        songs = await _drafts(Workshop(services), 2)
        await make_missing(services.db, data.parent)
        fault = await services.db.check_storage()
        assert fault is not None
        assert fault.startswith("the database file was deleted or replaced while I was running")
        (copy,) = rescued_copies(data)
        with sqlite3.connect(copy) as rescued:
            assert sorted(row[0] for row in rescued.execute("SELECT id FROM songs")) == sorted(songs)
        rescued.close()
    finally:
        await services.close()
    assert len(rescued_copies(data)) == 1  # rescued once, not again at close


async def test_a_damaged_page_is_reported_at_start_and_every_answer_says_so(
    data: Path, render_pool: RenderPool, allow_storage_errors: pytest.LogCaptureFixture
) -> None:
    """A page of the versions table is overwritten on disk: the start logs the damage at once, reads of it and
    every write are answered with the sentence (no write goes into a file that must be restored)."""
    services = await Services.open(settings_for(data), pool=render_pool)
    songs = await _drafts(Workshop(services), 2)
    await services.close()
    corrupt_table(data, "versions")
    services = await Services.open(settings_for(data), pool=render_pool)
    try:
        assert "damaged" in (services.db.storage_fault or "")
        logged = [r.getMessage() for r in allow_storage_errors.records if r.levelno == logging.ERROR]
        assert any("the database file is damaged" in m for m in logged), logged
        with pytest.raises(StorageError, match=r"^I can't read the songs right now — the database file is damaged"):
            await services.songs.versions(songs[0])
        with pytest.raises(StorageError, match=r"^I can't save right now — the database file is damaged"):
            await services.guild_settings.update(GUILD_ID, cooldown_seconds=5)
    finally:
        await services.close()


# --- at start ------------------------------------------------------------------------------------------------


async def test_a_first_start_creates_the_database_and_its_marker(data: Path) -> None:
    """A fresh machine: no folder, no database: both are made, with the marker that says one lives here."""
    db = await open_migrated(data)
    await db.close()
    assert present(data, marker_path(data)) == [True, True]
    assert "refuses to start without bot.db" in await asyncio.to_thread(marker_path(data).read_text)


async def test_a_database_deleted_between_runs_is_not_recreated_until_the_operator_says_so(data: Path) -> None:
    """The file alone is deleted while the bot is stopped: the start refuses and says how to start fresh; once
    the marker is deleted as told, a new empty database is made."""
    db = await open_migrated(data)
    await db.close()
    remove(data)
    with pytest.raises(DatabaseOpenError) as refused:
        await open_migrated(data)
    message = str(refused.value)
    assert "restore it from your backup" in message
    assert f"delete {marker_path(data)}" in message
    assert present(data) == [False]
    assert check(data).line == f"unhealthy: no database file at {data} (one was kept there: bot.db.created says so)"
    remove(marker_path(data))
    db = await open_migrated(data)
    await db.close()
    assert present(data) == [True]


# --- the operator's health check -----------------------------------------------------------------------------


def test_health_reports_the_storage_fault_the_bot_beats(tmp_path: Path) -> None:
    """A fresh heartbeat carrying a storage fault is unhealthy, with the fault in the line."""
    database = tmp_path / "bot.db"
    sqlite3.connect(database).close()
    beat = heartbeat_path(database)
    assert beat is not None
    write_heartbeat(beat, latency=0.01, guilds=1, storage_fault="the database is read-only (bot.db): Make it writable")
    report = check(database)
    assert not report.healthy
    assert report.line == "unhealthy: the bot can't save: the database is read-only (bot.db): Make it writable"
    assert json.loads(beat.read_text())["storage_fault"].startswith("the database is read-only")


def test_health_reports_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Free space below the threshold reads as a full disk (the threshold raised past this disk's free space)."""
    database = tmp_path / "bot.db"
    sqlite3.connect(database).close()
    monkeypatch.setattr("bot.health.DISK_FULL_BELOW", 1 << 62)
    report = check(database)
    assert not report.healthy
    assert report.line.startswith(f"unhealthy: the disk holding the database {database} is full (")


# --- through Discord -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_member_revising_on_a_faulty_database_is_told_privately(
    fault: str,
    tmp_path: Path,
    standin: StandIn,
    launch: Launch,
    discord_log_guard: LogGuard,
    allow_storage_errors: pytest.LogCaptureFixture,
) -> None:
    """Revise on a read-only, full or vanished database: an ephemeral "I can't save right now — …" (not the
    generic failure), the heartbeat tells ``soundoff health``, and the draft is still there."""
    discord_log_guard.allow("Storage fault")
    discord_log_guard.allow("vanished while open")
    database = tmp_path / "data" / "bot.db"
    bot = await launch(SOUNDOFF_DATABASE=str(database))
    scene = standin.scene
    draft = await new_song(standin, scene.owner)
    cause, reason = FAULTS[fault]
    await cause(bot.services.db, database.parent)
    opened = await (await standin.click(draft, label="Revise", member=scene.member)).modal()
    handle = await standin.submit_modal(opened, {"lyrics": LONG_VERSE})
    await handle.response()
    seen = await eventually(
        lambda: next((m for m in [*handle.followups, handle.original] if m and m.content), None), 20
    )
    assert seen.content.startswith(f"I can't save right now — {reason}. Nothing was saved"), seen.content
    assert seen.ephemeral
    assert bot.heartbeat is not None
    heartbeat = type(bot.heartbeat)(bot, bot.heartbeat.path, interval=0.05, check_storage=bot.services.db.check_storage)
    heartbeat.start()
    try:
        report = await eventually(lambda: None if (r := check(database)).healthy else r, 10)
        if fault == "missing":  # the process rescued its copy beside the marker; the file itself is gone
            assert (
                report.line == f"unhealthy: no database file at {database} (one was kept there: bot.db.created says so)"
            )
        else:
            assert report.line.startswith(f"unhealthy: the bot can't save: {reason} ({database}): ")
    finally:
        await heartbeat.stop()
    song = await recorded_song(bot, draft)
    assert len(await bot.services.songs.versions(song.id)) == 1
    await quiet(standin)


# --- through the playground ----------------------------------------------------------------------------------


@pytest.fixture
async def playground_client(
    tmp_path: Path, render_pool: RenderPool
) -> AsyncIterator[tuple[TestClient[object, object], Services, Path]]:
    path = tmp_path / "data" / "playground.db"
    services = await Services.open(settings_for(path), pool=render_pool)
    try:
        async with TestClient(TestServer(build_app(Workshop(services)), host="127.0.0.1")) as client:
            yield client, services, path
    finally:
        await services.close()


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_the_playground_answers_503_with_the_sentence(
    fault: str,
    playground_client: tuple[TestClient[object, object], Services, Path],
    allow_storage_errors: pytest.LogCaptureFixture,
) -> None:
    """Through the HTTP API: a revision (and, unless only growth is refused, a new song) is 503 with the member's
    sentence; the song saved before the fault still reads."""
    client, services, path = playground_client
    body = {"member": "you", "what": "lyrics", "theme": "rain on the night bus home", "seed": 7}
    created = await client.post("/api/songs", json=body, headers=WRITE)
    assert created.status == 201
    song = (await created.json())["song"]["id"]
    cause, reason = FAULTS[fault]
    await cause(services.db, path.parent)
    form = FormData(default_to_multipart=True)  # as the page's Revise form sends it
    form.add_field("member", "ana")
    form.add_field("lyrics", LONG_VERSE)
    revision = await client.post(f"/api/songs/{song}/versions/1/revisions", data=form, headers=WRITE)
    assert revision.status == 503, await revision.text()
    assert (await revision.json())["error"].startswith(f"I can't save right now — {reason}. Nothing was saved")
    if fault != "full":  # a full database still takes a write that fits in its pages; these refuse every write
        refused = await client.post("/api/songs", json=body | {"theme": "the next bus"}, headers=WRITE)
        assert refused.status == 503
        assert (await refused.json())["error"].startswith(f"I can't save right now — {reason}.")
    shown = await client.get(f"/api/songs/{song}")
    assert shown.status == 200
    assert len(await services.songs.versions(song)) == 1


async def test_the_playground_on_a_damaged_database_answers_503_with_the_sentence(
    tmp_path: Path, render_pool: RenderPool, allow_storage_errors: pytest.LogCaptureFixture
) -> None:
    """A playground started on a file whose versions page is damaged: showing the song and revising it are 503s
    that say the file is damaged, and nothing is written into it."""
    path = tmp_path / "data" / "playground.db"
    services = await Services.open(settings_for(path), pool=render_pool)
    song = (await Workshop(services).drafts.lyrics(Actor(GUILD_ID, 1, "You"), 2, Brief("fog", seed=3))).song
    await services.close()
    corrupt_table(path, "versions")
    services = await Services.open(settings_for(path), pool=render_pool)
    try:
        async with TestClient(TestServer(build_app(Workshop(services)), host="127.0.0.1")) as client:
            shown = await client.get(f"/api/songs/{song.id}")
            assert shown.status == 503
            assert (await shown.json())["error"].startswith(
                "I can't read the songs right now — the database file is damaged."
            )
            form = FormData(default_to_multipart=True)
            form.add_field("member", "ana")
            form.add_field("lyrics", "[Verse 1]\nthe fog lifts off the bay")
            revision = await client.post(f"/api/songs/{song.id}/versions/1/revisions", data=form, headers=WRITE)
            assert revision.status == 503
            assert "the database file is damaged" in (await revision.json())["error"]
    finally:
        await services.close()


# --- PostgreSQL (scale-out mode) -----------------------------------------------------------------------------


async def test_a_read_only_postgresql_server_answers_with_the_sentence(
    postgres_server: PostgresServer, render_pool: RenderPool, allow_storage_errors: pytest.LogCaptureFixture
) -> None:
    """The bot starts on a read-only PostgreSQL database (a standby, or default_transaction_read_only), shows
    what is stored, and answers a write with "I can't save right now — the database is read-only"."""
    url = postgres_server.clone()
    try:
        services = await Services.open(settings_for(url), pool=render_pool)
        try:
            (song,) = await _drafts(Workshop(services), 1)
        finally:
            await services.close()
        name = url.conninfo.rsplit("/", 1)[1]
        postgres_server._admin("ALTER DATABASE {name} SET default_transaction_read_only = on", name)
        services = await Services.open(settings_for(url), pool=render_pool)
        workshop = Workshop(services)
        try:
            assert [v.number for v in await services.songs.versions(song)] == [1]
            with pytest.raises(StorageError) as refused:
                await _revise(workshop, song, LONG_VERSE)
            assert str(refused.value).startswith(
                "I can't save right now — the database is read-only. Nothing was saved"
            )
            assert (services.db.storage_fault or "").startswith("the database is read-only (postgresql://")
            assert [v.number for v in await services.songs.versions(song)] == [1]
        finally:
            await services.close()
    finally:
        postgres_server.drop(url)
